/**
 * How the e2e server tells the tests where its instance lives: a JSON file in the OS temp directory,
 * keyed by the web port (only one instance can serve a port), readable by its owner only.
 */
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export interface E2eInstance {
  baseUrl: string;
  /** The least-privileged application role's URL: tests create their own data through it. */
  appUrl: string;
  /** The database owner's URL: only for states the application role may not create (a tampered cache). */
  ownerUrl?: string;
  pid: number;
}

export function e2ePort(): number {
  return Number.parseInt(process.env.E2E_PORT ?? "3100", 10);
}

export function instanceFile(port = e2ePort()): string {
  return path.join(tmpdir(), `countersign-e2e-${port}.json`);
}

export function readInstance(port = e2ePort()): E2eInstance {
  const file = instanceFile(port);
  if (!existsSync(file)) throw new Error(`No e2e instance description at ${file}; is e2e/support/server.mts running?`);
  return JSON.parse(readFileSync(file, "utf8")) as E2eInstance;
}
