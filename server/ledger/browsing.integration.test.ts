import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedInCaller } from "@/test/support/callers";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { appendAuditEvent } from "../audit/append-audit-event";
import { seedLedger } from "../demo/seed-ledger";
import { MoneyDecimal } from "../money";
import { exportTransactionsCsv } from "./export-transactions";
import { postTransaction } from "./post-transaction";
import { systemAccount } from "./open-account";
import { reverseTransaction } from "./reverse-transaction";

const run = promisify(execFile);

describe("ledger browsing over a seeded ledger", () => {
  let database: TestDatabase;
  let support: Awaited<ReturnType<typeof signedInCaller>>;

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedLedger(database.app, { customers: 40, transactions: 2_000, seed: 11, batchSize: 500 });
    support = await signedInCaller(database.app.db, "support");
  });
  afterAll(() => database.drop());

  async function sample() {
    const [row] = await database.owner`
      select t.id, t.idempotency_key, t.external_reference, t.correlation_id, a.customer_id, p.email, c.external_ref
        from ledger_transactions t
        join ledger_entries e on e.transaction_id = t.id
        join accounts a on a.id = e.account_id and a.customer_id is not null
        join customers c on c.id = a.customer_id
        join customer_pii p on p.customer_id = a.customer_id
       where t.kind = 'deposit' order by t.occurred_at limit 1`;
    if (!row) throw new Error("seed produced no deposit");
    return row;
  }

  it.each(["id", "idempotency_key", "external_reference", "correlation_id"] as const)("finds a transaction by its %s", async (column) => {
    const known = await sample();
    const page = await support.caller.ledger.search({ q: String(known[column]) });
    expect(page.matched).toBe("transaction");
    expect(page.items.map((item) => item.id)).toContain(known.id);
  });

  it.each(["customer_id", "email", "external_ref"] as const)("finds a customer's transactions by the customer's %s", async (column) => {
    const known = await sample();
    // Emails match whatever their case; ids and references match exactly.
    const q = column === "email" ? String(known.email).toUpperCase() : String(known[column]);
    const page = await support.caller.ledger.search({ q, limit: 200 });
    expect(page.matched).toBe("customer");
    const [count] = await database.owner`
      select count(distinct e.transaction_id)::int as n from ledger_entries e join accounts a on a.id = e.account_id where a.customer_id = ${known.customer_id}`;
    expect(page.items.length).toBe(Math.min(count?.n ?? 0, 200));
  });

  it("an unknown search term matches nothing and says so", async () => {
    expect(await support.caller.ledger.search({ q: "no-such-reference-anywhere" })).toMatchObject({ items: [], matched: "none" });
  });

  it("keyset pages through a filter completely: no row lost or repeated, order kept", async () => {
    const filter = { kind: "bet" as const, currency: "EUR", amountMin: "1.00", limit: 37 };
    const seen: string[] = [];
    let cursor: { at: string; id: string } | undefined;
    let previous = Number.POSITIVE_INFINITY;
    for (let page = 0; page < 200; page += 1) {
      const result = await support.caller.ledger.search({ ...filter, cursor });
      for (const item of result.items) {
        expect(item.kind).toBe("bet");
        expect(item.currency).toBe("EUR");
        expect(item.amount?.greaterThanOrEqualTo("1.00")).toBe(true);
        expect(item.occurredAt.getTime()).toBeLessThanOrEqual(previous);
        previous = item.occurredAt.getTime();
        seen.push(item.id);
      }
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    const [count] = await database.owner`select count(*)::int as n from ledger_transactions where kind = 'bet' and currency = 'EUR' and amount >= 1`;
    expect(seen.length).toBe(count?.n);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("filters by date range on booked time and by metadata key=value", async () => {
    const [bounds] = await database.owner`select min(booked_at) as lo, max(booked_at) as hi from ledger_transactions`;
    const from = new Date((bounds?.lo as Date).getTime() + 86_400_000).toISOString();
    const to = new Date((bounds?.hi as Date).getTime() - 86_400_000).toISOString();
    const page = await support.caller.ledger.search({ dateField: "booked", from, to, metadata: "provider=acmepay", limit: 200 });
    expect(page.items.length).toBeGreaterThan(0);
    for (const item of page.items) {
      expect(item.bookedAt >= new Date(from) && item.bookedAt <= new Date(to)).toBe(true);
      expect(["deposit", "withdrawal"]).toContain(item.kind);
    }
  });

  it.each(["1e309", "NaN", "Infinity", "-0", "1,000.00", "１０", "١٠", "", "0x10", "1".repeat(41), " 1.00", ".5"])(
    "amount filter %j is a 400 naming the field, and nothing is written",
    async (bad) => {
      const [before] = await database.owner`select count(*)::int as n from audit_events`;
      const error = await support.caller.ledger.search({ amountMin: bad }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "BAD_REQUEST" });
      expect((error as Error).message).toContain("amountMin");
      const [after] = await database.owner`select count(*)::int as n from audit_events`;
      expect(after?.n).toBe(before?.n);
    },
  );

  it.each([
    ["0.005", "EUR"],
    ["1.5", "JPY"],
  ])("amount filter %s in %s is refused for excess precision, naming the field", async (amount, currency) => {
    await expect(support.caller.ledger.search({ amountMin: amount, currency })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("amountMin") });
  });

  it("an unknown currency is refused, naming the field", async () => {
    await expect(support.caller.ledger.search({ currency: "XXX" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("transaction detail: every entry's balance before plus its change is its balance after", async () => {
    const known = await sample();
    const detail = await support.caller.ledger.transaction({ id: known.id });
    expect(detail.entries.length).toBeGreaterThanOrEqual(2);
    const sum = detail.entries.reduce((total, entry) => total.plus(entry.amount), new MoneyDecimal(0));
    expect(sum.isZero()).toBe(true);
    for (const entry of detail.entries) {
      const change = entry.accountType === "asset" || entry.accountType === "expense" ? entry.amount : entry.amount.negated();
      expect(entry.balanceBefore.plus(change).equals(entry.balanceAfter)).toBe(true);
    }
  });

  it("transaction detail links both ways: the reversal, the audit records and the outbox events, in one read", async () => {
    const known = await sample();
    const request = { correlationId: null, ip: null, userAgent: null };
    const [reversal, audited] = await database.app.db.transaction(async (tx) => {
      const posted = await reverseTransaction(tx, { transactionId: known.id, idempotencyKey: `detail-links-${known.id}`, initiator: { type: "service", id: "test" }, reason: "detail links" });
      const record = await appendAuditEvent(tx, { actor: { type: "service", id: "test" }, action: "ledger.reverse", outcome: "success", target: { type: "ledger_transaction", id: known.id }, request });
      return [posted, record] as const;
    });
    const original = await support.caller.ledger.transaction({ id: known.id });
    expect(original.reversedBy).toEqual({ id: reversal.transactionId, kind: "reversal" });
    expect(original.reverses).toBeNull();
    expect(original.auditSeqs).toEqual([audited.seq]);
    const corrected = await support.caller.ledger.transaction({ id: reversal.transactionId });
    expect(corrected.reverses).toEqual({ id: known.id, kind: original.kind });
    expect(corrected.reversedBy).toBeNull();
    expect(corrected.auditSeqs).toEqual([]);
    expect(corrected.outboxEvents).toEqual([{ id: expect.any(String), type: "ledger.transaction_posted", status: "pending", createdAt: expect.any(Date) }]);
    expect(corrected.bookedAt.getTime()).toBe(reversal.bookedAt.getTime());
    const legs = (entries: typeof original.entries, sign: 1 | -1) => entries.map((entry) => `${entry.accountId} ${(sign === 1 ? entry.amount : entry.amount.negated()).toFixed()}`).sort();
    expect(legs(corrected.entries, 1)).toEqual(legs(original.entries, -1));
    await expect(support.caller.ledger.transaction({ id: "00000000-0000-7000-8000-000000000000" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(support.caller.ledger.statement({ accountId: "00000000-0000-7000-8000-000000000000", limit: 5 })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("a statement chains: each row's balance minus its change is the next older row's balance", async () => {
    const [wallet] = await database.owner`select account_id from account_balances b join accounts a on a.id = b.account_id where a.purpose = 'wallet' order by b.entry_count desc limit 1`;
    const accountId = String(wallet?.account_id);
    const first = await support.caller.ledger.statement({ accountId, limit: 20 });
    const second = first.nextBeforeSeq ? await support.caller.ledger.statement({ accountId, beforeSeq: first.nextBeforeSeq, limit: 20 }) : { items: [] };
    const rows = [...first.items, ...second.items];
    for (let index = 0; index + 1 < rows.length; index += 1) {
      const row = rows[index];
      const older = rows[index + 1];
      if (!row || !older) continue;
      expect(row.accountSeq).toBe(older.accountSeq + 1);
      expect(row.balanceAfter.minus(row.change).equals(older.balanceAfter)).toBe(true);
    }
    const account = await support.caller.ledger.account({ id: accountId });
    expect(account.balancesAgree).toBe(true);
    expect(first.items[0]?.balanceAfter.equals(account.cachedBalance)).toBe(true);

    const middle = rows[5];
    if (!middle) throw new Error("statement too short");
    const asOf = await support.caller.ledger.balanceAsOf({ accountId, at: middle.bookedAt.toISOString() });
    expect(asOf.balance.equals(middle.balanceAfter)).toBe(true);
    expect(asOf.entryCount).toBe(middle.accountSeq);
    const beforeAnything = await support.caller.ledger.balanceAsOf({ accountId, at: "2000-01-01T00:00:00Z" });
    expect(beforeAnything).toMatchObject({ entryCount: 0, lastEntryAt: null });
    expect(beforeAnything.balance.isZero()).toBe(true);
  });

  it("the account page shows a mismatch when the cached balance drifts from the entries", async () => {
    const [wallet] = await database.owner`select account_id from account_balances b join accounts a on a.id = b.account_id where a.purpose = 'wallet' and b.balance > 1 limit 1`;
    await database.owner`update account_balances set balance = balance - 1 where account_id = ${wallet?.account_id}`;
    const account = await support.caller.ledger.account({ id: String(wallet?.account_id) });
    expect(account.balancesAgree).toBe(false);
    expect(account.derivedBalance.minus(account.cachedBalance).toFixed(2)).toBe("1.00");
    await database.owner`update account_balances set balance = balance + 1 where account_id = ${wallet?.account_id}`;
  });

  it("customers: personal data is masked; reveal needs pii.reveal and is audited with the reason", async () => {
    const known = await sample();
    const customer = await support.caller.customers.get({ id: known.customer_id });
    expect(customer.pii.email).not.toBe(known.email);
    expect(customer.pii.email).toMatch(/•/);
    expect(customer.accounts.length).toBeGreaterThan(0);
    await expect(support.caller.customers.revealPii({ customerId: known.customer_id, reason: "caller verification on ticket 42" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const compliance = await signedInCaller(database.app.db, "compliance");
    await expect(compliance.caller.customers.revealPii({ customerId: known.customer_id, reason: "short" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("reason") });
    const revealed = await compliance.caller.customers.revealPii({ customerId: known.customer_id, reason: "caller verification on ticket 42" });
    expect(revealed.email).toBe(known.email);
    const [audit] = await database.owner`select actor_id, target_id, details::jsonb as details from audit_events where action = 'pii.reveal' and outcome = 'success' order by seq desc limit 1`;
    expect(audit).toMatchObject({ actor_id: compliance.member.id, target_id: known.customer_id, details: { reason: "caller verification on ticket 42" } });
    expect(JSON.stringify(audit?.details)).not.toContain(known.email);
  });

  it("CSV export streams the filtered result and neutralises formula cells", async () => {
    const [clearing, revenue] = await database.app.db.transaction(async (tx) => [await systemAccount(tx, "provider_clearing", "EUR"), await systemAccount(tx, "game_revenue", "EUR")]);
    await database.app.db.transaction((tx) =>
      postTransaction(tx, {
        idempotencyKey: "formula-injection-1",
        kind: "fee",
        initiator: { type: "service", id: "test" },
        occurredAt: new Date(),
        externalReference: '=HYPERLINK("http://evil.example","click")',
        entries: [
          { accountId: clearing?.id ?? "", amount: new MoneyDecimal("1.00") },
          { accountId: revenue?.id ?? "", amount: new MoneyDecimal("-1.00") },
        ],
      }),
    );
    const stream = exportTransactionsCsv(database.app.db, { kind: "fee", dateField: "occurred", sort: "desc" });
    const text = await new Response(stream).text();
    const lines = text.trim().split("\r\n");
    expect(lines[0]).toMatch(/^id,kind,amount,currency,external_reference/);
    const [count] = await database.owner`select count(*)::int as n from ledger_transactions where kind = 'fee'`;
    expect(lines.length - 1).toBe(count?.n);
    const injected = lines.find((line) => line.includes("HYPERLINK"));
    expect(injected).toContain(`"'=HYPERLINK(`);
  });

  it("npm run ledger:verify passes on the seeded ledger and fails, naming what differs, on a broken copy", async () => {
    const env = { ...process.env, APP_DATABASE_URL: database.appUrl };
    const ok = await run("node_modules/.bin/tsx", ["scripts/ledger-verify.mts"], { env });
    expect(ok.stdout).toMatch(/ledger consistent/);

    const [wallet] = await database.owner`select b.account_id, a.code from account_balances b join accounts a on a.id = b.account_id where a.purpose = 'wallet' limit 1`;
    await database.owner`update account_balances set balance = balance + 5 where account_id = ${wallet?.account_id}`;
    await database.owner.unsafe(`alter table ledger_entries disable trigger ledger_entries_balanced`);
    const [victim] = await database.owner`select id, account_id, currency from ledger_entries order by id limit 1`;
    await database.owner`insert into ledger_entries (transaction_id, account_id, currency, amount, account_seq, balance_after, booked_at)
      select transaction_id, account_id, currency, 0.01, 1000000, 0, booked_at from ledger_entries where id = ${victim?.id}`;
    const broken = await run("node_modules/.bin/tsx", ["scripts/ledger-verify.mts"], { env }).then(
      () => null,
      (error: { code: number; stdout: string }) => error,
    );
    expect(broken?.code).toBe(1);
    expect(broken?.stdout).toContain(`account ${wallet?.code}`);
    expect(broken?.stdout).toMatch(/unbalanced transaction .* off by 0\.01/);
    expect(broken?.stdout).toMatch(/trial balance \w{3} is 0\.01/);
  });
});
