import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedInCaller } from "@/test/support/callers";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { seedLedger } from "../demo/seed-ledger";
import { MoneyDecimal } from "../money";
import { builtInReconDefaults } from "./defaults";
import { countersignFormat, europeanFormat } from "./formats";
import { importStatement, StatementRefused } from "./import-statement";
import { generateSampleStatement, statementClasses, type SampleManifest } from "./sample-statement";
import { runDueReconciliations } from "./scheduled-runs";

type Signed = Awaited<ReturnType<typeof signedInCaller>>;
const request = { correlationId: "recon-test-0001", ip: "127.0.0.1", userAgent: "vitest" };
const encode = (text: string) => new TextEncoder().encode(text);

describe("reconciliation: statements in, runs, differences", () => {
  let database: TestDatabase;
  let finance: Signed;
  let auditor: Signed;
  let support: Signed;
  let keys = 0;
  const key = () => `recon-test-${(keys += 1)}-${Date.now()}`;
  const count = async (table: string) => Number((await database.owner.unsafe(`select count(*)::int as n from ${table}`))[0]?.n);
  const upload = (provider: string, text: string, fileName = "statement.csv") =>
    importStatement(database.app.db, { provider, fileName, bytes: encode(text), staffId: finance.member.id, request });

  beforeAll(async () => {
    database = await createTestDatabase({ maxConnections: 20 });
    await seedLedger(database.app, { customers: 120, transactions: 6_000, seed: 5, days: 60, batchSize: 2_000 });
    finance = await signedInCaller(database.app.db, "finance");
    auditor = await signedInCaller(database.app.db, "auditor");
    support = await signedInCaller(database.app.db, "support");
  }, 120_000);
  afterAll(() => database.drop());

  async function importSample(provider: string, seed: number, inject: number): Promise<{ importId: string; manifest: SampleManifest }> {
    const { csv, manifest } = await generateSampleStatement(database.app.db, { seed, provider, days: 30, inject });
    const result = await upload(provider, csv, `sample-${seed}.csv`);
    expect(result.import.status, JSON.stringify(result.import.errors.slice(0, 3))).toBe("accepted");
    expect(result.import.acceptedRows).toBe(manifest.lines);
    return { importId: result.import.id, manifest };
  }

  function expectExactly(byClass: { class: string; count: number }[], manifest: SampleManifest) {
    const counts = new Map<string, number>();
    for (const row of byClass) counts.set(row.class, (counts.get(row.class) ?? 0) + row.count);
    for (const name of statementClasses) expect(counts.get(name) ?? 0, name).toBe(manifest.expected[name]);
    const others = [...counts].filter(([name]) => !(statementClasses as readonly string[]).includes(name));
    expect(others).toEqual([]);
  }

  it("finds exactly the injected differences in the default format, records the run, its matches and one exception per difference", async () => {
    const { importId, manifest } = await importSample("acmepay", 101, 3);
    const run = await finance.caller.recon.runs.start({ scope: "payments", provider: "acmepay", importIds: [importId], from: manifest.from, to: manifest.to, idempotencyKey: key() });
    expect(run.status).toBe("completed");
    expectExactly(run.summary?.byClass ?? [], manifest);
    expect(run.summary?.matchedByMethod.settlement).toBe(1);
    expect(run.summary?.matchedByMethod.amount_date).toBe(3);
    expect(run.exceptionsOpened).toBe(18);

    const differences = await database.owner`select class::text, reference from recon_differences where run_id = ${run.runId}`;
    for (const name of statementClasses) {
      expect(differences.filter((row) => row.class === name).map((row) => row.reference).sort(), name).toEqual([...manifest.injected[name]].sort());
    }
    // A difference about a ledger transaction names the customer account it moved, so its exception can offer the correcting adjustment.
    const aboutTransactions = await database.owner`select d.class::text, a.purpose::text as purpose, e.account_id = d.account_id as same
      from recon_differences d join recon_exceptions e on e.difference_id = d.id left join accounts a on a.id = d.account_id
      where d.run_id = ${run.runId} and d.transaction_id is not null`;
    expect(aboutTransactions.filter((row) => row.class === "amount_mismatch")).toHaveLength(manifest.injected.amount_mismatch.length);
    for (const row of aboutTransactions) expect(row, row.class as string).toMatchObject({ purpose: "wallet", same: true });
    const [matches] = await database.owner`select count(*) filter (where method = 'settlement')::int as settlement,
      count(distinct line_id) filter (where method = 'amount_date')::int as amount_date, count(*) filter (where method = 'reference')::int as reference
      from recon_matches where run_id = ${run.runId}`;
    // Matches by amount and date and by settlement are stored; matches by reference only counted.
    expect(matches).toEqual({ settlement: 3, amount_date: run.summary?.matchedByMethod.amount_date, reference: 0 });
    expect(run.summary?.matchedByMethod.reference).toBeGreaterThan(0);
    expect(run.summary?.matchedLines).toBe((run.summary?.matchedByMethod.reference ?? 0) + (run.summary?.matchedByMethod.amount_date ?? 0) + (run.summary?.matchedByMethod.settlement ?? 0));
    const detail = await auditor.caller.recon.runs.get({ id: run.runId });
    expect(detail.run.importIds).toEqual([importId]);
    expect(detail.run.parameters).toMatchObject({ scope: "payments", dateWindowDays: builtInReconDefaults.dateWindowDays });
    const [audit] = await database.owner`select count(*)::int as n from audit_events where action = 'recon.run_recorded' and target_id = ${run.runId}`;
    expect(audit?.n).toBe(1);

    // The same differences again: no second exception, the open one points at the newer run.
    const openBefore = await count("recon_exceptions");
    const again = await finance.caller.recon.runs.start({ scope: "payments", provider: "acmepay", importIds: [importId], from: manifest.from, to: manifest.to, idempotencyKey: key() });
    expect(again.exceptionsOpened).toBe(0);
    expect(again.exceptionsSeenAgain).toBe(18);
    expect(await count("recon_exceptions")).toBe(openBefore);
    const [latest] = await database.owner`select count(*)::int as n from recon_exceptions where last_run_id = ${again.runId} and first_run_id = ${run.runId}`;
    expect(latest?.n).toBe(18);

    const compared = await auditor.caller.recon.runs.compare({ a: run.runId, b: again.runId });
    expect(compared.inBoth.count).toBe(18);
    expect(compared.onlyInA.count + compared.onlyInB.count).toBe(0);

    // The amount tolerance is a parameter: one minor unit apart is a match within a tolerance of 1.
    const tolerant = await finance.caller.recon.runs.dryRun({ scope: "payments", provider: "acmepay", importIds: [importId], from: manifest.from, to: manifest.to, amountTolerance: "1" });
    expect(tolerant.summary.byClass.filter((row) => row.class === "amount_mismatch")).toEqual([]);
    expect(tolerant.summary.matchedByMethod.reference).toBe((run.summary?.matchedByMethod.reference ?? 0) + 3);
  });

  it("reads the second format (semicolons, day-first dates, decimal comma) and finds exactly its injected differences", async () => {
    const { importId, manifest } = await importSample("globalpsp", 202, 2);
    expect(manifest.format).toBe(europeanFormat.id);
    const run = await finance.caller.recon.runs.start({ scope: "payments", provider: "globalpsp", importIds: [importId], from: manifest.from, to: manifest.to, idempotencyKey: key() });
    expectExactly(run.summary?.byClass ?? [], manifest);
    expect(run.summary?.matchedByMethod.amount_date).toBe(2);
  });

  it("a run over all providers compares only the providers whose statements it has: no other provider's deposits are missing at the provider", async () => {
    const { importId, manifest } = await importSample("acmepay", 303, 1);
    const all = await finance.caller.recon.runs.dryRun({ scope: "payments", importIds: [importId], from: manifest.from, to: manifest.to });
    expectExactly(all.summary.byClass, manifest);
    expect(all.differences.every((difference) => difference.provider === "acmepay")).toBe(true);
  });

  it("a dry run answers the same differences and writes no run, difference or exception", async () => {
    const { importId, manifest } = await importSample("acmepay", 303, 1);
    const before = { runs: await count("recon_runs"), differences: await count("recon_differences"), exceptions: await count("recon_exceptions"), matches: await count("recon_matches") };
    const dry = await finance.caller.recon.runs.dryRun({ scope: "payments", provider: "acmepay", importIds: [importId], from: manifest.from, to: manifest.to });
    expectExactly(dry.summary.byClass, manifest);
    expect(dry.differences).toHaveLength(6);
    expect({ runs: await count("recon_runs"), differences: await count("recon_differences"), exceptions: await count("recon_exceptions"), matches: await count("recon_matches") }).toEqual(before);
    const [audit] = await database.owner`select count(*)::int as n from audit_events where action = 'recon.dry_run'`;
    expect(audit?.n).toBeGreaterThanOrEqual(1);
  });

  it("compares two runs by fingerprint: only in A, only in B, in both", async () => {
    const one = await importSample("acmepay", 404, 1);
    const two = await importSample("acmepay", 505, 1);
    const a = await finance.caller.recon.runs.start({ scope: "payments", provider: "acmepay", importIds: [one.importId], from: one.manifest.from, to: one.manifest.to, idempotencyKey: key() });
    const b = await finance.caller.recon.runs.start({ scope: "payments", provider: "acmepay", importIds: [two.importId], from: two.manifest.from, to: two.manifest.to, idempotencyKey: key() });
    const compared = await auditor.caller.recon.runs.compare({ a: a.runId, b: b.runId });
    const onlyA = compared.onlyInA.items.map((item) => item.reference);
    for (const ref of one.manifest.injected.missing_in_ledger) expect(onlyA).toContain(ref);
    const onlyB = compared.onlyInB.items.map((item) => item.reference);
    for (const ref of two.manifest.injected.missing_in_ledger) expect(onlyB).toContain(ref);
    expect(compared.onlyInA.count + compared.inBoth.count).toBe(a.summary?.differences);
  });

  it("reads overlapping statements of one provider by the newest import per date: no false duplicates, and the older import's lines outside the overlap still count", async () => {
    const day = (ago: number) => new Date(Date.now() - ago * 86_400_000).toISOString().slice(0, 10);
    const deposits = await database.owner<{ reference: string; amount: string; wrong: string; currency: string; day: string }[]>`
      select t.external_reference as reference, round(t.amount, c.exponent)::text as amount, round(t.amount + 1, c.exponent)::text as wrong,
             t.currency::text as currency, (t.occurred_at at time zone 'UTC')::date::text as day
        from ledger_transactions t join currencies c on c.code = t.currency
       where t.kind = 'deposit' and t.metadata->>'provider' = 'acmepay'
         and (t.occurred_at at time zone 'UTC')::date between ${day(59)}::date and ${day(35)}::date
       order by t.occurred_at, t.id`;
    const overlapFrom = day(50);
    const overlapTo = day(44);
    const before = deposits.filter((row) => row.day < overlapFrom);
    const overlap = deposits.filter((row) => row.day >= overlapFrom && row.day <= overlapTo);
    const after = deposits.filter((row) => row.day > overlapTo);
    expect([before.length, overlap.length, after.length].every((n) => n > 0), "the seeded ledger has deposits before, in and after the overlap").toBe(true);
    const line = (row: (typeof deposits)[number], amount = row.amount) => `${row.reference},payment,paid,${amount},${row.currency},${row.day},,`;
    const header = "reference,kind,status,amount,currency,booked_on,covers,description";
    // The first statement has a wrong amount in the days the corrected statement covers again.
    const wrongOne = overlap[0];
    const first = await upload("acmepay", [header, ...[...before, ...overlap].map((row) => line(row, row === wrongOne ? row.wrong : row.amount))].join("\n"));
    const corrected = await upload("acmepay", [header, ...[...overlap, ...after].map((row) => line(row))].join("\n"));
    expect([first.import.status, corrected.import.status]).toEqual(["accepted", "accepted"]);
    const window = { from: day(59), to: day(35) };

    const run = await finance.caller.recon.runs.start({ scope: "payments", provider: "acmepay", importIds: [first.import.id, corrected.import.id], ...window, idempotencyKey: key() });
    expect(run.summary?.byClass).toEqual([]);
    expect(run.summary?.statementLines).toBe(deposits.length);
    expect(run.summary?.matchedLines).toBe(deposits.length);
    // The run keeps which lines it left out: the first import's dates the corrected one covers.
    const [stored] = await database.owner`select parameters->'superseded' as superseded, import_ids from recon_runs where id = ${run.runId}`;
    expect(stored?.superseded).toEqual([{ importId: first.import.id, from: corrected.import.periodFrom, to: first.import.periodTo, by: corrected.import.id }]);
    expect(stored?.import_ids).toEqual([first.import.id, corrected.import.id]);

    // Each statement alone: the corrected one misses the days before it, the first one has the wrong amount.
    const correctedOnly = await finance.caller.recon.runs.dryRun({ scope: "payments", provider: "acmepay", importIds: [corrected.import.id], ...window });
    expect(correctedOnly.summary.byClass.map((row) => row.class)).toContain("missing_at_provider");
    expect(correctedOnly.summary.byClass.filter((row) => row.class === "missing_at_provider").reduce((sum, row) => sum + row.count, 0)).toBe(before.length);
    const firstOnly = await finance.caller.recon.runs.dryRun({ scope: "payments", provider: "acmepay", importIds: [first.import.id], ...window });
    expect(firstOnly.differences.filter((row) => row.class === "amount_mismatch").map((row) => row.reference)).toEqual([wrongOne?.reference]);
  });

  it("refuses statement lines that do not belong to an accepted import of their provider, for the whole statement", async () => {
    const accepted = await upload("acmepay", "reference,kind,status,amount,currency,booked_on\nLINK-1,payment,paid,1.00,EUR,2026-01-01\n");
    const rejected = await upload("acmepay", "reference,kind,status,amount,currency,booked_on\nLINK-2,payment,paid,1.005,EUR,2026-01-01\n");
    expect([accepted.import.status, rejected.import.status]).toEqual(["accepted", "rejected"]);
    const insert = (importId: string, provider: string) =>
      database.app.sql`insert into statement_lines (import_id, line_no, provider, reference, kind, status, amount, currency, booked_on)
        values (${accepted.import.id}, 100, 'acmepay', 'LINK-OK', 'payment', 'paid', 1, 'EUR', '2026-01-01'),
               (${importId}, 101, ${provider}, 'LINK-X', 'payment', 'paid', 1, 'EUR', '2026-01-01')`;
    const linesBefore = await count("statement_lines");
    await expect(insert("00000000-0000-4000-8000-000000000000", "acmepay")).rejects.toMatchObject({ code: "23503" });
    await expect(insert(rejected.import.id, "acmepay")).rejects.toMatchObject({ code: "23503" });
    await expect(insert(accepted.import.id, "globalpsp")).rejects.toMatchObject({ code: "23503" });
    // Unlike a foreign key, the check also holds under session_replication_role = replica.
    const replica = database.owner.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      await tx`insert into statement_lines (import_id, line_no, provider, reference, kind, status, amount, currency, booked_on)
        values ('00000000-0000-4000-8000-000000000000', 1, 'acmepay', 'LINK-R', 'payment', 'paid', 1, 'EUR', '2026-01-01')`;
    });
    await expect(replica).rejects.toMatchObject({ code: "23503" });
    expect(await count("statement_lines")).toBe(linesBefore);
  });

  it("keeps runs, matches and differences immutable", async () => {
    const [run] = await database.owner`select id from recon_runs limit 1`;
    await expect(database.owner`update recon_runs set status = 'failed' where id = ${run?.id}`).rejects.toThrow();
    await expect(database.owner`delete from recon_differences where run_id = ${run?.id}`).rejects.toThrow();
    await expect(database.app.sql`update recon_runs set summary = '{}' where id = ${run?.id}`).rejects.toThrow();
  });

  it("refuses roles without the permission and lets the auditor read but not run", async () => {
    await expect(support.caller.recon.runs.start({ scope: "ledger", idempotencyKey: key() })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(support.caller.recon.runs.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(auditor.caller.recon.runs.dryRun({ scope: "ledger" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await auditor.caller.recon.runs.list()).items.length).toBeGreaterThan(0);
    expect((await auditor.caller.recon.imports.list()).items.length).toBeGreaterThan(0);
  });

  it("a ledger run checks cached balances and the trial balance, and finds a tampered balance", async () => {
    const clean = await finance.caller.recon.runs.start({ scope: "ledger", idempotencyKey: key() });
    expect(clean.summary?.ledger?.ok).toBe(true);
    expect(clean.summary?.byClass.filter((row) => row.class === "balance_mismatch")).toEqual([]);
    const [wallet] = await database.owner`select account_id from account_balances where balance > 1 limit 1`;
    await database.owner`update account_balances set balance = balance + 1 where account_id = ${wallet?.account_id}`;
    try {
      const tampered = await finance.caller.recon.runs.start({ scope: "ledger", idempotencyKey: key() });
      const mismatches = await database.owner`select account_id from recon_differences where run_id = ${tampered.runId} and class = 'balance_mismatch'`;
      expect(mismatches.map((row) => row.account_id)).toEqual([wallet?.account_id]);
    } finally {
      await database.owner`update account_balances set balance = balance - 1 where account_id = ${wallet?.account_id}`;
    }
  });

  it("finds a withdrawal stuck in requested past the threshold", async () => {
    const [customer] = await database.owner`select c.id from customers c limit 1`;
    const [hold] = await database.owner`select id from ledger_transactions limit 1`;
    await database.owner`insert into provider_withdrawals (id, provider, withdrawal_id, customer_id, amount, currency, status, requested_at, hold_transaction_id, last_event_id)
      values (gen_random_uuid(), 'acmepay', 'WD-STUCK-1', ${customer?.id}, 25, 'EUR', 'requested', now() - interval '6 hours', ${hold?.id}, 'evt-stuck-1')`;
    const dry = await finance.caller.recon.runs.dryRun({ scope: "withdrawals", stuckWithdrawalMinutes: 60 });
    expect(dry.differences.filter((row) => row.class === "stuck_withdrawal").map((row) => row.reference)).toEqual(["WD-STUCK-1"]);
    const relaxed = await finance.caller.recon.runs.dryRun({ scope: "withdrawals", stuckWithdrawalMinutes: 600 });
    expect(relaxed.differences.filter((row) => row.class === "stuck_withdrawal")).toEqual([]);

    // Paid at the provider, still pending with us: a status mismatch.
    const today = new Date(Date.now() - 6 * 3_600_000).toISOString().slice(0, 10);
    const statement = await upload("acmepay", `reference,kind,status,amount,currency,booked_on\nWD-STUCK-1,withdrawal,paid,25.00,EUR,${today}\n`);
    const withStatement = await finance.caller.recon.runs.dryRun({ scope: "withdrawals", provider: "acmepay", importIds: [statement.import.id], stuckWithdrawalMinutes: 600 });
    expect(withStatement.differences.map((row) => [row.class, row.reference, row.details.statementStatus, row.details.ledgerStatus])).toContainEqual(["status_mismatch", "WD-STUCK-1", "paid", "pending"]);
  });

  it("records one scheduled run per due scope even with two workers at once", async () => {
    const before = await database.owner`select scope::text, count(*)::int as n from recon_runs where trigger = 'schedule' group by scope`;
    expect(before).toHaveLength(0);
    const schedule = { payments: 5, withdrawals: 15, ledger: 24 * 60 };
    const other = await createTestDatabaseHandle();
    try {
      const [first, second] = await Promise.all([
        runDueReconciliations(database.app.db, schedule, builtInReconDefaults),
        runDueReconciliations(other, schedule, builtInReconDefaults),
      ]);
      expect([...first, ...second].map((run) => run.scope).sort()).toEqual(["ledger", "payments", "withdrawals"]);
      // Not due again a minute later; due again after the interval.
      expect(await runDueReconciliations(database.app.db, schedule, builtInReconDefaults, new Date(Date.now() + 60_000))).toEqual([]);
      const later = await runDueReconciliations(database.app.db, schedule, builtInReconDefaults, new Date(Date.now() + 6 * 60_000));
      expect(later.map((run) => run.scope)).toEqual(["payments"]);
      const [audit] = await database.owner`select count(*)::int as n from audit_events where action = 'recon.run_scheduled' and actor_type = 'service'`;
      expect(audit?.n).toBe(4);
    } finally {
      await closeOther();
    }
  });

  it("pairs duplicated references in a stated order: the first line of a reference, and the ledger item earliest in time", async () => {
    const deposits = await database.owner<{ reference: string; amount: string; more: string; currency: string; day: string; at: Date; customer: string }[]>`
      select t.external_reference as reference, round(t.amount, c.exponent)::text as amount, round(t.amount + 2, c.exponent)::text as more,
             t.currency::text as currency, (t.occurred_at at time zone 'UTC')::date::text as day, t.occurred_at as at, a.customer_id as customer
        from ledger_transactions t join currencies c on c.code = t.currency
        join ledger_entries e on e.transaction_id = t.id join accounts a on a.id = e.account_id and a.customer_id is not null
       where t.kind = 'deposit' and t.metadata->>'provider' = 'acmepay'
         and (t.occurred_at at time zone 'UTC')::time between '03:00' and '21:00'
       order by t.occurred_at desc, t.id limit 2`;
    const [later, earlier] = deposits;
    if (!later || !earlier) throw new Error("the seeded ledger has two acmepay deposits");
    // A payment record holding each deposit's reference too: one an hour after the deposit, one an hour before.
    const record = async (deposit: typeof later, hours: number) =>
      database.owner`insert into provider_payments (id, provider, payment_id, customer_id, amount, currency, status, occurred_at, last_event_id)
        values (gen_random_uuid(), 'acmepay', ${deposit.reference}, ${deposit.customer}, ${deposit.more}, ${deposit.currency}, 'succeeded',
                ${new Date(deposit.at.getTime() + hours * 3_600_000)}, ${`evt-order-${deposit.reference}`})`;
    await record(later, 1);
    await record(earlier, -1);
    const line = (deposit: typeof later, amount: string) => `${deposit.reference},payment,paid,${amount},${deposit.currency},${deposit.day},,`;
    // Each reference twice on the statement: the second line has another amount and is the duplicate.
    const statement = await upload(
      "acmepay",
      ["reference,kind,status,amount,currency,booked_on,covers,description", line(later, later.amount), line(earlier, earlier.amount), line(later, later.more), line(earlier, earlier.more)].join("\n"),
    );
    expect(statement.import.status).toBe("accepted");
    const days = [earlier.day, later.day].sort();
    const window = { from: new Date(new Date(`${days[0]}T00:00:00Z`).getTime() - 86_400_000).toISOString().slice(0, 10), to: days[1] ?? "" };
    // Amounts compared as exact decimals: "25.00" and "25.000000000000000000" are the same amount.
    const exact = (amount: string | null) => (amount === null ? null : new MoneyDecimal(amount).toString());
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const dry = await finance.caller.recon.runs.dryRun({ scope: "payments", provider: "acmepay", importIds: [statement.import.id], ...window });
      const about = (deposit: typeof later) =>
        dry.differences
          .filter((row) => row.reference === deposit.reference)
          .map((row) => [row.class, exact(row.statementAmount), exact(row.ledgerAmount)])
          .sort();
      // The later deposit's line pairs with the deposit (equal: no difference); its record, an hour after, stays unpaired.
      expect(about(later)).toEqual([
        ["duplicate_at_provider", exact(later.more), null],
        ["missing_at_provider", null, exact(later.more)],
      ]);
      // The earlier deposit's line pairs with its record, an hour before it (a different amount); the deposit stays unpaired.
      expect(about(earlier)).toEqual([
        ["amount_mismatch", exact(earlier.amount), exact(earlier.more)],
        ["duplicate_at_provider", exact(earlier.more), null],
        ["missing_at_provider", null, exact(earlier.amount)],
      ]);
    }
  });

  let closeOther = async () => undefined;
  async function createTestDatabaseHandle() {
    const { connectDatabase } = await import("@/db/client");
    const handle = connectDatabase(database.appUrl, { maxConnections: 4 });
    closeOther = async () => void (await handle.close());
    return handle.db;
  }

  describe("statement imports", () => {
    const good = (rows: string[]) => [countersignFormat.delimiter === "," ? "reference,kind,status,amount,currency,booked_on,covers,description" : "", ...rows].join("\n");

    it("returns the same import for the same file, also for two concurrent uploads", async () => {
      const text = good(["REUP-1,payment,paid,10.00,EUR,2026-01-05,,", "REUP-2,payment,paid,12.50,GBP,2026-01-06,,"]);
      const [a, b] = await Promise.all([upload("acmepay", text), upload("acmepay", text)]);
      expect(a.import.id).toBe(b.import.id);
      expect([a.duplicate, b.duplicate].sort()).toEqual([false, true]);
      const c = await upload("acmepay", text, "renamed.csv");
      expect(c.import.id).toBe(a.import.id);
      expect(c.duplicate).toBe(true);
      const [rows] = await database.owner`select count(*)::int as n from statement_lines where import_id = ${a.import.id}`;
      expect(rows?.n).toBe(2);
      const [audits] = await database.owner`select count(*)::int as n from audit_events where action = 'recon.statement_import' and target_id = ${a.import.id}`;
      expect(audits?.n).toBe(1);
    });

    const refusedFiles: [string, string, string][] = [
      ["an empty file", "", "EMPTY_FILE"],
      ["a header only", "reference,kind,status,amount,currency,booked_on\n", "EMPTY_FILE"],
      ["the wrong delimiter", "reference;kind;status;amount;currency;booked_on\nA;payment;paid;1.00;EUR;2026-01-01\n", "WRONG_DELIMITER"],
      ["missing columns", "reference,kind,amount\nA,payment,1.00\n", "MISSING_COLUMNS"],
      ["binary content", "reference,kind\u0000", "NOT_TEXT"],
    ];
    it.each(refusedFiles)("refuses %s as a whole and writes nothing", async (_label, text, code) => {
      const before = { imports: await count("statement_imports"), lines: await count("statement_lines") };
      const error = await upload("acmepay", text).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(StatementRefused);
      expect((error as StatementRefused).fileCode).toBe(code);
      expect((error as StatementRefused).field).toBe("file");
      expect({ imports: await count("statement_imports"), lines: await count("statement_lines") }).toEqual(before);
    });

    it("refuses a 100 MB file before reading it, and an unknown provider", async () => {
      const big = new Uint8Array(100 * 1024 * 1024).fill(0x41);
      const error = await importStatement(database.app.db, { provider: "acmepay", fileName: "big.csv", bytes: big, staffId: finance.member.id, request }).catch((caught: unknown) => caught);
      expect((error as StatementRefused).fileCode).toBe("TOO_LARGE");
      const unknown = await upload("nobody", good(["A,payment,paid,1.00,EUR,2026-01-01,,"])).catch((caught: unknown) => caught);
      expect((unknown as StatementRefused).field).toBe("provider");
    });

    it("rejects a file with bad rows as a whole, listing row, field and reason, with no lines written", async () => {
      const corpus = ["0.005", "1e3", "1,000.00", " 10.00", "+5.00", "007", ".5", "5.", "NaN", "Infinity", "0x10", "１０", "-0", "0", "-5.00", "10.001"];
      const rows = [
        "OK-1,payment,paid,10.00,EUR,2026-02-01,,fine",
        ...corpus.map((amount, index) => `AMT-${index},payment,paid,"${amount}",EUR,2026-02-01,,`),
        "CUR-1,payment,paid,10.00,XXX,2026-02-01,,",
        "CUR-2,payment,paid,10.00,eur,2026-02-01,,",
        "JPY-1,payment,paid,10.5,JPY,2026-02-01,,",
        "DATE-1,payment,paid,10.00,EUR,2026-02-30,,",
        "DATE-2,payment,paid,10.00,EUR,01/02/2026,,",
        "=HYPERLINK(\"http://evil\"),payment,paid,10.00,EUR,2026-02-01,,",
        "KIND-1,gift,paid,10.00,EUR,2026-02-01,,",
      ];
      const before = await count("statement_lines");
      const result = await upload("acmepay", good(rows));
      expect(result.import.status).toBe("rejected");
      expect(result.import.rowCount).toBe(rows.length);
      expect(result.import.rejectedRows).toBe(rows.length - 1);
      expect(await count("statement_lines")).toBe(before);
      const errors = result.import.errors;
      for (let index = 0; index < corpus.length; index += 1) expect(errors, corpus[index]).toContainEqual(expect.objectContaining({ row: index + 2, field: "amount" }));
      expect(errors).toContainEqual(expect.objectContaining({ row: corpus.length + 2, field: "currency" }));
      expect(errors).toContainEqual(expect.objectContaining({ row: corpus.length + 3, field: "currency" }));
      expect(errors).toContainEqual(expect.objectContaining({ row: corpus.length + 4, field: "amount", reason: expect.stringContaining("JPY") }));
      expect(errors).toContainEqual(expect.objectContaining({ row: corpus.length + 5, field: "booked_on" }));
      expect(errors).toContainEqual(expect.objectContaining({ row: corpus.length + 6, field: "booked_on" }));
      expect(errors).toContainEqual(expect.objectContaining({ row: corpus.length + 7, field: "reference" }));
      expect(errors).toContainEqual(expect.objectContaining({ row: corpus.length + 8, field: "kind" }));
      await expect(finance.caller.recon.runs.start({ scope: "payments", importIds: [result.import.id], idempotencyKey: key() })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    });

    it("stores a formula in a description as plain text, never as a formula", async () => {
      const result = await upload("acmepay", good(['FORM-1,payment,paid,10.00,EUR,2026-03-01,,"=HYPERLINK(""http://evil.example"",""click"")"']));
      expect(result.import.status).toBe("accepted");
      const [line] = await database.owner`select description from statement_lines where import_id = ${result.import.id}`;
      expect(line?.description).toBe('=HYPERLINK("http://evil.example","click")');
    });
  });
});
