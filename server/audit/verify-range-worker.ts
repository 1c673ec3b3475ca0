/**
 * A worker thread of verifyChainInParallel: connects once, says it is ready, then walks each seq
 * range it is sent over its own connection and posts the range's outcome (or the error that
 * stopped it) back. It runs until the parent terminates it.
 */
import { parentPort, workerData } from "node:worker_threads";
import postgres from "postgres";
import type { RangeReply, RangeRequest, RangeWorkerSetup } from "./verify-chain-parallel";
import { RangeWalk, streamRange } from "./verify-chain";

const setup = workerData as RangeWorkerSetup;
const sql = postgres(setup.url, { max: 1, onnotice: () => undefined });

async function walkRange({ range }: RangeRequest): Promise<RangeReply> {
  try {
    const walk = new RangeWalk(setup.marks);
    await streamRange(sql, setup.table, range, walk);
    return { outcome: walk.outcome() };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

const reply = (message: RangeReply) => parentPort?.postMessage(message);
try {
  await sql`select 1`;
  reply({ ready: true });
} catch (error) {
  reply({ error: error instanceof Error ? error.message : String(error) });
}
parentPort?.on("message", (request: RangeRequest) => void walkRange(request).then(reply));
