import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { deliver, drainInbox, event, quickPolicy, webhookCustomer, workerOptions } from "@/test/support/webhooks";
import { verifyLedger } from "../ledger/verify-ledger";
import { MoneyDecimal } from "../money";
import { processInboxBatch } from "./process-inbox";

describe("turning inbox events into ledger effects", () => {
  let database: TestDatabase;
  let seq = 0;
  const ref = () => `inbox-cust-${(seq += 1)}`;
  const unique = (label: string) => `${label}-${(seq += 1)}`;

  const balances = async (externalRef: string) => {
    const rows = await database.owner`select a.purpose, b.balance::text as balance from accounts a join account_balances b on b.account_id = a.id
      join customers c on c.id = a.customer_id where c.external_ref = ${externalRef} and a.currency = 'EUR'`;
    return Object.fromEntries(rows.map((row) => [row.purpose as string, new MoneyDecimal(row.balance as string).toFixed(2)]));
  };
  const inboxRow = async (eventId: string) => {
    const [row] = await database.owner`select status, outcome, attempts, last_error_class, ledger_transaction_id, correlation_id from webhook_inbox where event_id = ${eventId}`;
    return row;
  };
  const send = async (type: string, data: Record<string, unknown>, provider = "acmepay") => {
    const result = await deliver(database.app.db, event(type, data), { provider });
    if (result.status !== 200) throw new Error(`delivery refused: ${JSON.stringify(result)}`);
    return result.eventId;
  };

  beforeAll(async () => {
    database = await createTestDatabase({ maxConnections: 20 });
  });
  afterAll(() => database.drop());

  it("applies every event type: deposits, holds, payouts, releases, bets, wins, rollbacks and bonuses", async () => {
    const customer = ref();
    await webhookCustomer(database.app.db, customer);
    const deposit = await send("payment.succeeded", { paymentId: unique("pay"), customerRef: customer, amount: "100.00", currency: "EUR", method: "card", payer: { name: "Grace Hopper", email: "grace@example.com" } });
    const failedPayment = await send("payment.failed", { paymentId: unique("pay"), customerRef: customer, amount: "40.00", currency: "EUR", failureCode: "insufficient_funds" });
    const paidId = unique("wd");
    const hold = await send("withdrawal.requested", { withdrawalId: paidId, customerRef: customer, amount: "30.00", currency: "EUR" });
    await drainInbox(database.app.db);
    expect(await balances(customer)).toEqual({ wallet: "70.00", withdrawal_hold: "30.00" });

    const paid = await send("withdrawal.paid", { withdrawalId: paidId, amount: "30.00", currency: "EUR" });
    const failedId = unique("wd");
    await send("withdrawal.requested", { withdrawalId: failedId, customerRef: customer, amount: "20.00", currency: "EUR" });
    await drainInbox(database.app.db);
    expect(await balances(customer)).toEqual({ wallet: "50.00", withdrawal_hold: "20.00" });
    await send("withdrawal.failed", { withdrawalId: failedId, failureCode: "account_closed" });
    const betId = unique("bet");
    await send("bet.placed", { betId, customerRef: customer, amount: "10.00", currency: "EUR", game: "starburst" }, "gamehub");
    const cancelledBet = unique("bet");
    await send("bet.placed", { betId: cancelledBet, customerRef: customer, amount: "5.00", currency: "EUR", game: "starburst" }, "gamehub");
    await drainInbox(database.app.db);
    await send("bet.won", { betId, customerRef: customer, amount: "25.00", currency: "EUR" }, "gamehub");
    const rollback = await send("bet.rolled_back", { betId: cancelledBet, reason: "round voided" }, "gamehub");
    await send("bonus.granted", { bonusId: unique("bonus"), customerRef: customer, amount: "5.00", currency: "EUR", campaign: "welcome" }, "gamehub");
    await drainInbox(database.app.db);

    // 100 - 30 paid out + (20 held, released) - 10 bet + 25 won - 5 bet + 5 rolled back + 5 bonus = 90
    expect(await balances(customer)).toEqual({ wallet: "90.00", withdrawal_hold: "0.00" });
    expect(await inboxRow(deposit)).toMatchObject({ status: "processed", outcome: "posted" });
    expect(await inboxRow(failedPayment)).toMatchObject({ status: "processed", outcome: "recorded", ledger_transaction_id: null });
    expect(await inboxRow(hold)).toMatchObject({ status: "processed", outcome: "posted" });
    expect(await inboxRow(paid)).toMatchObject({ status: "processed", outcome: "posted" });

    const [rollbackPosting] = await database.owner`select t.kind, t.reverses_transaction_id, b.bet_transaction_id from webhook_inbox i
      join ledger_transactions t on t.id = i.ledger_transaction_id join provider_bets b on b.bet_id = ${cancelledBet} where i.event_id = ${rollback}`;
    expect(rollbackPosting?.kind).toBe("rollback");
    expect(rollbackPosting?.reverses_transaction_id).toBe(rollbackPosting?.bet_transaction_id);

    const records = await database.owner`select status::text, failure_code from provider_withdrawals where withdrawal_id in (${paidId}, ${failedId}) order by withdrawal_id = ${paidId} desc`;
    expect(records).toEqual([{ status: "paid", failure_code: null }, { status: "failed", failure_code: "account_closed" }]);
    const [failure] = await database.owner`select type, payload->>'failureCode' as code, correlation_id from outbox_events where type = 'payment.failed'`;
    expect(failure).toMatchObject({ code: "insufficient_funds", correlation_id: (await inboxRow(failedPayment))?.correlation_id });
    // Every posting is keyed by (provider, event id) and carries the inbox row's correlation id.
    const unkeyed = await database.owner`select i.event_id from webhook_inbox i join ledger_transactions t on t.id = i.ledger_transaction_id
      where t.idempotency_key <> 'webhook:' || i.provider || ':' || i.event_id or t.correlation_id <> i.correlation_id`;
    expect(unkeyed).toEqual([]);
    // ... and so does the outbox event each posting wrote: webhook → inbox → ledger → outbox.
    const uncorrelated = await database.owner`select i.event_id from webhook_inbox i join outbox_events o on o.aggregate_id = i.ledger_transaction_id::text
      where i.outcome = 'posted' and o.correlation_id is distinct from i.correlation_id`;
    expect(uncorrelated).toEqual([]);
    const [linked] = await database.owner`select count(*)::int as n from webhook_inbox i join outbox_events o on o.aggregate_id = i.ledger_transaction_id::text where i.outcome = 'posted'`;
    expect(linked?.n).toBe(10);
    expect((await verifyLedger(database.app.db)).ok).toBe(true);
  });

  it("a second event about the same payment (another event id) is a duplicate, not a second deposit", async () => {
    const customer = ref();
    await webhookCustomer(database.app.db, customer);
    const paymentId = unique("pay");
    const data = { paymentId, customerRef: customer, amount: "12.00", currency: "EUR" };
    const [first, second] = [await send("payment.succeeded", data), await send("payment.succeeded", data)];
    await drainInbox(database.app.db, workerOptions({ policy: quickPolicy }));
    expect(await balances(customer)).toMatchObject({ wallet: "12.00" });
    const outcomes = [(await inboxRow(first))?.outcome, (await inboxRow(second))?.outcome].sort();
    expect(outcomes).toEqual(["duplicate", "posted"]);
  });

  it("a rollback that arrives before its bet waits, then reverses the bet once it is there", async () => {
    const customer = ref();
    await webhookCustomer(database.app.db, customer);
    await send("payment.succeeded", { paymentId: unique("pay"), customerRef: customer, amount: "50.00", currency: "EUR" });
    await drainInbox(database.app.db);
    const betId = unique("bet");
    const rollback = await send("bet.rolled_back", { betId }, "gamehub");
    const options = workerOptions({ policy: { ...quickPolicy, maxAttempts: 10 } });
    await processInboxBatch(database.app.db, options);
    expect(await inboxRow(rollback)).toMatchObject({ status: "pending", attempts: 1, last_error_class: "BET_NOT_FOUND" });
    await send("bet.placed", { betId, customerRef: customer, amount: "20.00", currency: "EUR", game: "blackjack" }, "gamehub");
    await drainInbox(database.app.db, options);
    expect(await inboxRow(rollback)).toMatchObject({ status: "processed", outcome: "posted" });
    expect(await balances(customer)).toMatchObject({ wallet: "50.00" });
    const attempts = await database.owner`select outcome::text, error_class from job_attempts where job_key = (select 'inbox:' || id from webhook_inbox where event_id = ${rollback}) order by id`;
    expect(attempts[0]).toMatchObject({ outcome: "failed", error_class: "BET_NOT_FOUND" });
    expect(attempts.at(-1)).toMatchObject({ outcome: "succeeded" });
  });

  it("a rollback for a bet that never comes is retried, then dead-lettered rather than guessed", async () => {
    const rollback = await send("bet.rolled_back", { betId: unique("ghost") }, "gamehub");
    const before = await database.owner`select count(*)::int as n from ledger_transactions`;
    await drainInbox(database.app.db, workerOptions({ policy: quickPolicy }));
    expect(await inboxRow(rollback)).toMatchObject({ status: "dead", attempts: 3, last_error_class: "BET_NOT_FOUND" });
    const [dead] = await database.owner`select status::text, error_class, attempts, handler, provider, event_type from dead_letters where event_id = ${rollback}`;
    expect(dead).toEqual({ status: "dead", error_class: "BET_NOT_FOUND", attempts: 3, handler: "ledger-posting", provider: "gamehub", event_type: "bet.rolled_back" });
    const attempts = await database.owner`select attempt, outcome::text, retryable from job_attempts where job_key = (select 'inbox:' || id from webhook_inbox where event_id = ${rollback}) order by attempt`;
    expect(attempts).toEqual([1, 2, 3].map((attempt) => ({ attempt, outcome: "failed", retryable: true })));
    expect(await database.owner`select count(*)::int as n from ledger_transactions`).toEqual(before);
  });

  it.each([
    ["an unknown customer is dead-lettered at once (waiting cannot create it)", "payment.succeeded", { paymentId: "p-unknown", customerRef: "nobody-at-all", amount: "10.00", currency: "EUR" }, "UNKNOWN_CUSTOMER", 1],
    ["a bet larger than the wallet waits for a deposit in flight, then is dead-lettered", "bet.placed", { betId: "b-huge", customerRef: "inbox-rich-1", amount: "1000000.00", currency: "EUR", game: "g" }, "INSUFFICIENT_FUNDS", 3],
    ["a bet in a currency the customer has no wallet in waits, then is dead-lettered", "bet.placed", { betId: "b-gbp", customerRef: "inbox-rich-1", amount: "1.00", currency: "GBP", game: "g" }, "NO_ACCOUNT", 3],
  ])("%s, posting nothing", async (_name, type, data, errorClass, attempts) => {
    await webhookCustomer(database.app.db, "inbox-rich-1").catch(() => undefined);
    const eventId = await send(type, data);
    const before = await database.owner`select count(*)::int as n from ledger_transactions`;
    await drainInbox(database.app.db, workerOptions({ policy: quickPolicy }));
    expect(await inboxRow(eventId)).toMatchObject({ status: "dead", attempts, last_error_class: errorClass });
    const rows = await database.owner`select retryable from job_attempts where job_key = (select 'inbox:' || id from webhook_inbox where event_id = ${eventId})`;
    expect(rows.map((row) => row.retryable)).toEqual(Array.from({ length: attempts }, () => attempts > 1));
    expect(await database.owner`select count(*)::int as n from ledger_transactions`).toEqual(before);
  });

  it("events claimed by a worker that died are taken over when the lease runs out, and posted exactly once", async () => {
    const customer = ref();
    await webhookCustomer(database.app.db, customer);
    const ids: string[] = [];
    for (let index = 0; index < 12; index += 1) ids.push(await send("payment.succeeded", { paymentId: unique("pay"), customerRef: customer, amount: "1.25", currency: "EUR" }));
    // A worker claimed them all (lease of 300 ms), posted the first four, and was killed.
    const dead = workerOptions({ leaseMs: 300, batchSize: 12, concurrency: 1 });
    await database.owner`update webhook_inbox set claimed_by = ${dead.workerId}, claimed_until = now() + interval '300 milliseconds',
      available_at = now() + interval '300 milliseconds', attempts = 1 where event_id in ${database.owner(ids)}`;
    expect(await drainInbox(database.app.db)).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await drainInbox(database.app.db)).toBe(12);
    const [sum] = await database.owner`select count(*)::int as n, sum(t.amount)::text as total from webhook_inbox i join ledger_transactions t on t.id = i.ledger_transaction_id where i.event_id in ${database.owner(ids)}`;
    expect(sum).toEqual({ n: 12, total: "15.000000000000000000" });
    expect(await balances(customer)).toMatchObject({ wallet: "15.00" });
    const lost = await database.owner`select count(*)::int as n from job_attempts where outcome = 'lost' and error_class = 'LEASE_EXPIRED'`;
    expect(lost[0]?.n).toBe(12);
  });

  it("a batch where some events fail: each failure undoes only its own effects and records its own attempt; the others apply once, in one transaction", async () => {
    const good = ref();
    const frozen = ref();
    await webhookCustomer(database.app.db, good);
    await webhookCustomer(database.app.db, frozen);
    await database.owner`update accounts set status = 'frozen' from customers c where c.id = accounts.customer_id and c.external_ref = ${frozen} and accounts.purpose = 'wallet'`;
    const frozenPayment = unique("pay");
    const deposit = () => send("payment.succeeded", { paymentId: unique("pay"), customerRef: good, amount: "10.00", currency: "EUR" });
    const goodIds = [await deposit(), await deposit(), await deposit()];
    // Refused by the posting after its payment record was written: the savepoint must take that record back too.
    const refused = await send("payment.succeeded", { paymentId: frozenPayment, customerRef: frozen, amount: "5.00", currency: "EUR" });
    const unknown = await send("payment.succeeded", { paymentId: unique("pay"), customerRef: "nobody-in-a-batch", amount: "5.00", currency: "EUR" });
    goodIds.push(await deposit(), await deposit());
    const tooBig = await send("bet.placed", { betId: unique("bet"), customerRef: good, amount: "900.00", currency: "EUR", game: "g" }, "gamehub");

    const result = await processInboxBatch(database.app.db, workerOptions({ policy: quickPolicy, batchSize: 20 }));
    expect(result).toEqual({ claimed: 8, processed: 5, retried: 1, dead: 2 });
    expect(await balances(good)).toMatchObject({ wallet: "50.00" });
    expect(await database.owner`select count(*)::int as n from provider_payments where payment_id = ${frozenPayment}`).toEqual([{ n: 0 }]);
    expect(await inboxRow(refused)).toMatchObject({ status: "dead", attempts: 1, last_error_class: "ACCOUNT_NOT_OPEN", ledger_transaction_id: null });
    expect(await inboxRow(unknown)).toMatchObject({ status: "dead", attempts: 1, last_error_class: "UNKNOWN_CUSTOMER" });
    expect(await inboxRow(tooBig)).toMatchObject({ status: "pending", attempts: 1, last_error_class: "INSUFFICIENT_FUNDS" });
    const attempts = await database.owner`select i.event_id, a.attempt, a.outcome::text from job_attempts a join webhook_inbox i on i.id = a.inbox_id
      where i.event_id in (${refused}, ${unknown}, ${tooBig}) order by i.event_id`;
    expect(attempts).toHaveLength(3);
    expect(attempts.every((row) => row.attempt === 1 && row.outcome === "failed")).toBe(true);
    // The five were applied in one database transaction: processed_at is now(), the transaction's start time.
    const [written] = await database.owner`select count(*)::int as n, count(distinct i.processed_at)::int as transactions from webhook_inbox i
      join ledger_transactions t on t.id = i.ledger_transaction_id where i.event_id in ${database.owner(goodIds)}`;
    expect(written).toEqual({ n: 5, transactions: 1 });

    await database.owner`update accounts set status = 'open' from customers c where c.id = accounts.customer_id and c.external_ref = ${frozen}`;
    await drainInbox(database.app.db, workerOptions({ policy: quickPolicy }));
    expect(await balances(good)).toMatchObject({ wallet: "50.00" });
    expect((await verifyLedger(database.app.db)).ok).toBe(true);
  });
});
