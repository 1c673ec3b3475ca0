import type { ChildProcess } from "node:child_process";
import { terminate } from "./processes";

/**
 * Keeps one child process running for `npm start`: a web server or worker that exits on its own is
 * started again after a back-off, so one crash (an out-of-memory kill, a lost database connection
 * the process chose to die on) does not take the product down. A child that keeps dying is a crash
 * loop that restarting cannot fix: after `maxRestarts` restarts within `windowMs` the supervisor
 * gives up and says so, and the caller stops everything. Restarting is safe for the worker by
 * design: its claims are leases, so what it held when it died is picked up again when they expire.
 */
export interface SuperviseOptions {
  /** How the logs name the process ("web", "worker"). */
  name: string;
  start: () => ChildProcess;
  log: (line: string) => void;
  /** Called once when the child died more than `maxRestarts` times within `windowMs`. */
  onGiveUp: (exitCode: number) => void;
  maxRestarts?: number;
  windowMs?: number;
  /** Delay before the n-th restart within the window (n from 1). */
  backoffMs?: (restart: number) => number;
}

export interface Supervised {
  /** Stops the current child (SIGTERM, then SIGKILL after a grace period) and any pending restart. */
  stop(): Promise<void>;
  /** Restarts so far, over the whole life of the supervisor. */
  restarts(): number;
}

export const defaultBackoffMs = (restart: number) => Math.min(30_000, 1_000 * 2 ** (restart - 1));

export function supervise(options: SuperviseOptions): Supervised {
  const maxRestarts = options.maxRestarts ?? 5;
  const windowMs = options.windowMs ?? 5 * 60_000;
  const backoffMs = options.backoffMs ?? defaultBackoffMs;
  let stopping = false;
  let child: ChildProcess;
  let pending: NodeJS.Timeout | undefined;
  let total = 0;
  const recent: number[] = [];

  const launch = () => {
    pending = undefined;
    child = options.start();
    child.once("exit", (code, signal) => {
      if (stopping) return;
      const exitCode = code ?? 1;
      const now = Date.now();
      while (recent.length > 0 && now - (recent[0] ?? now) > windowMs) recent.shift();
      if (recent.length >= maxRestarts) {
        options.log(
          `${options.name} exited (${code ?? signal}) after ${recent.length} restarts within ${Math.round(windowMs / 1000)} s; giving up`,
        );
        stopping = true;
        options.onGiveUp(exitCode);
        return;
      }
      recent.push(now);
      total += 1;
      const delay = backoffMs(recent.length);
      options.log(
        `${options.name} exited (${code ?? signal}); restarting in ${Math.round(delay / 100) / 10} s (restart ${recent.length} of at most ${maxRestarts} within ${Math.round(windowMs / 1000)} s)`,
      );
      pending = setTimeout(launch, delay);
    });
  };
  launch();

  return {
    async stop() {
      stopping = true;
      if (pending) clearTimeout(pending);
      pending = undefined;
      await terminate(child);
    },
    restarts: () => total,
  };
}
