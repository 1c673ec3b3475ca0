import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

export interface WorkerProcessOptions {
  batchSize?: number;
  leaseMs: number;
  logLevel?: string;
}

/**
 * The real worker (server/jobs/worker.mts) as a child process against a test database. It runs as
 * node itself with tsx as a loader (not the tsx CLI, which runs a second process and relays
 * signals), so a signal sent to the child reaches the worker.
 */
export function startWorkerProcess(appUrl: string, options: WorkerProcessOptions): ChildProcess {
  return spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "server/jobs/worker.mts"], {
    cwd: root,
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      ...process.env,
      APP_DATABASE_URL: appUrl,
      NEXTAUTH_SECRET: "worker-process-test-secret-0123456789abcdef",
      NEXTAUTH_URL: "http://localhost:3999",
      COUNTERSIGN_PROCESS: "worker",
      LOG_LEVEL: options.logLevel ?? "error",
      WORKER_BATCH_SIZE: String(options.batchSize ?? 40),
      WORKER_CONCURRENCY: "2",
      WORKER_LEASE_MS: String(options.leaseMs),
      WORKER_POLL_MS: "50",
    },
  });
}

/** Resolves with the child's exit code and signal. */
export function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}

/** Polls `condition` every 20 ms until it holds; throws after `timeoutMs`. */
export async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
