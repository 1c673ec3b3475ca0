/** Wall-clock helpers. performance.now() is monotonic, so a clock step cannot distort a result. */

export function nowMs(): number {
  return performance.now();
}

/** Runs an async task and returns its result with the wall time it took. */
export async function timed<T>(task: () => Promise<T>): Promise<{ result: T; elapsedMs: number }> {
  const started = nowMs();
  const result = await task();
  return { result, elapsedMs: nowMs() - started };
}

export function perSecond(count: number, elapsedMs: number): number {
  return elapsedMs > 0 ? (count / elapsedMs) * 1000 : Number.NaN;
}

export interface ClosedLoopOptions {
  /** How many callers run the operation concurrently; each starts the next as soon as one ends. */
  concurrency: number;
  /** Stop starting operations after this long. */
  durationMs: number;
  /** And never start more than this many in total. */
  operationsMax: number;
  operation: (worker: number) => Promise<void>;
}

export interface ClosedLoopResult {
  operations: number;
  elapsedMs: number;
  latenciesMs: number[];
}

/**
 * A closed-loop load: `concurrency` callers each run the operation back to back until the time or
 * the count runs out. Throughput is completed operations over the wall time until the last ends.
 */
export async function runClosedLoop(options: ClosedLoopOptions): Promise<ClosedLoopResult> {
  const latenciesMs: number[] = [];
  const started = nowMs();
  const deadline = started + options.durationMs;
  let startedCount = 0;
  const worker = async (index: number) => {
    while (nowMs() < deadline && startedCount < options.operationsMax) {
      startedCount += 1;
      const operationStarted = nowMs();
      await options.operation(index);
      latenciesMs.push(nowMs() - operationStarted);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, index) => worker(index)));
  return { operations: latenciesMs.length, elapsedMs: nowMs() - started, latenciesMs };
}
