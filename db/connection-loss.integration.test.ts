import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../test/support/test-database";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ maxConnections: 2 });
});
afterAll(async () => {
  await database.drop();
});

// postgres.js 3.4.9 defers small writes to setImmediate; when the backend dies mid-transaction its
// own ROLLBACK lands on the closed socket and the TypeError thrown there cannot be caught: it took
// the whole process down. patches/postgres+3.4.9.patch guards it (see the README).
describe("losing the database connection mid-transaction", () => {
  it("fails that transaction, crashes nothing, and leaves the pool usable", () => {
    const child = spawnSync(process.execPath, ["--import", "tsx", "test/support/connection-loss.mts", database.appUrl, database.ownerUrl], {
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(child.stderr).not.toMatch(/TypeError|Uncaught|Unhandled/i);
    expect(child.status).toBe(0);
    const report = JSON.parse(child.stdout.trim().split("\n").pop() ?? "{}") as { transaction?: string; after?: string };
    expect(report.transaction).toBe("CONNECTION_CLOSED");
    expect(report.after).toBe("answered 1");
  });

  it("keeps what the killed transaction still sends off the reconnected connection and the transaction now on it", () => {
    const child = spawnSync(process.execPath, ["--import", "tsx", "test/support/stale-transaction.mts", database.ownerUrl], { encoding: "utf8", timeout: 30_000 });
    expect(child.stderr).not.toMatch(/TypeError|Uncaught|Unhandled/i);
    expect(child.status).toBe(0);
    const report = JSON.parse(child.stdout.trim().split("\n").pop() ?? "{}") as Record<string, unknown>;
    expect(report).toEqual({ first: "CONNECTION_CLOSED", stale: "CONNECTION_CLOSED", second: "committed", rows: 2 });
  });
});
