/**
 * A worker thread of verifyChainInParallel: walks one seq range over its own connection and posts
 * the range's outcome (or the error that stopped it) back.
 */
import { parentPort, workerData } from "node:worker_threads";
import postgres from "postgres";
import type { RangeReply, RangeTask } from "./verify-chain-parallel";
import { RangeWalk, streamRange } from "./verify-chain";

async function walkRange(task: RangeTask): Promise<RangeReply> {
  const sql = postgres(task.url, { max: 1, onnotice: () => undefined });
  try {
    const walk = new RangeWalk(task.marks);
    await streamRange(sql, task.table, task.range, walk);
    return { outcome: walk.outcome() };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  } finally {
    await sql.end({ timeout: 2 });
  }
}

parentPort?.postMessage(await walkRange(workerData as RangeTask));
