import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accounts } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { createCustomer } from "../customers/create-customer";
import { DomainError } from "../errors";
import { MoneyDecimal } from "../money";
import { systemAccount } from "./open-account";
import { postTransaction } from "./post-transaction";
import { reverseTransaction } from "./reverse-transaction";
import type { PostingRequest } from "./types";
import { verifyLedger } from "./verify-ledger";

const service = { type: "service" as const, id: "test" };
const d = (value: string) => new MoneyDecimal(value);
let keySeq = 0;
const key = (label: string) => `${label}-${process.pid}-${(keySeq += 1)}`;

describe("posting ledger transactions", () => {
  let database: TestDatabase;
  let clearing: string;
  let revenue: string;
  let wallet: string;
  let jpyClearing: string;
  let jpyRevenue: string;

  const post = (request: PostingRequest) => database.app.db.transaction((tx) => postTransaction(tx, request));
  // A fixed event time: a retried request is byte for byte the same request.
  const occurredAt = new Date("2026-11-01T12:00:00.000Z");
  const deposit = (amount: string, idempotencyKey = key("deposit"), account = wallet) =>
    post({ idempotencyKey, kind: "deposit", initiator: service, occurredAt, entries: [{ accountId: clearing, amount: d(amount) }, { accountId: account, amount: d(amount).negated() }] });
  const bet = (amount: string, idempotencyKey = key("bet"), account = wallet) =>
    post({ idempotencyKey, kind: "bet", initiator: service, occurredAt, entries: [{ accountId: account, amount: d(amount) }, { accountId: revenue, amount: d(amount).negated() }] });
  const balanceOf = async (accountId: string) => {
    const [row] = await database.owner`select balance::text as balance from account_balances where account_id = ${accountId}`;
    return row?.balance as string;
  };
  const counts = async () => {
    const [row] = await database.owner`select (select count(*) from ledger_transactions)::int as transactions, (select count(*) from ledger_entries)::int as entries, (select count(*) from outbox_events)::int as outbox`;
    return row;
  };

  beforeAll(async () => {
    database = await createTestDatabase({ maxConnections: 24 });
    await database.app.db.transaction(async (tx) => {
      clearing = (await systemAccount(tx, "provider_clearing", "EUR")).id;
      revenue = (await systemAccount(tx, "game_revenue", "EUR")).id;
      jpyClearing = (await systemAccount(tx, "provider_clearing", "JPY")).id;
      jpyRevenue = (await systemAccount(tx, "game_revenue", "JPY")).id;
      const customer = await createCustomer(tx, {
        externalRef: "cust-posting-1",
        pii: { fullName: "Ada Lovelace", email: "ada@example.com", dateOfBirth: "1990-01-01", country: "GB" },
        walletCurrencies: ["EUR"],
      });
      wallet = customer.walletIds.EUR ?? "";
    });
  });
  afterAll(() => database.drop());

  it("posts a deposit: entries, cached balances, outbox event, and a consistent ledger", async () => {
    const result = await deposit("100.00");
    expect(result.replayed).toBe(false);
    expect(await balanceOf(wallet)).toBe("100.000000000000000000");
    expect(await balanceOf(clearing)).toBe("100.000000000000000000");
    const entries = await database.owner`select account_seq::int, balance_after::text, amount::text from ledger_entries where transaction_id = ${result.transactionId} order by amount`;
    expect(entries).toHaveLength(2);
    const [event] = await database.owner`select type, payload from outbox_events where aggregate_id = ${result.transactionId}`;
    expect(event).toMatchObject({ type: "ledger.transaction_posted", payload: { kind: "deposit", amount: "100.00", currency: "EUR" } });
    expect((await verifyLedger(database.app.db)).ok).toBe(true);
  });

  it("writes the outbox payload with every amount formatted to its currency's exponent, entries in account order", async () => {
    const occurred = new Date("2026-11-02T08:30:00.000Z");
    const result = await post({
      idempotencyKey: key("payload"),
      kind: "deposit",
      initiator: service,
      occurredAt: occurred,
      externalReference: "psp-123",
      entries: [{ accountId: clearing, amount: d("2.5") }, { accountId: wallet, amount: d("-2") }, { accountId: wallet, amount: d("-0.5") }],
    });
    const [event] = await database.owner`select payload from outbox_events where aggregate_id = ${result.transactionId}`;
    const [first, second] = [clearing, wallet].sort();
    const legs = { [clearing]: [{ accountId: clearing, currency: "EUR", amount: "2.50" }], [wallet]: [{ accountId: wallet, currency: "EUR", amount: "-2.00" }, { accountId: wallet, currency: "EUR", amount: "-0.50" }] };
    expect(event?.payload).toEqual({
      transactionId: result.transactionId,
      kind: "deposit",
      amount: "2.50",
      currency: "EUR",
      externalReference: "psp-123",
      occurredAt: occurred.toISOString(),
      reversesTransactionId: null,
      entries: [...(legs[first ?? ""] ?? []), ...(legs[second ?? ""] ?? [])],
      bookedAt: result.bookedAt.toISOString(),
    });
    const entries = await database.owner`select account_id, account_seq::int as seq, balance_after::text as after from ledger_entries where transaction_id = ${result.transactionId} order by id`;
    const walletEntries = entries.filter((row) => row.account_id === wallet);
    expect(walletEntries.map((row) => row.seq)).toEqual([walletEntries[0]?.seq, (walletEntries[0]?.seq as number) + 1]);
    // A wallet is a liability: each credit raises its running balance, in the order the entries were given.
    expect(new MoneyDecimal(String(walletEntries[1]?.after)).minus(String(walletEntries[0]?.after)).toFixed()).toBe("0.5");
    expect((await verifyLedger(database.app.db)).ok).toBe(true);
  });

  it("a posting over two currencies has no headline amount in its outbox event", async () => {
    const result = await post({
      idempotencyKey: key("two-currencies"),
      kind: "adjustment",
      initiator: service,
      occurredAt,
      entries: [{ accountId: jpyClearing, amount: d("150") }, { accountId: jpyRevenue, amount: d("-150") }, { accountId: clearing, amount: d("1.00") }, { accountId: revenue, amount: d("-1.00") }],
    });
    const [header] = await database.owner`select amount, currency from ledger_transactions where id = ${result.transactionId}`;
    expect(header).toEqual({ amount: null, currency: null });
    const [event] = await database.owner`select payload from outbox_events where aggregate_id = ${result.transactionId}`;
    expect(event?.payload).toMatchObject({ amount: null, currency: null });
    expect((event?.payload as { entries: { currency: string; amount: string }[] }).entries.map((entry) => `${entry.amount} ${entry.currency}`).sort()).toEqual(["-1.00 EUR", "-150 JPY", "1.00 EUR", "150 JPY"]);
  });

  it("the same key and payload replays without writing; another payload is IDEMPOTENCY_CONFLICT", async () => {
    const idempotencyKey = key("replay");
    const first = await deposit("5.00", idempotencyKey);
    const before = await counts();
    const again = await deposit("5.00", idempotencyKey);
    expect(again).toMatchObject({ transactionId: first.transactionId, replayed: true });
    expect(again.bookedAt).toBeInstanceOf(Date);
    expect(again.bookedAt.getTime()).toBe(first.bookedAt.getTime());
    expect(await counts()).toEqual(before);
    await expect(deposit("6.00", idempotencyKey)).rejects.toMatchObject({ code: "IDEMPOTENCY_CONFLICT", field: "idempotencyKey" });
    expect(await counts()).toEqual(before);
  });

  it("the same idempotency key sent 20 times at once gives one posting", async () => {
    const idempotencyKey = key("burst");
    const before = await counts();
    const results = await Promise.all(Array.from({ length: 20 }, () => deposit("1.00", idempotencyKey)));
    expect(new Set(results.map((result) => result.transactionId)).size).toBe(1);
    expect(results.filter((result) => !result.replayed)).toHaveLength(1);
    expect(new Set(results.map((result) => result.bookedAt.getTime())).size).toBe(1);
    const after = await counts();
    expect(after?.transactions).toBe((before?.transactions ?? 0) + 1);
  });

  it("a replay answers from the stored posting without waiting for the accounts' locks", async () => {
    const idempotencyKey = key("replay-locked");
    const first = await deposit("2.00", idempotencyKey);
    // Another posting holds the wallet's balance row: a replay that took the lock first would wait
    // for it and fail on the lock timeout; a replay that reads the stored posting first does not.
    const holder = await database.owner.reserve();
    try {
      await holder`begin`;
      await holder`select 1 from account_balances where account_id = ${wallet} for update`;
      const again = await database.app.db.transaction(async (tx) => {
        await tx.execute(sql`set local lock_timeout = '500ms'`);
        return postTransaction(tx, { idempotencyKey, kind: "deposit", initiator: service, occurredAt, entries: [{ accountId: clearing, amount: d("2.00") }, { accountId: wallet, amount: d("-2.00") }] });
      });
      expect(again).toMatchObject({ transactionId: first.transactionId, replayed: true });
    } finally {
      await holder`rollback`;
      holder.release();
    }
  });

  it("a reused key is IDEMPOTENCY_CONFLICT even when the new payload names accounts that do not exist", async () => {
    const idempotencyKey = key("conflict-unknown");
    await deposit("3.00", idempotencyKey);
    const missing = "00000000-0000-7000-8000-000000000000";
    await expect(deposit("3.00", idempotencyKey, missing)).rejects.toMatchObject({ code: "IDEMPOTENCY_CONFLICT", field: "idempotencyKey" });
    await expect(deposit("3.00", key("unknown-account"), missing)).rejects.toMatchObject({ code: "NOT_FOUND", field: "entries.1.accountId" });
  });

  it("16 concurrent clients on one hot account never lose an update", async () => {
    await deposit("1000.00");
    const start = d(await balanceOf(wallet));
    await Promise.all(
      Array.from({ length: 16 }, async (_, client) => {
        for (let index = 0; index < 10; index += 1) {
          if (index % 2 === 0) await bet("1.25", key(`hot-${client}-${index}`));
          else await deposit("0.75", key(`hot-${client}-${index}`));
        }
      }),
    );
    // 16 clients x (5 bets of 1.25 and 5 deposits of 0.75) = -16 x 2.50 = -40.00
    expect(d(await balanceOf(wallet)).toFixed(2)).toBe(start.minus("40.00").toFixed(2));
    const [derived] = await database.owner`select (-sum(amount))::text as sum, count(*)::int as n, max(account_seq)::int as max_seq from ledger_entries where account_id = ${wallet}`;
    expect(d(derived?.sum).toFixed(2)).toBe(d(await balanceOf(wallet)).toFixed(2));
    expect(derived?.n).toBe(derived?.max_seq);
    expect((await verifyLedger(database.app.db)).ok).toBe(true);
  });

  it("a customer wallet never goes negative: the whole posting is refused and nothing is written", async () => {
    const balance = await balanceOf(wallet);
    const before = await counts();
    const error = await bet("1000000.00").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: "INSUFFICIENT_FUNDS", field: "entries.0.amount" });
    expect(await balanceOf(wallet)).toBe(balance);
    expect(await counts()).toEqual(before);
  });

  it("the database refuses a negative customer balance even if the code were wrong", async () => {
    await expect(database.app.sql`update account_balances set balance = -1 where account_id = ${wallet}`).rejects.toThrow(/account_balances_non_negative/);
  });

  it("a frozen account refuses postings", async () => {
    await database.app.db.update(accounts).set({ status: "frozen" }).where(eq(accounts.id, wallet));
    await expect(deposit("1.00")).rejects.toMatchObject({ code: "ACCOUNT_NOT_OPEN", field: "entries.1.accountId" });
    await database.app.db.update(accounts).set({ status: "open" }).where(eq(accounts.id, wallet));
  });

  it.each([
    ["an unbalanced posting", [["clearing", "10.00"], ["wallet", "-9.99"]], "UNBALANCED"],
    ["a single entry", [["clearing", "10.00"]], "UNBALANCED"],
    ["excess precision for the currency", [["clearing", "0.005"], ["wallet", "-0.005"]], "PRECISION_EXCEEDED"],
    ["a JPY amount with decimals", [["jpy", "1.5"], ["clearing", "-1.5"]], "PRECISION_EXCEEDED"],
    ["an unknown account", [["00000000-0000-7000-8000-000000000000", "1.00"], ["wallet", "-1.00"]], "NOT_FOUND"],
  ])("refuses %s and writes nothing", async (_name, legs, code) => {
    const ids: Record<string, string> = { clearing, wallet, jpy: jpyClearing };
    const before = await counts();
    const entries = (legs as [string, string][]).map(([account, amount]) => ({ accountId: ids[account] ?? account, amount: d(amount) }));
    await expect(post({ idempotencyKey: key("bad"), kind: "deposit", initiator: service, occurredAt: new Date(), entries })).rejects.toMatchObject({ code });
    expect(await counts()).toEqual(before);
  });

  it("the database itself refuses an unbalanced transaction", async () => {
    await expect(
      database.app.db.transaction(async (tx) => {
        await tx.execute(sql`insert into ledger_transactions (id, kind, idempotency_key, request_hash, initiator_type, initiated_by, occurred_at, booked_at, value_date)
          values ('01900000-0000-7000-8000-000000000001', 'deposit', 'raw-unbalanced', 'x', 'service', 'test', now(), now(), current_date)`);
        await tx.execute(sql`insert into ledger_entries (transaction_id, account_id, currency, amount, account_seq, balance_after, booked_at)
          values ('01900000-0000-7000-8000-000000000001', ${clearing}, 'EUR', 10, 100000, 0, now()),
                 ('01900000-0000-7000-8000-000000000001', ${wallet}, 'EUR', -9, 100000, 0, now())`);
      }),
    ).rejects.toMatchObject({ cause: { message: expect.stringMatching(/is unbalanced: EUR 1/) } });
  });

  it("the database refuses entries added later to a posted transaction, even balanced ones", async () => {
    const posted = await deposit("3.00");
    await expect(
      database.app.sql`insert into ledger_entries (transaction_id, account_id, currency, amount, account_seq, balance_after, booked_at)
        values (${posted.transactionId}, ${clearing}, 'EUR', 1, 900001, 0, now()), (${posted.transactionId}, ${wallet}, 'EUR', -1, 900001, 0, now())`,
    ).rejects.toThrow(/cannot gain entries/);
  });

  it("the database refuses an entry whose currency differs from its account's", async () => {
    const [existing] = await database.owner`select id from ledger_transactions limit 1`;
    await expect(
      database.app.db.transaction(async (tx) => {
        await tx.execute(sql`insert into ledger_entries (transaction_id, account_id, currency, amount, account_seq, balance_after, booked_at)
          values (${existing?.id}, ${clearing}, 'USD', 10, 100001, 0, now())`);
      }),
    ).rejects.toMatchObject({ cause: { code: "23503", constraint_name: "ledger_entries_account_currency_fk" } });
  });

  it("ledger tables are append-only for the app role and, through triggers, for the owner too", async () => {
    for (const table of ["ledger_transactions", "ledger_entries"]) {
      await expect(database.app.sql.unsafe(`update ${table} set booked_at = now()`)).rejects.toThrow(/permission denied/);
      await expect(database.app.sql.unsafe(`delete from ${table}`)).rejects.toThrow(/permission denied/);
      await expect(database.app.sql.unsafe(`truncate ${table} cascade`)).rejects.toThrow(/permission denied/);
      await expect(database.owner.unsafe(`update ${table} set booked_at = now()`)).rejects.toThrow(/append-only/);
      await expect(database.owner.unsafe(`delete from ${table}`)).rejects.toThrow(/append-only/);
    }
  });

  it("a reversal negates every entry and references the original; a second reversal is refused", async () => {
    const original = await deposit("12.34");
    const before = d(await balanceOf(wallet));
    const reversal = await database.app.db.transaction((tx) =>
      reverseTransaction(tx, { transactionId: original.transactionId, idempotencyKey: key("reverse"), initiator: service, reason: "duplicate deposit" }),
    );
    expect(d(await balanceOf(wallet)).toFixed(2)).toBe(before.minus("12.34").toFixed(2));
    const [row] = await database.owner`select kind, reverses_transaction_id from ledger_transactions where id = ${reversal.transactionId}`;
    expect(row).toMatchObject({ kind: "reversal", reverses_transaction_id: original.transactionId });
    await expect(
      database.app.db.transaction((tx) => reverseTransaction(tx, { transactionId: original.transactionId, idempotencyKey: key("reverse"), initiator: service, reason: "again" })),
    ).rejects.toMatchObject({ code: "ALREADY_REVERSED" });
    await expect(
      database.app.db.transaction((tx) => reverseTransaction(tx, { transactionId: reversal.transactionId, idempotencyKey: key("reverse"), initiator: service, reason: "undo" })),
    ).rejects.toMatchObject({ code: "NOT_REVERSIBLE" });
  });

  it("two reversals of one transaction at once give exactly one reversal", async () => {
    const original = await deposit("7.00");
    const outcomes = await Promise.allSettled(
      [1, 2].map((n) =>
        database.app.db.transaction((tx) => reverseTransaction(tx, { transactionId: original.transactionId, idempotencyKey: key(`race-${n}`), initiator: service, reason: "race" })),
      ),
    );
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
    const rejected = outcomes.find((outcome) => outcome.status === "rejected");
    expect(rejected?.status === "rejected" && rejected.reason).toMatchObject({ code: "ALREADY_REVERSED" });
    const [count] = await database.owner`select count(*)::int as n from ledger_transactions where reverses_transaction_id = ${original.transactionId}`;
    expect(count?.n).toBe(1);
    expect((await verifyLedger(database.app.db)).ok).toBe(true);
  });
});
