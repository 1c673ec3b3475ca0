import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { deliver, drainInbox, event, webhookCustomer } from "@/test/support/webhooks";
import { verifyLedger } from "../ledger/verify-ledger";

const root = path.resolve(import.meta.dirname, "../..");
const leaseMs = 1_500;

function startWorker(appUrl: string): ChildProcess {
  // node itself with tsx as a loader (not the tsx CLI, which runs a second process and relays signals), so the signal reaches the worker.
  return spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "server/jobs/worker.mts"], {
    cwd: root,
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      ...process.env,
      APP_DATABASE_URL: appUrl,
      NEXTAUTH_SECRET: "worker-crash-test-secret-0123456789abcdef",
      NEXTAUTH_URL: "http://localhost:3999",
      COUNTERSIGN_PROCESS: "worker",
      LOG_LEVEL: "error",
      WORKER_BATCH_SIZE: "40",
      WORKER_CONCURRENCY: "2",
      WORKER_LEASE_MS: String(leaseMs),
      WORKER_POLL_MS: "50",
    },
  });
}

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const exited = (child: ChildProcess) => new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));

describe("a worker killed in the middle of a batch", () => {
  let database: TestDatabase;
  const customers = Array.from({ length: 10 }, (_, index) => `crash-cust-${index}`);
  const total = 400;
  let expectedCents = 0;

  const processed = async () => (await database.owner`select count(*)::int as n from webhook_inbox where status = 'processed'`)[0]?.n as number;

  beforeAll(async () => {
    database = await createTestDatabase({ maxConnections: 10 });
    for (const customer of customers) await webhookCustomer(database.app.db, customer);
    for (let index = 0; index < total; index += 1) {
      const cents = 100 + (index % 300);
      expectedCents += cents;
      const amount = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
      const result = await deliver(database.app.db, event("payment.succeeded", { paymentId: `crash-pay-${index}`, customerRef: customers[index % customers.length], amount, currency: "EUR" }));
      expect(result.status).toBe(200);
    }
  });
  afterAll(() => database.drop());

  it("SIGKILL mid-batch, then a restart: every event posted exactly once (count and sum checked)", async () => {
    const worker = startWorker(database.appUrl);
    const stopped = exited(worker);
    await until(async () => (await processed()) >= 40, 30_000);
    worker.kill("SIGKILL");
    expect((await stopped).signal).toBe("SIGKILL");
    const atKill = await processed();
    expect(atKill).toBeLessThan(total);
    const [claimed] = await database.owner`select count(*)::int as n from webhook_inbox where status = 'pending' and claimed_until is not null`;
    expect(claimed?.n).toBeGreaterThan(0);

    // The rows it held come back when the lease runs out; a new worker (here, in-process) finishes.
    await until(async () => {
      await drainInbox(database.app.db);
      return (await processed()) === total;
    }, leaseMs * 10);

    const [postings] = await database.owner`select count(*)::int as n, sum(amount)::text as total from ledger_transactions where idempotency_key like 'webhook:acmepay:%'`;
    expect(postings?.n).toBe(total);
    expect(postings?.total).toBe(`${(expectedCents / 100).toFixed(2)}0000000000000000`);
    const [wallets] = await database.owner`select sum(b.balance)::text as total from account_balances b join accounts a on a.id = b.account_id where a.purpose = 'wallet'`;
    expect(wallets?.total).toBe(postings?.total);
    const [outbox] = await database.owner`select count(*)::int as n from outbox_events where type = 'ledger.transaction_posted'`;
    expect(outbox?.n).toBe(total);
    expect((await verifyLedger(database.app.db)).ok).toBe(true);
  });

  it("SIGTERM finishes in-flight work, releases its claims and exits 0", async () => {
    for (let index = 0; index < 200; index += 1) {
      await deliver(database.app.db, event("bonus.granted", { bonusId: `term-bonus-${index}`, customerRef: customers[index % customers.length], amount: "0.50", currency: "EUR" }), { provider: "gamehub" });
    }
    const worker = startWorker(database.appUrl);
    const stopped = exited(worker);
    await until(async () => (await database.owner`select count(*)::int as n from webhook_inbox where provider = 'gamehub' and status = 'processed'`)[0]?.n > 0, 30_000);
    worker.kill("SIGTERM");
    expect(await stopped).toEqual({ code: 0, signal: null });
    const [held] = await database.owner`select count(*)::int as n from webhook_inbox where claimed_by is not null`;
    expect(held?.n).toBe(0);
    await drainInbox(database.app.db);
    const [bonuses] = await database.owner`select count(*)::int as n from ledger_transactions where kind = 'bonus'`;
    expect(bonuses?.n).toBe(200);
  });
});
