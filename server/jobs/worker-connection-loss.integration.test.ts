import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { deliver, event, webhookCustomer } from "@/test/support/webhooks";
import { exitOf, startWorkerProcess, until } from "@/test/support/worker-process";
import { verifyLedger } from "../ledger/verify-ledger";

const leaseMs = 1_500;

// A database restart or failover kills every backend the worker holds, often in the middle of a
// batch transaction. The worker must ride it out: its loops fail, pause and reconnect; the leases
// of what it held run out; every event still posts exactly once. (Without patches/postgres+3.4.9.patch
// the driver's own ROLLBACK on the dead socket threw an uncatchable TypeError and the worker died;
// a killed transaction's leftovers on the reconnected connection stalled the inbox loop for good,
// about one run in ten; and a connection killed while reading array types crashed the worker.)
describe("a worker whose database connections are killed mid-batch", () => {
  let database: TestDatabase;
  const customers = Array.from({ length: 8 }, (_, index) => `loss-cust-${index}`);
  const total = 300;

  const processed = async () => (await database.owner`select count(*)::int as n from webhook_inbox where status = 'processed'`)[0]?.n as number;

  beforeAll(async () => {
    database = await createTestDatabase({ maxConnections: 6 });
    for (const customer of customers) await webhookCustomer(database.app.db, customer);
    for (let index = 0; index < total; index += 1) {
      const result = await deliver(database.app.db, event("payment.succeeded", { paymentId: `loss-pay-${index}`, customerRef: customers[index % customers.length], amount: "2.50", currency: "EUR" }));
      expect(result.status).toBe(200);
    }
  });
  afterAll(() => database.drop());

  it("keeps running, reconnects and posts every event exactly once", async () => {
    const worker = startWorkerProcess(database.appUrl, { batchSize: 10, leaseMs, logLevel: "fatal" });
    let stderr = "";
    worker.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const exit = exitOf(worker);
    try {
      await until(async () => (await processed()) >= 20, 60_000);
      let killed = 0;
      for (let round = 0; round < 5; round += 1) {
        const rows = await database.owner`select pg_terminate_backend(pid) as done from pg_stat_activity where datname = current_database() and application_name = 'countersign-worker'`;
        killed += rows.filter((row) => row.done === true).length;
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      expect(killed).toBeGreaterThan(0);
      // Generous: under a loaded machine a batch can take seconds; a dead worker ends the wait at once.
      await until(async () => worker.exitCode !== null || (await processed()) === total, 90_000).catch(async () => {
        // A stall: say where the events are and what the worker's connections are doing.
        const inbox = await database.owner`select status, claimed_by is not null as claimed, count(*)::int as n from webhook_inbox group by 1, 2`;
        const sessions = await database.owner`select state, wait_event, now() - state_change as since, left(query, 120) as query from pg_stat_activity where datname = current_database() and application_name = 'countersign-worker'`;
        throw new Error(`the worker stalled: inbox ${JSON.stringify(inbox)}; its sessions ${JSON.stringify(sessions)}`);
      });
      expect(worker.exitCode, stderr.slice(-2000)).toBeNull();
      expect(await processed()).toBe(total);
      expect(stderr).not.toMatch(/TypeError|uncaught/i);

      const [postings] = await database.owner`select count(*)::int as n, sum(amount)::text as total from ledger_transactions where idempotency_key like 'webhook:acmepay:%'`;
      expect(postings).toEqual({ n: total, total: "750.000000000000000000" });
      expect((await verifyLedger(database.app.db)).ok).toBe(true);

      worker.kill("SIGTERM");
      expect(await exit).toEqual({ code: 0, signal: null });
    } finally {
      if (worker.exitCode === null && worker.signalCode === null) worker.kill("SIGKILL");
    }
  }, 180_000);
});
