import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { deliver, drainInbox, event, webhookCustomer } from "@/test/support/webhooks";
import { exitOf, startWorkerProcess, until } from "@/test/support/worker-process";
import { verifyLedger } from "../ledger/verify-ledger";

const leaseMs = 1_500;
const startWorker = (appUrl: string, batchSize = 40) => startWorkerProcess(appUrl, { batchSize, leaseMs });

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
    const stopped = exitOf(worker);
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
    const stopped = exitOf(worker);
    await until(async () => (await database.owner`select count(*)::int as n from webhook_inbox where provider = 'gamehub' and status = 'processed'`)[0]?.n > 0, 30_000);
    worker.kill("SIGTERM");
    expect(await stopped).toEqual({ code: 0, signal: null });
    const [held] = await database.owner`select count(*)::int as n from webhook_inbox where claimed_by is not null`;
    expect(held?.n).toBe(0);
    await drainInbox(database.app.db);
    const [bonuses] = await database.owner`select count(*)::int as n from ledger_transactions where kind = 'bonus'`;
    expect(bonuses?.n).toBe(200);
  });

  it("SIGKILL while a batch transaction is half applied: none of it commits, and after the lease each event posts exactly once", async () => {
    const [first, second] = ["batch-crash-1", "batch-crash-2"];
    await webhookCustomer(database.app.db, first);
    const blocked = await webhookCustomer(database.app.db, second);
    const ids: string[] = [];
    for (const [index, customerRef] of [first, first, first, second, first, first].entries()) {
      const result = await deliver(database.app.db, event("payment.succeeded", { paymentId: `batch-crash-pay-${index}`, customerRef, amount: "3.00", currency: "EUR" }));
      if (result.status !== 200) throw new Error("delivery refused");
      ids.push(result.eventId);
    }
    const keys = ids.map((id) => `webhook:acmepay:${id}`);
    const postings = async () => (await database.owner`select count(*)::int as n from ledger_transactions where idempotency_key in ${database.owner(keys)}`)[0]?.n as number;

    // The second customer's wallet is held, so the worker's batch stops there with three postings applied and uncommitted.
    let release = () => undefined as void;
    const held = database.owner.begin(async (sql) => {
      await sql`select 1 from account_balances where account_id = ${blocked.walletIds.EUR ?? ""} for update`;
      await new Promise<void>((resolve) => (release = resolve));
    });
    const worker = startWorker(database.appUrl, 10);
    const stopped = exitOf(worker);
    await until(async () => (await database.owner`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query ilike '%account_balances%'`)[0]?.n > 0, 45_000);
    expect(await postings()).toBe(0);
    worker.kill("SIGKILL");
    expect((await stopped).signal).toBe("SIGKILL");
    release();
    await held;

    await until(async () => {
      await drainInbox(database.app.db);
      return (await database.owner`select count(*)::int as n from webhook_inbox where event_id in ${database.owner(ids)} and status = 'processed'`)[0]?.n === ids.length;
    }, leaseMs * 10);
    const [posted] = await database.owner`select count(*)::int as n, sum(amount)::text as total from ledger_transactions where idempotency_key in ${database.owner(keys)}`;
    expect(posted).toEqual({ n: 6, total: "18.000000000000000000" });
    const wallets = await database.owner`select c.external_ref, b.balance::text as balance from customers c join accounts a on a.customer_id = c.id and a.purpose = 'wallet'
      join account_balances b on b.account_id = a.id where c.external_ref in (${first}, ${second}) order by c.external_ref`;
    expect(wallets).toEqual([{ external_ref: first, balance: "15.000000000000000000" }, { external_ref: second, balance: "3.000000000000000000" }]);
    const lost = await database.owner`select count(*)::int as n from job_attempts a join webhook_inbox i on i.id = a.inbox_id where i.event_id in ${database.owner(ids)} and a.outcome = 'lost'`;
    expect(lost).toEqual([{ n: 6 }]);
    expect((await verifyLedger(database.app.db)).ok).toBe(true);
  }, 120_000);
});
