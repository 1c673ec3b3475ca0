import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { signedInCaller } from "@/test/support/callers";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { drainOutbox, quickPolicy, webhookCustomer, workerOptions } from "@/test/support/webhooks";
import { openCustomerAccount, systemAccount } from "../ledger/open-account";
import { MoneyDecimal } from "../money";
import { generateSecret, verifyWebhook } from "../ingest/signature";
import { dispatchOutboxBatch } from "./dispatch-outbox";
import { activityProjection } from "./handlers/activity-projection";
import { subscriberWebhook } from "./handlers/subscriber-webhook";
import { returnOrphanedReplays } from "./return-orphaned-replays";

interface Received {
  id: string;
  correlationId: string | undefined;
  verified: boolean;
  type: string;
}

/** A subscriber on loopback that verifies our signature and answers what the test scripts. */
function subscriberServer(secret: string) {
  const received: Received[] = [];
  let answer: (count: number) => number | "hang" = () => 200;
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const header = (name: string) => (req.headers[name] as string | undefined) ?? null;
      const verified = verifyWebhook({ secrets: [secret], headers: { id: header("webhook-id"), timestamp: header("webhook-timestamp"), signature: header("webhook-signature") }, body, toleranceSeconds: 300 }).ok;
      received.push({ id: header("webhook-id") ?? "", correlationId: header("x-correlation-id") ?? undefined, verified, type: (JSON.parse(body) as { type: string }).type });
      const status = answer(received.length);
      if (status === "hang") return;
      res.writeHead(status).end();
    });
  });
  return {
    received,
    respond: (next: (count: number) => number | "hang") => void (answer = next),
    start: () => new Promise<string>((resolve) => server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`))),
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

describe("the outbox dispatcher", () => {
  let database: TestDatabase;
  const secret = generateSecret();
  const sink = subscriberServer(secret);
  let url = "";
  let wallet = "";
  let clearing = "";
  let customerId = "";

  const projection = activityProjection(quickPolicy);
  const subscriber = (attemptTimeoutMs = 5_000) => subscriberWebhook({ name: "crm", url }, secret, { policy: { ...quickPolicy, maxAttempts: 4, attemptTimeoutMs } });

  /** Outbox rows as postTransaction writes them, made in bulk with SQL. */
  const insertDeposits = async (count: number, correlation = "corr-bulk") => {
    await database.owner`insert into outbox_events (id, type, aggregate_type, aggregate_id, correlation_id, payload)
      select gen_random_uuid(), 'ledger.transaction_posted', 'ledger_transaction', t.id::text, ${correlation},
             jsonb_build_object('transactionId', t.id, 'kind', 'deposit', 'amount', '1.00', 'currency', 'EUR', 'externalReference', null,
               'occurredAt', '2026-11-01T12:00:00.000Z', 'bookedAt', '2026-11-01T12:00:00.000Z', 'reversesTransactionId', null,
               'entries', jsonb_build_array(jsonb_build_object('accountId', ${clearing}::text, 'currency', 'EUR', 'amount', '1.00'),
                                            jsonb_build_object('accountId', ${wallet}::text, 'currency', 'EUR', 'amount', '-1.00')))
        from (select gen_random_uuid() as id from generate_series(1, ${count})) as t`;
  };
  const activity = async (kind = "deposit") => {
    const [row] = await database.owner`select event_count, total::text as total from customer_activity where customer_id = ${customerId} and kind = ${kind}`;
    return row ?? { event_count: 0, total: "0" };
  };

  beforeAll(async () => {
    database = await createTestDatabase({ maxConnections: 20 });
    url = await sink.start();
    const customer = await webhookCustomer(database.app.db, "outbox-cust-1");
    customerId = customer.customerId;
    wallet = customer.walletIds.EUR ?? "";
    clearing = (await database.app.db.transaction((tx) => systemAccount(tx, "provider_clearing", "EUR"))).id;
  });
  afterAll(async () => {
    await sink.stop();
    await database.drop();
  });
  beforeEach(async () => {
    sink.received.length = 0;
    sink.respond(() => 200);
    await database.owner`update outbox_events set status = 'delivered' where status = 'pending'`;
  });

  it("one poison message among 1,000 good ones: the 1,000 are delivered once to every handler, the poison is dead-lettered", async () => {
    const before = await activity();
    await insertDeposits(500);
    await database.owner`insert into outbox_events (id, type, aggregate_type, aggregate_id, correlation_id, payload)
      values (gen_random_uuid(), 'ledger.transaction_posted', 'ledger_transaction', 'poison', 'corr-poison', '{"kind": "deposit", "amount": 1.5}'::jsonb)`;
    await insertDeposits(500);
    await drainOutbox(database.app.db, [projection, subscriber()], workerOptions({ concurrency: 8 }));

    const after = await activity();
    expect(after.event_count - before.event_count).toBe(1_000);
    expect(new MoneyDecimal(after.total).minus(before.total).toFixed(2)).toBe("1000.00");
    const ids = new Set(sink.received.map((entry) => entry.id));
    expect(sink.received).toHaveLength(1_000);
    expect(ids.size).toBe(1_000);
    expect(sink.received.every((entry) => entry.verified && entry.type === "ledger.transaction_posted")).toBe(true);

    const dead = await database.owner`select d.handler, d.error_class, d.attempts, e.status::text as event_status from dead_letters d join outbox_events e on e.id = d.outbox_event_id
      where e.aggregate_id = 'poison' order by d.handler`;
    expect(dead).toEqual([
      { handler: "activity-projection", error_class: "SCHEMA_INVALID", attempts: 1, event_status: "dead" },
      { handler: "subscriber:crm", error_class: "SCHEMA_INVALID", attempts: 1, event_status: "dead" },
    ]);
    const [pending] = await database.owner`select count(*)::int as n from outbox_events where status = 'pending'`;
    expect(pending?.n).toBe(0);
  });

  it("a batch of 50 projection deliveries with one that fails inside the handler: 49 apply once, the failing one alone records its attempt and dies", async () => {
    const before = await activity("payment_failed");
    const failed = (customer: string, paymentId: string) => ({
      paymentRecordId: "018f0000-0000-7000-8000-000000000001",
      provider: "acmepay",
      paymentId,
      customerId: customer,
      amount: "2.50",
      currency: "EUR",
      failureCode: "declined",
      occurredAt: "2026-11-01T12:00:00.000Z",
    });
    // The payload parses, so it reaches the batch; its customer does not exist, so the upsert fails (a foreign key).
    const payloads = Array.from({ length: 50 }, (_, index) => (index === 20 ? failed("018f0000-0000-7000-8000-00000000dead", "pay-ghost") : failed(customerId, `pay-${index}`)));
    for (const payload of payloads) {
      await database.owner`insert into outbox_events (id, type, aggregate_type, aggregate_id, correlation_id, payload, created_at, available_at)
        values (gen_random_uuid(), 'payment.failed', 'provider_payment', ${payload.paymentId}, 'corr-batch-poison', ${database.owner.json(payload)}, now(), now())`;
    }
    const result = await dispatchOutboxBatch(database.app.db, [projection], workerOptions({ batchSize: 50 }));
    expect(result).toEqual({ claimed: 50, delivered: 49, pending: 0, dead: 1 });

    const after = await activity("payment_failed");
    expect(after.event_count - before.event_count).toBe(49);
    expect(new MoneyDecimal(after.total).minus(before.total).toFixed(2)).toBe("122.50");
    const attempts = await database.owner`select a.attempt, a.outcome::text, e.aggregate_id from job_attempts a join outbox_events e on e.id = a.outbox_event_id where e.correlation_id = 'corr-batch-poison'`;
    expect(attempts).toEqual([{ attempt: 1, outcome: "failed", aggregate_id: "pay-ghost" }]);
    const [dead] = await database.owner`select d.error_class, d.attempts from dead_letters d join outbox_events e on e.id = d.outbox_event_id where e.aggregate_id = 'pay-ghost'`;
    expect(dead).toEqual({ error_class: "SQL_23503", attempts: 1 });
    const states = await database.owner`select status::text, count(*)::int as n from outbox_events where correlation_id = 'corr-batch-poison' group by status order by status::text`;
    expect(states).toEqual([{ status: "dead", n: 1 }, { status: "delivered", n: 49 }]);
    const [records] = await database.owner`select count(*)::int as n from processed_events p join outbox_events e on e.id = p.event_id where e.correlation_id = 'corr-batch-poison'`;
    expect(records?.n).toBe(49);
  });

  describe("in one transaction per batch (every handler in this database, after the worker's first lease round)", () => {
    /** A worker that has just run a lease round which claimed something: its next rounds use the one-transaction path. */
    const warmedWorker = async () => {
      const options = workerOptions({ batchSize: 50 });
      await insertDeposits(1, "corr-warm");
      expect((await dispatchOutboxBatch(database.app.db, [projection], options)).claimed).toBe(1);
      return options;
    };

    it("claims, applies, records processed_events and marks delivered with no lease, once; a redelivery changes nothing", async () => {
      const options = await warmedWorker();
      const before = await activity();
      await insertDeposits(30, "corr-direct");
      const result = await dispatchOutboxBatch(database.app.db, [projection], options);
      expect(result).toEqual({ claimed: 30, delivered: 30, pending: 0, dead: 0 });
      expect((await activity()).event_count - before.event_count).toBe(30);
      const rows = await database.owner`select status::text, attempts, claimed_by, claimed_until, delivered_at is not null as stamped from outbox_events where correlation_id = 'corr-direct'`;
      expect(rows.every((row) => row.status === "delivered" && row.attempts === 1 && row.claimed_by === null && row.claimed_until === null && row.stamped)).toBe(true);
      const [records] = await database.owner`select count(*)::int as n from processed_events p join outbox_events e on e.id = p.event_id where e.correlation_id = 'corr-direct'`;
      expect(records?.n).toBe(30);

      const after = await activity();
      await database.owner`update outbox_events set status = 'pending', available_at = now() where correlation_id = 'corr-direct'`;
      await drainOutbox(database.app.db, [projection], options);
      expect(await activity()).toEqual(after);
    });

    it("a handler failure rolls the whole transaction back without a trace: the lease path then records one attempt for the failing event only, and the others apply once", async () => {
      const options = await warmedWorker();
      const before = await activity("payment_failed");
      for (let index = 0; index < 20; index += 1) {
        const customer = index === 7 ? "018f0000-0000-7000-8000-00000000beef" : customerId;
        const payload = { paymentRecordId: "018f0000-0000-7000-8000-000000000002", provider: "acmepay", paymentId: `direct-${index}`, customerId: customer, amount: "1.25", currency: "EUR", failureCode: "declined", occurredAt: "2026-11-01T12:00:00.000Z" };
        await database.owner`insert into outbox_events (id, type, aggregate_type, aggregate_id, correlation_id, payload)
          values (gen_random_uuid(), 'payment.failed', 'provider_payment', ${payload.paymentId}, 'corr-direct-poison', ${database.owner.json(payload)})`;
      }
      const result = await dispatchOutboxBatch(database.app.db, [projection], options);
      expect(result).toEqual({ claimed: 20, delivered: 19, pending: 0, dead: 1 });
      expect((await activity("payment_failed")).event_count - before.event_count).toBe(19);
      const attempts = await database.owner`select a.attempt, a.outcome::text, e.aggregate_id, e.attempts as claims from job_attempts a join outbox_events e on e.id = a.outbox_event_id where e.correlation_id = 'corr-direct-poison'`;
      expect(attempts).toEqual([{ attempt: 1, outcome: "failed", aggregate_id: "direct-7", claims: 1 }]);
      const [records] = await database.owner`select count(*)::int as n from processed_events p join outbox_events e on e.id = p.event_id where e.correlation_id = 'corr-direct-poison'`;
      expect(records?.n).toBe(19);
    });

    it("leaves to the lease path what it must not take: an event under a lease and one with a delivery state (a retry or a replay)", async () => {
      const options = await warmedWorker();
      await insertDeposits(2, "corr-direct-skip");
      const [leased, retried] = await database.owner`select id from outbox_events where correlation_id = 'corr-direct-skip' order by id`;
      await database.owner`update outbox_events set claimed_by = 'gone', claimed_until = now() - interval '1 second' where id = ${leased?.id}`;
      await database.owner`insert into outbox_deliveries (event_id, handler, attempts, next_attempt_at) values (${retried?.id}, ${projection.name}, 1, now() - interval '1 second')`;
      await insertDeposits(3, "corr-direct-fresh");
      const result = await dispatchOutboxBatch(database.app.db, [projection], options);
      expect(result).toMatchObject({ claimed: 3, delivered: 3 });
      const states = await database.owner`select correlation_id, status::text, count(*)::int as n from outbox_events where correlation_id in ('corr-direct-skip', 'corr-direct-fresh') group by 1, 2 order by 1, 2`;
      expect(states).toEqual([
        { correlation_id: "corr-direct-fresh", status: "delivered", n: 3 },
        { correlation_id: "corr-direct-skip", status: "pending", n: 2 },
      ]);
    });

    it("two dispatchers at once share the due events through SKIP LOCKED: each event is applied, recorded and marked once, with no lease", async () => {
      const first = { ...(await warmedWorker()), batchSize: 20 };
      const second = { ...(await warmedWorker()), batchSize: 20 };
      const before = await activity();
      await insertDeposits(400, "corr-direct-two");
      const run = async (options: typeof first) => {
        let delivered = 0;
        for (let round = 0; round < 100; round += 1) {
          const result = await dispatchOutboxBatch(database.app.db, [projection], options);
          delivered += result.delivered;
          if (result.claimed === 0) return delivered;
        }
        return delivered;
      };
      const delivered = await Promise.all([run(first), run(second)]);
      expect(delivered[0] + delivered[1]).toBe(400);
      expect(delivered.every((count) => count > 0)).toBe(true);
      const after = await activity();
      expect(after.event_count - before.event_count).toBe(400);
      expect(new MoneyDecimal(after.total).minus(before.total).toFixed(2)).toBe("400.00");
      // A lease moves available_at a lease ahead: unmoved, every event went through the one statement.
      const [events] = await database.owner`select count(*)::int as n, count(*) filter (where status = 'delivered' and attempts = 1 and claimed_by is null and available_at <= delivered_at)::int as once
        from outbox_events where correlation_id = 'corr-direct-two'`;
      expect(events).toEqual({ n: 400, once: 400 });
      const [records] = await database.owner`select count(*)::int as n, count(distinct p.event_id)::int as events, count(*) filter (where p.correlation_id = 'corr-direct-two')::int as correlated
        from processed_events p join outbox_events e on e.id = p.event_id where e.correlation_id = 'corr-direct-two'`;
      expect(records).toEqual({ n: 400, events: 400, correlated: 400 });
    });

    it("a retryable failure inside the batch (a read-model row locked past the attempt's timeout): rolled back whole, the others apply once, the blocked event backs off and is delivered once later", async () => {
      const options = await warmedWorker();
      const blocked = await webhookCustomer(database.app.db, "outbox-cust-locked");
      const slowProjection = activityProjection({ ...quickPolicy, attemptTimeoutMs: 300 });
      const failedPayment = (customer: string, paymentId: string) => ({
        paymentRecordId: "018f0000-0000-7000-8000-000000000003", provider: "acmepay", paymentId, customerId: customer, amount: "3.00", currency: "EUR", failureCode: "declined", occurredAt: "2026-11-01T12:00:00.000Z",
      });
      const insertFailed = async (customer: string, paymentId: string) => {
        await database.owner`insert into outbox_events (id, type, aggregate_type, aggregate_id, correlation_id, payload)
          values (gen_random_uuid(), 'payment.failed', 'provider_payment', ${paymentId}, 'corr-direct-locked', ${database.owner.json(failedPayment(customer, paymentId))})`;
      };
      await database.owner`insert into customer_activity (customer_id, currency, kind, event_count, total, last_event_id, last_activity_at)
        values (${blocked.customerId}, 'EUR', 'payment_failed', 0, 0, gen_random_uuid(), now())`;
      const before = await activity("payment_failed");
      for (let index = 0; index < 9; index += 1) await insertFailed(customerId, `locked-free-${index}`);
      await insertFailed(blocked.customerId, "locked-blocked");

      const lock = await database.owner.reserve();
      try {
        await lock`begin`;
        await lock`select 1 from customer_activity where customer_id = ${blocked.customerId} and kind = 'payment_failed' for update`;
        const result = await dispatchOutboxBatch(database.app.db, [slowProjection], options);
        expect(result).toEqual({ claimed: 10, delivered: 9, pending: 1, dead: 0 });
        await lock`rollback`;
      } finally {
        lock.release();
      }
      expect((await activity("payment_failed")).event_count - before.event_count).toBe(9);
      const [state] = await database.owner`select d.status::text, d.attempts, d.last_error_class from outbox_deliveries d join outbox_events e on e.id = d.event_id where e.aggregate_id = 'locked-blocked'`;
      expect(state).toEqual({ status: "pending", attempts: 1, last_error_class: "TIMEOUT" });

      await drainOutbox(database.app.db, [slowProjection], options);
      const [row] = await database.owner`select event_count, round(total, 2)::text as total from customer_activity where customer_id = ${blocked.customerId} and kind = 'payment_failed'`;
      expect(row).toEqual({ event_count: 1, total: "3.00" });
      const attempts = await database.owner`select a.attempt, a.outcome::text, a.error_class, a.correlation_id from job_attempts a join outbox_events e on e.id = a.outbox_event_id where e.correlation_id = 'corr-direct-locked' order by a.id`;
      expect(attempts).toEqual([
        { attempt: 1, outcome: "failed", error_class: "TIMEOUT", correlation_id: "corr-direct-locked" },
        { attempt: 2, outcome: "succeeded", error_class: null, correlation_id: "corr-direct-locked" },
      ]);
      const [records] = await database.owner`select count(*)::int as n from processed_events p join outbox_events e on e.id = p.event_id where e.correlation_id = 'corr-direct-locked'`;
      expect(records?.n).toBe(10);
    });

    it("with a subscriber among the handlers, events keep the lease path after a lease round: each is under this worker's lease while it is delivered", async () => {
      const crm = subscriber();
      const leases: Array<{ claimed_by: string | null; leased: boolean }> = [];
      const watching = { ...crm, handle: async (...args: Parameters<typeof crm.handle>) => {
        const [row] = await database.owner`select claimed_by, claimed_until > now() as leased from outbox_events where id = ${args[1].id}`;
        leases.push({ claimed_by: row?.claimed_by ?? null, leased: row?.leased === true });
        return crm.handle(...args);
      } };
      const options = workerOptions({ batchSize: 50 });
      await insertDeposits(1, "corr-subscriber-warm");
      expect((await dispatchOutboxBatch(database.app.db, [projection, watching], options)).claimed).toBe(1);
      const before = await activity();
      await insertDeposits(3, "corr-subscriber-leased");
      const result = await dispatchOutboxBatch(database.app.db, [projection, watching], options);
      expect(result).toEqual({ claimed: 3, delivered: 3, pending: 0, dead: 0 });
      expect(leases).toHaveLength(4);
      expect(leases.every((lease) => lease.claimed_by === options.workerId && lease.leased)).toBe(true);
      expect(sink.received.filter((entry) => entry.correlationId === "corr-subscriber-leased")).toHaveLength(3);
      expect((await activity()).event_count - before.event_count).toBe(3);
    });

    it("the projection in SQL leaves the read model exactly as the projection in code: every kind, withdrawals included", async () => {
      const [viaLease, viaStatement] = [await webhookCustomer(database.app.db, "outbox-cust-code"), await webhookCustomer(database.app.db, "outbox-cust-sql")];
      const holds = await Promise.all([viaLease, viaStatement].map((customer) => database.app.db.transaction((tx) => openCustomerAccount(tx, customer.customerId, "withdrawal_hold", "EUR"))));
      const insertHistory = async (customer: typeof viaLease, hold: string, correlation: string) => {
        const wallet = customer.walletIds.EUR ?? "";
        const posted = (kind: string, amount: string, entries: Array<[string, string]>, bookedAt: string) => ({
          transactionId: "018f0000-0000-7000-8000-0000000000aa", kind, amount, currency: "EUR", externalReference: null, occurredAt: bookedAt, bookedAt, reversesTransactionId: null,
          entries: entries.map(([accountId, entryAmount]) => ({ accountId, currency: "EUR", amount: entryAmount })),
        });
        const payloads: Array<[string, Record<string, unknown>]> = [
          ["ledger.transaction_posted", posted("deposit", "50.00", [[clearing, "50.00"], [wallet, "-50.00"]], "2026-11-01T10:00:00.000Z")],
          ["ledger.transaction_posted", posted("deposit", "25.10", [[clearing, "25.10"], [wallet, "-25.10"]], "2026-11-01T10:00:01.123Z")],
          ["ledger.transaction_posted", posted("bet", "1.25", [[wallet, "1.25"], [clearing, "-1.25"]], "2026-11-01T10:00:02.000Z")],
          ["ledger.transaction_posted", posted("withdrawal", "20.00", [[wallet, "20.00"], [hold, "-20.00"]], "2026-11-01T10:00:03.000Z")],
          ["ledger.transaction_posted", posted("withdrawal", "20.00", [[hold, "20.00"], [clearing, "-20.00"]], "2026-11-01T10:00:04.000Z")],
          ["ledger.transaction_posted", posted("withdrawal", "5.00", [[wallet, "5.00"], [hold, "-5.00"]], "2026-11-01T10:00:05.000Z")],
          ["ledger.transaction_posted", posted("withdrawal", "5.00", [[hold, "5.00"], [wallet, "-5.00"]], "2026-11-01T10:00:06.000Z")],
          ["ledger.transaction_posted", posted("withdrawal", "7.00", [[wallet, "7.00"], [clearing, "-7.00"]], "2026-11-01T10:00:07.000Z")],
          ["payment.failed", { paymentRecordId: "018f0000-0000-7000-8000-000000000004", provider: "acmepay", paymentId: `${correlation}-failed`, customerId: customer.customerId, amount: "9.99", currency: "EUR", failureCode: "declined", occurredAt: "2026-11-01T10:00:08.000Z" }],
        ];
        for (const [type, payload] of payloads) {
          await database.owner`insert into outbox_events (id, type, aggregate_type, aggregate_id, correlation_id, payload)
            values (gen_random_uuid(), ${type}, 'test', ${correlation}, ${correlation}, ${database.owner.json(payload as never)})`;
        }
      };
      const readModel = (customer: string) => database.owner`select kind, event_count, total::text as total, last_activity_at from customer_activity where customer_id = ${customer} order by kind`;

      // A worker's first round is a lease round: the batch goes to the projection's code.
      await insertHistory(viaLease, holds[0]?.id ?? "", "corr-parity-code");
      const leased = await dispatchOutboxBatch(database.app.db, [projection], workerOptions({ batchSize: 50 }));
      expect(leased).toEqual({ claimed: 9, delivered: 9, pending: 0, dead: 0 });
      const options = await warmedWorker();
      await insertHistory(viaStatement, holds[1]?.id ?? "", "corr-parity-sql");
      expect(await dispatchOutboxBatch(database.app.db, [projection], options)).toEqual({ claimed: 9, delivered: 9, pending: 0, dead: 0 });
      const [unmoved] = await database.owner`select bool_and(available_at <= delivered_at) as unmoved from outbox_events where correlation_id = 'corr-parity-sql'`;
      expect(unmoved?.unmoved).toBe(true);

      const expected = await readModel(viaLease.customerId);
      expect(expected.map((row) => [row.kind, row.event_count, new MoneyDecimal(row.total).toFixed(2)])).toEqual([
        ["bet", 1, "1.25"],
        ["deposit", 2, "75.10"],
        ["payment_failed", 1, "9.99"],
        ["withdrawal", 1, "7.00"],
        ["withdrawal_hold", 2, "25.00"],
        ["withdrawal_paid", 1, "20.00"],
        ["withdrawal_released", 1, "5.00"],
      ]);
      expect(await readModel(viaStatement.customerId)).toEqual(expected);
    });
  });

  it("an event of a type no handler knows is poison too", async () => {
    await database.owner`insert into outbox_events (id, type, aggregate_type, aggregate_id, payload) values (gen_random_uuid(), 'mystery.happened', 'x', 'mystery', '{}'::jsonb)`;
    await drainOutbox(database.app.db, [projection], workerOptions());
    const [dead] = await database.owner`select d.error_class, d.last_error from dead_letters d join outbox_events e on e.id = d.outbox_event_id where e.aggregate_id = 'mystery'`;
    expect(dead?.error_class).toBe("UNKNOWN_EVENT_TYPE");
  });

  it("a failing subscriber is retried with backoff and delivered once, with the correlation id and every attempt kept", async () => {
    sink.respond((count) => (count <= 2 ? 503 : 200));
    await insertDeposits(1, "corr-retry");
    const before = await activity();
    await drainOutbox(database.app.db, [projection, subscriber()], workerOptions());
    expect(sink.received.map((entry) => entry.correlationId)).toEqual(["corr-retry", "corr-retry", "corr-retry"]);
    expect(new Set(sink.received.map((entry) => entry.id)).size).toBe(1);
    // The projection applied once, although the event was claimed three times.
    expect((await activity()).event_count - before.event_count).toBe(1);
    const attempts = await database.owner`select attempt, outcome::text, error_class, correlation_id from job_attempts where job_key = ${`outbox:${sink.received[0]?.id}:subscriber:crm`} order by id`;
    expect(attempts).toEqual([
      { attempt: 1, outcome: "failed", error_class: "SUBSCRIBER_UNAVAILABLE", correlation_id: "corr-retry" },
      { attempt: 2, outcome: "failed", error_class: "SUBSCRIBER_UNAVAILABLE", correlation_id: "corr-retry" },
      { attempt: 3, outcome: "succeeded", error_class: null, correlation_id: "corr-retry" },
    ]);
  });

  it("a subscriber that refuses (4xx) is dead-lettered at once; one that hangs times out and is retried until its limit", async () => {
    sink.respond(() => 422);
    await insertDeposits(1, "corr-refused");
    await drainOutbox(database.app.db, [subscriber()], workerOptions());
    expect(sink.received).toHaveLength(1);
    const [refused] = await database.owner`select error_class, attempts, last_error from dead_letters where correlation_id = 'corr-refused'`;
    expect(refused).toMatchObject({ error_class: "SUBSCRIBER_REJECTED", attempts: 1, last_error: "crm answered HTTP 422." });

    sink.received.length = 0;
    sink.respond(() => "hang");
    await insertDeposits(1, "corr-hang");
    await drainOutbox(database.app.db, [subscriber(300)], workerOptions());
    expect(sink.received).toHaveLength(4);
    const [hung] = await database.owner`select error_class, attempts from dead_letters where correlation_id = 'corr-hang'`;
    expect(hung).toEqual({ error_class: "TIMEOUT", attempts: 4 });
  });

  it("a redelivered event (a lost acknowledgement) changes nothing: processed_events dedupes every handler", async () => {
    await insertDeposits(3, "corr-redeliver");
    await drainOutbox(database.app.db, [projection, subscriber()], workerOptions());
    const before = await activity();
    expect(sink.received).toHaveLength(3);
    await database.owner`update outbox_events set status = 'pending', available_at = now() where correlation_id = 'corr-redeliver'`;
    await drainOutbox(database.app.db, [projection, subscriber()], workerOptions());
    expect(await activity()).toEqual(before);
    expect(sink.received).toHaveLength(3);
  });

  it("ten concurrent replays of a dead subscriber delivery: one more POST, with the same event id", async () => {
    const operator = (await signedInCaller(database.app.db, "operations")).caller;
    sink.respond(() => 503);
    await insertDeposits(1, "corr-replay");
    await drainOutbox(database.app.db, [subscriber()], workerOptions());
    expect(sink.received).toHaveLength(4);
    const [dead] = await database.owner`select id from dead_letters where correlation_id = 'corr-replay' and handler = 'subscriber:crm'`;
    const id = dead?.id as string;

    sink.received.length = 0;
    sink.respond(() => 200);
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => operator.deadLetters.replay({ id })));
    expect(outcomes.filter((outcome) => outcome.outcome === "requeued")).toHaveLength(1);
    await Promise.all([drainOutbox(database.app.db, [subscriber()], workerOptions()), drainOutbox(database.app.db, [subscriber()], workerOptions())]);
    expect(sink.received).toHaveLength(1);
    const [event] = await database.owner`select id::text, status::text from outbox_events where correlation_id = 'corr-replay'`;
    expect(sink.received[0]?.id).toBe(event?.id);
    expect(event?.status).toBe("delivered");
    const [row] = await database.owner`select status::text from dead_letters where id = ${id}`;
    expect(row?.status).toBe("replayed");
    await operator.deadLetters.replay({ id });
    await drainOutbox(database.app.db, [subscriber()], workerOptions());
    expect(sink.received).toHaveLength(1);
  });

  it("a replay for a subscriber removed from the configuration returns to dead after the grace period, audited", async () => {
    const operator = (await signedInCaller(database.app.db, "operations")).caller;
    sink.respond(() => 503);
    await insertDeposits(1, "corr-orphan");
    await drainOutbox(database.app.db, [projection, subscriber()], workerOptions());
    const [dead] = await database.owner`select id from dead_letters where correlation_id = 'corr-orphan' and handler = 'subscriber:crm'`;
    const id = dead?.id as string;
    await operator.deadLetters.replay({ id });
    // The subscriber is gone from the configuration: the worker runs the projection only.
    await drainOutbox(database.app.db, [projection], workerOptions());
    const stuck = await database.owner`select d.status::text as letter, o.status::text as delivery from dead_letters d join outbox_deliveries o on o.event_id = d.outbox_event_id and o.handler = d.handler where d.id = ${id}`;
    expect(stuck).toEqual([{ letter: "replaying", delivery: "pending" }]);

    // Within the grace period nothing moves (another worker may still run the handler).
    expect(await returnOrphanedReplays(database.app.db, [projection.name])).toBe(0);
    // A worker that runs the handler never returns it.
    await database.owner`update dead_letters set updated_at = now() - interval '1 hour' where id = ${id}`;
    expect(await returnOrphanedReplays(database.app.db, [projection.name, "subscriber:crm"])).toBe(0);
    expect(await returnOrphanedReplays(database.app.db, [projection.name])).toBe(1);
    expect(await returnOrphanedReplays(database.app.db, [projection.name])).toBe(0);

    const [after] = await database.owner`select d.status::text as letter, d.error_class, o.status::text as delivery, e.status::text as event
      from dead_letters d join outbox_deliveries o on o.event_id = d.outbox_event_id and o.handler = d.handler join outbox_events e on e.id = d.outbox_event_id where d.id = ${id}`;
    expect(after).toEqual({ letter: "dead", error_class: "HANDLER_NOT_CONFIGURED", delivery: "dead", event: "dead" });
    const audits = await database.owner`select actor_type::text, details::jsonb->>'handler' as handler from audit_events where action = 'deadletter.replay_returned' and target_id = ${id}`;
    expect(audits).toEqual([{ actor_type: "service", handler: "subscriber:crm" }]);
    // Back in the workbench, an operator can discard it.
    await operator.deadLetters.discard({ id, reason: "subscriber crm was decommissioned" });
    const [discarded] = await database.owner`select status::text from dead_letters where id = ${id}`;
    expect(discarded?.status).toBe("discarded");
  });

  it("an outbox payload fixed by an approved edit is delivered with the edit; the stored payload is unchanged", async () => {
    const [editor, checker] = [(await signedInCaller(database.app.db, "operations")).caller, (await signedInCaller(database.app.db, "operations")).caller];
    await database.owner`insert into outbox_events (id, type, aggregate_type, aggregate_id, correlation_id, payload)
      values (gen_random_uuid(), 'payment.failed', 'provider_payment', 'edit-me', 'corr-edit',
              ${JSON.stringify({ paymentRecordId: "01900000-0000-7000-8000-000000000009", provider: "acmepay", paymentId: "p-edit", customerId, amount: "4.00", currency: "EUR", failureCode: "declined", occurredAt: "last tuesday" })}::text::jsonb)`;
    const before = await activity("payment_failed");
    await drainOutbox(database.app.db, [projection], workerOptions());
    const [dead] = await database.owner`select id, error_class from dead_letters where correlation_id = 'corr-edit'`;
    expect(dead?.error_class).toBe("SCHEMA_INVALID");
    await expect(editor.deadLetters.proposeEdit({ id: dead?.id, changes: [{ path: "amount", value: "400.00" }], reason: "amounts are ledger facts, not editable" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const proposal = await editor.deadLetters.proposeEdit({ id: dead?.id, changes: [{ path: "occurredAt", value: "2026-11-01T09:30:00Z" }], reason: "the provider sent a free-text date" });
    await checker.deadLetters.decideEdit({ editId: proposal.editId, payloadHash: proposal.payloadHash, decision: "approve" });
    await drainOutbox(database.app.db, [projection], workerOptions());
    const after = await activity("payment_failed");
    expect(after.event_count - before.event_count).toBe(1);
    const [event] = await database.owner`select payload->>'occurredAt' as received, edited_payload->>'occurredAt' as edited, status::text from outbox_events where correlation_id = 'corr-edit'`;
    expect(event).toEqual({ received: "last tuesday", edited: "2026-11-01T09:30:00Z", status: "delivered" });
  });
  it("an outbox event's content cannot change, for the owner too and under replication; the dispatcher's bookkeeping and an approved edit can", async () => {
    await insertDeposits(1, "corr-guard");
    const [event] = await database.owner`select id from outbox_events where correlation_id = 'corr-guard'`;
    const id = String(event?.id);
    const refused = /an event cannot change/;
    await expect(database.owner`update outbox_events set payload = payload || '{"amount": "1000.00"}'::jsonb where id = ${id}`).rejects.toThrow(refused);
    await expect(database.owner`update outbox_events set type = 'payment.failed' where id = ${id}`).rejects.toThrow(refused);
    await expect(database.owner`update outbox_events set aggregate_type = 'other', aggregate_id = 'other' where id = ${id}`).rejects.toThrow(refused);
    await expect(database.owner`update outbox_events set correlation_id = 'corr-forged' where id = ${id}`).rejects.toThrow(refused);
    await expect(database.owner`update outbox_events set created_at = created_at - interval '1 day' where id = ${id}`).rejects.toThrow(refused);
    await expect(database.owner`update outbox_events set id = gen_random_uuid() where id = ${id}`).rejects.toThrow(refused);
    // Content changed in the same statement as bookkeeping is refused as well.
    await expect(database.owner`update outbox_events set status = 'delivered', attempts = attempts + 1, payload = '{}'::jsonb where id = ${id}`).rejects.toThrow(refused);
    await expect(
      database.owner.begin(async (tx) => {
        await tx`set local session_replication_role = replica`;
        await tx`update outbox_events set payload = '{}'::jsonb where id = ${id}`;
      }),
    ).rejects.toThrow(refused);

    await database.app.sql`update outbox_events set attempts = attempts + 1, claimed_by = 'w', claimed_until = now(), available_at = now() where id = ${id}`;
    await database.app.sql`update outbox_events set edited_payload = payload, status = 'delivered', delivered_at = now(), claimed_by = null, claimed_until = null where id = ${id}`;
    const [after] = await database.owner`select status::text, attempts, edited_payload is not null as edited, payload->>'amount' as amount, correlation_id from outbox_events where id = ${id}`;
    expect(after).toEqual({ status: "delivered", attempts: 1, edited: true, amount: "1.00", correlation_id: "corr-guard" });
  });
});
