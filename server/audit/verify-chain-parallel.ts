import { Worker } from "node:worker_threads";
import type postgres from "postgres";
import { checkedTableName, joinRanges, sortedMarks, RangeWalk, streamRange, verifyChain, type ChainVerification, type CheckpointMark, type RangeOutcome, type SeqRange, type VerifyOptions } from "./verify-chain";

/** What a range worker is started with; it then walks the ranges it is sent. See verify-range-worker.ts. */
export interface RangeWorkerSetup {
  url: string;
  table: string;
  marks: CheckpointMark[];
}

/** Sent to a range worker: the next range to walk. */
export interface RangeRequest {
  range: SeqRange;
}

/** Posted by a range worker: ready once connected, then one outcome (or error) per range. */
export type RangeReply = { ready: true } | { outcome: RangeOutcome } | { error: string };

export interface ParallelOptions extends VerifyOptions {
  /** Where the worker threads connect, each with its own connection: the same database as sql. */
  url: string;
  /** Ranges walked at once: this thread walks some, and a worker thread each walks others. */
  threads: number;
}

/**
 * The chain is cut into this many consecutive seq ranges per thread, handed out in seq order to
 * whichever thread is free. A worker thread takes a second or more to start (it loads TypeScript);
 * meanwhile this thread walks the first ranges, so the start-up delays the end by at most a range.
 */
const rangesPerThread = 4;

/**
 * verifyChain split by seq value into consecutive ranges walked at the same time, each COPY over
 * its thread's own connection, the seams checked by joinRanges. The report is exactly the one
 * walk's. Worker threads load TypeScript through the loader of the process (tsx for the scripts),
 * so this module is only for processes started that way; the web server keeps to verifyChain.
 */
export async function verifyChainInParallel(sql: postgres.Sql, options: ParallelOptions): Promise<ChainVerification> {
  const started = performance.now();
  const table = checkedTableName(options.table ?? "audit_events");
  const marks = sortedMarks(options.checkpoints ?? []);
  const ranges = await splitBySeq(sql, table, options.threads);
  if (ranges.length < 2) return verifyChain(sql, options);
  const outcomes: RangeOutcome[] = [];
  let nextRange = 0;
  /** Ranges from here on are not needed: an earlier one holds a break, which is the first break. */
  let neededRanges = ranges.length;
  const take = (): number | null => {
    if (nextRange < neededRanges) return nextRange++;
    allHandedOut();
    return null;
  };
  const settle = (index: number, outcome: RangeOutcome) => {
    outcomes[index] = outcome;
    if (outcome.failure && index < neededRanges) neededRanges = index + 1;
  };
  const workers = Array.from({ length: options.threads - 1 }, () => startRangeWorker({ url: options.url, table, marks }));
  const walkHere = async () => {
    for (let index = take(); index !== null; index = take()) {
      const walk = new RangeWalk(marks);
      await streamRange(sql, table, ranges[index] as SeqRange, walk);
      settle(index, walk.outcome());
    }
  };
  // Once every range is handed out, a worker still starting is not waited for.
  let allHandedOut: () => void = () => undefined;
  const handedOut = new Promise<void>((resolve) => (allHandedOut = resolve));
  const walkThere = async (worker: RangeWorker) => {
    await Promise.race([worker.ready, handedOut]);
    for (let index = take(); index !== null; index = take()) settle(index, await worker.walk(ranges[index] as SeqRange));
  };
  // An error anywhere stops the handing out, and is thrown once every walk in progress has ended,
  // so that no COPY is left running on this thread's connection.
  let error: unknown = null;
  const orStop = (walking: Promise<void>) =>
    walking.catch((caught: unknown) => {
      error ??= caught;
      neededRanges = 0;
    });
  try {
    await Promise.all([orStop(walkHere()), ...workers.map((worker) => orStop(walkThere(worker)))]);
    if (error !== null) throw error;
    // Every range below neededRanges was handed out (they go in order), so all of them are settled.
    return joinRanges(outcomes.slice(0, neededRanges), marks, started);
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
  const count = threads * rangesPerThread;
  const ranges: SeqRange[] = [];
  for (let index = 0; index < count; index += 1) {
    const after = Math.floor((head * index) / count);
    ranges.push({ after, upTo: index === count - 1 ? null : Math.floor((head * (index + 1)) / count) });
  }
  return ranges;
}

interface RangeWorker {
  /** Settles once the worker has loaded and connected; rejects if it failed to. */
  ready: Promise<void>;
  walk: (range: SeqRange) => Promise<RangeOutcome>;
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

/** One range at a time: each request is answered by one reply, in order. */
function startRangeWorker(setup: RangeWorkerSetup): RangeWorker {
  const tsxApi = import.meta.resolve("tsx/esm/api");
  const worker = new Worker(workerBootstrap, { eval: true, workerData: { ...setup, tsxApi, module: workerModule } });
  let pending: { resolve: (outcome: RangeOutcome) => void; reject: (error: Error) => void } | null = null;
  let failure: Error | null = null;
  let markReady: () => void = () => undefined;
  let markFailed: (error: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    markFailed = reject;
  });
  ready.catch(() => undefined); // awaited by walkThere, or abandoned after an earlier break
  const fail = (error: Error) => {
    failure ??= error;
    markFailed(failure);
    pending?.reject(failure);
    pending = null;
  };
  worker.on("message", (reply: RangeReply) => {
    if ("ready" in reply) return markReady();
    if ("error" in reply) return fail(new Error(`range worker: ${reply.error}`));
    pending?.resolve(reply.outcome);
    pending = null;
  });
  worker.once("error", fail);
  worker.once("exit", (code) => fail(new Error(`range worker exited with code ${code} before it reported`)));
  return {
    ready,
    walk: (range) =>
      new Promise<RangeOutcome>((resolve, reject) => {
        if (failure) return reject(failure);
        pending = { resolve, reject };
        worker.postMessage({ range } satisfies RangeRequest);
      }),
    stop: async () => void (await worker.terminate()),
  };
}
