import { Worker } from "node:worker_threads";
import type postgres from "postgres";
import { checkedTableName, joinRanges, sortedMarks, RangeWalk, streamRange, verifyChain, type ChainVerification, type CheckpointMark, type RangeOutcome, type SeqRange, type VerifyOptions } from "./verify-chain";

/** What a range worker is given; see verify-range-worker.ts. */
export interface RangeTask {
  url: string;
  table: string;
  range: SeqRange;
  marks: CheckpointMark[];
}

export type RangeReply = { outcome: RangeOutcome } | { error: string };

export interface ParallelOptions extends VerifyOptions {
  /** Where the worker threads connect, each with its own connection: the same database as sql. */
  url: string;
  /** Ranges walked at once: this thread walks the first, a worker thread each other one. */
  threads: number;
}

/**
 * verifyChain split by seq value into consecutive ranges walked at the same time, each over its
 * own connection and COPY, the seams checked by joinRanges. The report is exactly the one walk's.
 * Worker threads load TypeScript through the loader of the process (tsx for the scripts), so this
 * module is only for processes started that way; the web server keeps to verifyChain.
 */
export async function verifyChainInParallel(sql: postgres.Sql, options: ParallelOptions): Promise<ChainVerification> {
  const started = performance.now();
  const table = checkedTableName(options.table ?? "audit_events");
  const marks = sortedMarks(options.checkpoints ?? []);
  const ranges = await splitBySeq(sql, table, options.threads);
  if (ranges.length < 2) return verifyChain(sql, options);
  const workers = ranges.slice(1).map((range) => startRangeWorker({ url: options.url, table, range, marks }));
  try {
    const first = new RangeWalk(marks);
    await streamRange(sql, table, ranges[0] as SeqRange, first);
    const outcome = first.outcome();
    // A break in the first range is the first break: the later ranges cannot change the report.
    if (outcome.failure) return joinRanges([outcome], marks, started);
    const others = await Promise.all(workers.map((worker) => worker.outcome));
    return joinRanges([outcome, ...others], marks, started);
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
  }
}

/**
 * Consecutive ranges of about equal seq span over what the table holds now; the last one is open,
 * so it also walks rows appended meanwhile, as a single walk would.
 */
async function splitBySeq(sql: postgres.Sql, table: string, threads: number): Promise<SeqRange[]> {
  const [bounds] = await sql.unsafe<{ head: string | null }[]>(`select max(seq)::text as head from ${table} where seq > 0`);
  const head = Number(bounds?.head ?? 0);
  if (!Number.isSafeInteger(head) || head < threads * 1000 || threads < 2) return [{ after: 0, upTo: null }];
  const ranges: SeqRange[] = [];
  for (let index = 0; index < threads; index += 1) {
    const after = Math.floor((head * index) / threads);
    ranges.push({ after, upTo: index === threads - 1 ? null : Math.floor((head * (index + 1)) / threads) });
  }
  return ranges;
}

interface RangeWorker {
  outcome: Promise<RangeOutcome>;
  stop: () => Promise<void>;
}

/**
 * Hooks registered by a loader (tsx here) do not carry over to worker threads on Node 20, so the
 * worker registers tsx itself before it imports the TypeScript module; that works under the tsx
 * CLI, `node --import tsx` and Vitest alike.
 */
const workerBootstrap = `
  const { workerData } = require("node:worker_threads");
  import(workerData.tsxApi).then(({ register }) => { register(); return import(workerData.module); });
`;
const workerModule = new URL("./verify-range-worker.ts", import.meta.url).href;

function startRangeWorker(task: RangeTask): RangeWorker {
  const tsxApi = import.meta.resolve("tsx/esm/api");
  const worker = new Worker(workerBootstrap, { eval: true, workerData: { ...task, tsxApi, module: workerModule } });
  const outcome = new Promise<RangeOutcome>((resolve, reject) => {
    worker.once("message", (reply: RangeReply) => ("outcome" in reply ? resolve(reply.outcome) : reject(new Error(`range worker: ${reply.error}`))));
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`range worker exited with code ${code} before it reported`)));
  });
  outcome.catch(() => undefined); // awaited by the caller, or abandoned after an earlier break
  return { outcome, stop: async () => void (await worker.terminate()) };
}
