import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededRandom } from "@/lib/seeded-random";
import { signedInCaller } from "@/test/support/callers";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { seedLedger } from "../demo/seed-ledger";
import { MoneyDecimal } from "../money";
import { importStatement } from "./import-statement";

/**
 * The run's matching against a small model of its rules, written plainly in TypeScript, on random
 * but seeded data: references held by two ledger items (a deposit and a payment record, in either
 * order in time or at the same instant), records naming the same ledger transaction as a deposit,
 * duplicated lines, settlements (complete, short, with an unknown or a twice-held reference),
 * mismatches of every class, deposits listed under the provider's own reference (inside and
 * outside the date window, with equal amounts competing), and lines we never booked.
 */

type Status = "paid" | "pending" | "failed";
interface ModelLine {
  lineId: number;
  reference: string;
  kind: "payment" | "settlement";
  status: Status;
  amount: string;
  currency: string;
  bookedOn: string;
  covers: string[] | null;
}
interface ModelItem {
  reference: string;
  transactionId: string | null;
  amount: string;
  currency: string;
  occurredOn: string;
  status: "paid" | "failed";
  /** occurred_at in microseconds since the epoch, as text (exact). */
  occurredAtUs: string;
  source: number;
  sourceId: string;
}
interface Outcome {
  differences: string[];
  matches: string[];
  counts: { statementLines: number; ledgerItems: number; reference: number; amountDate: number; settlement: number; matchedTransactions: number; consistentUnbooked: number };
}

const provider = "acmepay";
const dec = (value: string) => new MoneyDecimal(value);
const norm = (value: string | null) => (value === null ? "-" : dec(value).toFixed());

function compareItems(a: ModelItem, b: ModelItem): number {
  const at = BigInt(a.occurredAtUs) - BigInt(b.occurredAtUs);
  if (at !== 0n) return at < 0n ? -1 : 1;
  if (a.source !== b.source) return a.source - b.source;
  return a.sourceId < b.sourceId ? -1 : a.sourceId > b.sourceId ? 1 : 0;
}

const daysBetween = (a: string, b: string) => Math.abs(Date.parse(`${a}T00:00:00Z`) - Date.parse(`${b}T00:00:00Z`)) / 86_400_000;

/** The matching rules, one step at a time, on plain arrays. */
function model(lines: ModelLine[], items: ModelItem[], tolerance: string, windowDays: number): Outcome {
  const differences: string[] = [];
  const matches: string[] = [];
  const matchedTransactions = new Set<string>();
  let consistentUnbooked = 0;
  let referenceMatches = 0;
  const difference = (row: { class: string; reference: string; lineId: number | null; transactionId: string | null; statement: string | null; ledger: string | null; amount: string | null }) =>
    differences.push([row.class, `${row.class}:${provider}:${row.reference}`, row.lineId ?? "-", row.transactionId ?? "-", norm(row.statement), norm(row.ledger), norm(row.amount)].join(" "));

  // Duplicates at the provider: per (reference, kind), every line after the lowest id.
  const groups = new Map<string, ModelLine[]>();
  for (const line of [...lines].sort((a, b) => a.lineId - b.lineId)) {
    const key = `${line.reference}\u0000${line.kind}`;
    groups.set(key, [...(groups.get(key) ?? []), line]);
  }
  const duplicate = new Set<ModelLine>();
  for (const group of groups.values()) {
    const extra = group.slice(1);
    if (extra.length === 0) continue;
    for (const line of extra) duplicate.add(line);
    const sum = extra.reduce((total, line) => total.plus(line.amount), dec("0")).toFixed();
    const first = extra[0] as ModelLine;
    differences.push(["duplicate_at_provider", `duplicate_at_provider:${provider}:${first.kind}:${first.reference}`, first.lineId, "-", norm(sum), "-", norm(sum)].join(" "));
  }

  // A reference held by several items pairs with the first in time (then postings, then id).
  const byReference = new Map<string, ModelItem[]>();
  for (const item of [...items].sort(compareItems)) byReference.set(item.reference, [...(byReference.get(item.reference) ?? []), item]);

  const classify = (line: ModelLine, item: ModelItem) =>
    line.currency !== item.currency ? "currency_mismatch" : dec(line.amount).minus(item.amount).abs().greaterThan(tolerance) ? "amount_mismatch" : line.status !== item.status ? "status_mismatch" : null;
  const pair = (line: ModelLine, item: ModelItem, method: "reference" | "amount_date") => {
    const found = classify(line, item);
    if (found === "amount_mismatch") difference({ class: found, reference: item.reference, lineId: line.lineId, transactionId: item.transactionId, statement: line.amount, ledger: item.amount, amount: dec(line.amount).minus(item.amount).abs().toFixed() });
    else if (found) difference({ class: found, reference: item.reference, lineId: line.lineId, transactionId: item.transactionId, statement: line.amount, ledger: item.amount, amount: line.amount });
    else if (item.transactionId === null) consistentUnbooked += 1;
    else {
      matchedTransactions.add(item.transactionId);
      if (method === "reference") referenceMatches += 1;
      else matches.push(`${line.lineId} ${item.transactionId} amount_date`);
    }
  };

  const paired = new Set<ModelItem>();
  const freeLines: ModelLine[] = [];
  for (const line of lines) {
    if (duplicate.has(line) || line.kind === "settlement") continue;
    const item = byReference.get(line.reference)?.[0];
    if (item) {
      paired.add(item);
      pair(line, item, "reference");
    } else freeLines.push(line);
  }

  // Settlements: every covered reference (as often as listed) against every item holding it.
  const covered = new Set<ModelItem>();
  for (const line of lines) {
    if (line.kind !== "settlement" || duplicate.has(line)) continue;
    const rows = (line.covers ?? []).flatMap((reference): { reference: string; item: ModelItem | null }[] => {
      const holders = byReference.get(reference) ?? [];
      return holders.length === 0 ? [{ reference, item: null }] : holders.map((item) => ({ reference, item }));
    });
    for (const row of rows) if (row.item) covered.add(row.item);
    const found = rows.filter((row) => row.item !== null).map((row) => row.item as ModelItem);
    if (found.length === rows.length) {
      const sum = found.filter((item) => item.currency === line.currency).reduce((total, item) => total.plus(item.amount), dec("0"));
      const otherCurrency = found.some((item) => item.currency !== line.currency);
      const otherStatus = found.some((item) => item.status !== line.status);
      if (!otherCurrency && !otherStatus && sum.minus(line.amount).abs().lessThanOrEqualTo(tolerance)) {
        for (const item of found) {
          if (item.transactionId === null) continue;
          matches.push(`${line.lineId} ${item.transactionId} settlement`);
          matchedTransactions.add(item.transactionId);
        }
      } else {
        const name = otherCurrency ? "currency_mismatch" : otherStatus ? "status_mismatch" : "amount_mismatch";
        difference({ class: name, reference: line.reference, lineId: line.lineId, transactionId: null, statement: line.amount, ledger: sum.toFixed(), amount: dec(line.amount).minus(sum).abs().toFixed() });
      }
    }
    for (const row of rows) if (!row.item) difference({ class: "missing_in_ledger", reference: row.reference, lineId: line.lineId, transactionId: null, statement: null, ledger: null, amount: null });
  }

  // Still unpaired: equal amount and currency, the n-th by date against the n-th by date, within the window.
  const freeItems = items.filter((item) => !paired.has(item) && !covered.has(item));
  const key = (currency: string, amount: string) => `${currency} ${dec(amount).toFixed()}`;
  const lineRanks = new Map<string, ModelLine[]>();
  for (const line of [...freeLines].sort((a, b) => a.bookedOn.localeCompare(b.bookedOn) || a.lineId - b.lineId)) {
    lineRanks.set(key(line.currency, line.amount), [...(lineRanks.get(key(line.currency, line.amount)) ?? []), line]);
  }
  const itemRanks = new Map<string, ModelItem[]>();
  for (const item of [...freeItems].sort((a, b) => a.occurredOn.localeCompare(b.occurredOn) || compareItems(a, b))) {
    itemRanks.set(key(item.currency, item.amount), [...(itemRanks.get(key(item.currency, item.amount)) ?? []), item]);
  }
  const datePaired = new Set<ModelLine | ModelItem>();
  for (const [group, ranked] of lineRanks) {
    const candidates = itemRanks.get(group) ?? [];
    ranked.forEach((line, rank) => {
      const item = candidates[rank];
      if (!item || daysBetween(line.bookedOn, item.occurredOn) > windowDays) return;
      datePaired.add(line);
      datePaired.add(item);
      pair(line, item, "amount_date");
    });
  }
  for (const line of freeLines) {
    if (datePaired.has(line)) continue;
    if (line.status === "paid") difference({ class: "missing_in_ledger", reference: line.reference, lineId: line.lineId, transactionId: null, statement: line.amount, ledger: null, amount: line.amount });
    else consistentUnbooked += 1;
  }
  for (const item of freeItems) {
    if (datePaired.has(item)) continue;
    if (item.status !== "failed") difference({ class: "missing_at_provider", reference: item.reference, lineId: null, transactionId: item.transactionId, statement: null, ledger: item.amount, amount: item.amount });
    else consistentUnbooked += 1;
  }
  // A line matched by a method is a line with a stored match of that method: a settlement whose items name no ledger transaction counts none.
  const linesMatchedBy = (method: string) => new Set(matches.filter((row) => row.endsWith(` ${method}`)).map((row) => row.split(" ")[0])).size;
  return {
    differences: differences.sort(),
    matches: matches.sort(),
    counts: { statementLines: lines.length, ledgerItems: items.length, reference: referenceMatches, amountDate: linesMatchedBy("amount_date"), settlement: linesMatchedBy("settlement"), matchedTransactions: matchedTransactions.size, consistentUnbooked },
  };
}

describe("the reconciliation run's matching against a model of its rules", () => {
  let database: TestDatabase;
  let finance: Awaited<ReturnType<typeof signedInCaller>>;
  let customerId = "";

  beforeAll(async () => {
    database = await createTestDatabase({ maxConnections: 10 });
    await seedLedger(database.app, { customers: 40, transactions: 1_200, seed: 17, days: 24, batchSize: 1_200, depositsOnly: true });
    finance = await signedInCaller(database.app.db, "finance");
    const [customer] = await database.owner<{ id: string }[]>`select id from customers order by id limit 1`;
    customerId = customer?.id ?? "";
  }, 120_000);
  afterAll(() => database.drop());

  interface Deposit {
    id: string;
    reference: string;
    amount: string;
    currency: string;
    day: string;
    atUs: string;
  }

  /** Payment records: some hold a deposit's reference (before, at or after it), some name a deposit's transaction under their own reference. */
  async function addRecords(seed: number, random: () => number, deposits: Deposit[]): Promise<void> {
    const pick = <T,>(values: T[]) => values[Math.floor(random() * values.length)] as T;
    const insert = (row: { paymentId: string; amount: string; currency: string; status: string; atUs: string; transactionId: string | null }) => database.owner`
      insert into provider_payments (id, provider, payment_id, customer_id, amount, currency, status, occurred_at, ledger_transaction_id, last_event_id)
      values (gen_random_uuid(), ${provider}, ${row.paymentId}, ${customerId}, ${row.amount}::numeric, ${row.currency}, ${row.status}::provider_payment_status,
              to_timestamp(${row.atUs}::numeric / 1000000), ${row.transactionId}::uuid, ${`evt-model-${row.paymentId}`})
      on conflict (provider, payment_id) do nothing`;
    for (let index = 0; index < 40; index += 1) {
      const deposit = pick(deposits);
      const shiftUs = BigInt(pick([-7_200_000_000, 0, 7_200_000_000, 90_000_000_000]));
      await insert({
        paymentId: deposit.reference,
        amount: random() < 0.6 ? deposit.amount : dec(deposit.amount).plus(pick(["0.30", "2.00"])).toFixed(),
        currency: deposit.currency,
        status: random() < 0.8 ? "succeeded" : "failed",
        atUs: String(BigInt(deposit.atUs) + shiftUs),
        transactionId: random() < 0.6 ? deposit.id : null,
      });
    }
    for (let index = 0; index < 40; index += 1) {
      const deposit = pick(deposits);
      await insert({
        paymentId: `REC-${seed}-${index}`,
        amount: random() < 0.5 ? deposit.amount : dec(pick(["12.50", "40.00", "99.99"])).toFixed(),
        currency: deposit.currency,
        status: random() < 0.6 ? "succeeded" : "failed",
        atUs: String(BigInt(deposit.atUs) + BigInt(Math.floor(random() * 4 - 2) * 86_400_000_000)),
        transactionId: random() < 0.4 ? deposit.id : null,
      });
    }
  }

  /** A statement with every kind of line, in a shuffled order (line ids follow the file). */
  function statementFor(random: () => number, items: ModelItem[]): Omit<ModelLine, "lineId">[] {
    const pick = <T,>(values: T[]) => values[Math.floor(random() * values.length)] as T;
    const shiftDay = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
    const otherCurrency = (currency: string) => pick(["EUR", "USD", "GBP"].filter((code) => code !== currency));
    const lines: Omit<ModelLine, "lineId">[] = [];
    const settled: ModelItem[] = [];
    const references = [...new Map(items.map((item) => [item.reference, item])).values()];
    let other = 0;
    for (const item of references) {
      const line = { reference: item.reference, kind: "payment" as const, status: item.status as Status, amount: item.amount, currency: item.currency, bookedOn: item.occurredOn, covers: null };
      const fate = random();
      if (fate < 0.3) lines.push(line);
      else if (fate < 0.36) lines.push({ ...line, amount: dec(item.amount).plus(pick(["0.20", "0.25"])).toFixed() });
      else if (fate < 0.44) lines.push({ ...line, amount: dec(item.amount).plus(pick(["1.00", "0.51", "7.25"])).toFixed() });
      else if (fate < 0.5) lines.push({ ...line, currency: otherCurrency(item.currency) });
      else if (fate < 0.57) lines.push({ ...line, status: item.status === "paid" ? pick(["failed", "pending"] as Status[]) : "paid" });
      else if (fate < 0.64) continue;
      else if (fate < 0.76) lines.push({ ...line, reference: `PSP-${(other += 1)}`, bookedOn: shiftDay(item.occurredOn, Math.floor(random() * 9) - 4), status: random() < 0.85 ? line.status : "pending" });
      else if (fate < 0.84) {
        lines.push(line);
        for (let extra = 0; extra < 1 + Math.floor(random() * 2); extra += 1) lines.push({ ...line, amount: dec(item.amount).plus(extra + 1).toFixed(), bookedOn: shiftDay(item.occurredOn, 1) });
      } else if (fate < 0.94) {
        settled.push(item);
        if (random() < 0.2) lines.push(line);
      } else lines.push({ ...line, reference: `UNK-${(other += 1)}`, status: pick(["paid", "pending", "failed"] as Status[]), amount: pick(["12.50", "40.00", item.amount]) });
    }
    for (let start = 0, group = 1; start < settled.length; group += 1) {
      const size = 1 + Math.floor(random() * 3);
      const covered = settled.slice(start, start + size);
      start += size;
      const first = covered[0] as ModelItem;
      const covers = covered.map((item) => item.reference);
      if (random() < 0.15) covers.push(`GONE-${group}`);
      const sum = covered.filter((item) => item.currency === first.currency).reduce((total, item) => total.plus(item.amount), dec("0"));
      const amount = random() < 0.75 ? sum.toFixed() : sum.plus("5.00").toFixed();
      const settlement = { reference: `SETTLE-${group}`, kind: "settlement" as const, status: "paid" as Status, amount, currency: first.currency, bookedOn: first.occurredOn, covers };
      lines.push(settlement);
      if (random() < 0.15) lines.push({ ...settlement, amount: sum.plus("1.00").toFixed() });
    }
    for (let index = lines.length - 1; index > 0; index -= 1) {
      const swap = Math.floor(random() * (index + 1));
      [lines[index], lines[swap]] = [lines[swap] as Omit<ModelLine, "lineId">, lines[index] as Omit<ModelLine, "lineId">];
    }
    return lines;
  }

  async function itemsOf(from: string, to: string): Promise<ModelItem[]> {
    const rows = await database.owner<{ reference: string; transaction_id: string | null; amount: string; currency: string; occurred_on: string; status: "paid" | "failed"; at_us: string; source: number; source_id: string }[]>`
      select t.external_reference as reference, t.id::text as transaction_id, t.amount::text as amount, t.currency::text as currency,
             (t.occurred_at at time zone 'UTC')::date::text as occurred_on, 'paid' as status,
             (extract(epoch from t.occurred_at) * 1000000)::bigint::text as at_us, 1 as source, t.id::text as source_id
        from ledger_transactions t
       where t.kind = 'deposit' and t.metadata->>'provider' = ${provider} and t.external_reference is not null
         and t.occurred_at >= ${from}::date::timestamp at time zone 'UTC' and t.occurred_at < (${to}::date + 1)::timestamp at time zone 'UTC'
      union all
      select p.payment_id, p.ledger_transaction_id::text, p.amount::text, p.currency::text, (p.occurred_at at time zone 'UTC')::date::text,
             case p.status when 'succeeded' then 'paid' else 'failed' end, (extract(epoch from p.occurred_at) * 1000000)::bigint::text, 2, p.id::text
        from provider_payments p
       where p.provider = ${provider} and p.occurred_at >= ${from}::date::timestamp at time zone 'UTC' and p.occurred_at < (${to}::date + 1)::timestamp at time zone 'UTC'`;
    return rows.map((row) => ({ reference: row.reference, transactionId: row.transaction_id, amount: row.amount, currency: row.currency, occurredOn: row.occurred_on, status: row.status, occurredAtUs: row.at_us, source: row.source, sourceId: row.source_id }));
  }

  async function runOutcome(runId: string, summary: { statementLines: number; ledgerItems: number; matchedTransactions: number; consistentUnbooked: number; matchedByMethod: { reference: number; amount_date: number; settlement: number } }): Promise<Outcome> {
    const differences = await database.owner<{ row: string }[]>`
      select concat_ws(' ', class::text, fingerprint, coalesce(line_id::text, '-'), coalesce(transaction_id::text, '-'), coalesce(trim_scale(statement_amount)::text, '-'),
                       coalesce(trim_scale(ledger_amount)::text, '-'), coalesce(trim_scale(amount)::text, '-')) as row
        from recon_differences where run_id = ${runId}`;
    const matches = await database.owner<{ row: string }[]>`select concat_ws(' ', line_id, transaction_id, method::text) as row from recon_matches where run_id = ${runId}`;
    return {
      differences: differences.map((row) => row.row).sort(),
      matches: matches.map((row) => row.row).sort(),
      counts: {
        statementLines: summary.statementLines,
        ledgerItems: summary.ledgerItems,
        reference: summary.matchedByMethod.reference,
        amountDate: summary.matchedByMethod.amount_date,
        settlement: summary.matchedByMethod.settlement,
        matchedTransactions: summary.matchedTransactions,
        consistentUnbooked: summary.consistentUnbooked,
      },
    };
  }

  for (const seed of [1, 2, 3]) {
    it(`classifies every line and item as the model does (seed ${seed})`, async () => {
      const random = seededRandom(seed);
      const deposits = await database.owner<Deposit[]>`
        select t.id::text as id, t.external_reference as reference, round(t.amount, 2)::text as amount, t.currency::text as currency,
               (t.occurred_at at time zone 'UTC')::date::text as day, (extract(epoch from t.occurred_at) * 1000000)::bigint::text as "atUs"
          from ledger_transactions t join currencies c on c.code = t.currency
         where t.kind = 'deposit' and t.metadata->>'provider' = ${provider} and c.exponent = 2 and t.amount = round(t.amount, 2)
         order by t.occurred_at, t.id`;
      expect(deposits.length, "the seeded ledger has acmepay deposits").toBeGreaterThan(100);
      await addRecords(seed, random, deposits);
      const days = deposits.map((deposit) => deposit.day).sort();
      const from = days[0] ?? "";
      const to = days[days.length - 1] ?? "";
      const items = await itemsOf(from, to);
      // Lines can only carry amounts with the currency's two decimals: items with more stay unlisted (missing at the provider).
      const listable = items.filter((item) => dec(item.amount).decimalPlaces() <= 2 && ["EUR", "USD", "GBP"].includes(item.currency));
      const planned = statementFor(random, listable);
      const csv = ["reference,kind,status,amount,currency,booked_on,covers,description", ...planned.map((line) => [line.reference, line.kind, line.status, dec(line.amount).toFixed(2), line.currency, line.bookedOn, (line.covers ?? []).join("|"), ""].join(","))].join("\n");
      const imported = await importStatement(database.app.db, { provider, fileName: `model-${seed}.csv`, bytes: new TextEncoder().encode(csv), staffId: finance.member.id, request: { correlationId: null, ip: null, userAgent: "vitest" } });
      expect(imported.import.status, JSON.stringify(imported.import.errors.slice(0, 3))).toBe("accepted");
      const ids = await database.owner<{ id: number; line_no: number }[]>`select id::int as id, line_no from statement_lines where import_id = ${imported.import.id} order by line_no`;
      const lines: ModelLine[] = ids.map((row) => ({ ...(planned[row.line_no - 1] as Omit<ModelLine, "lineId">), lineId: row.id }));
      expect(lines).toHaveLength(planned.length);

      const tolerance = "0.25";
      const windowDays = 3;
      const run = await finance.caller.recon.runs.start({ scope: "payments", provider, importIds: [imported.import.id], from, to, amountTolerance: tolerance, dateWindowDays: windowDays, idempotencyKey: `model-${seed}-${Date.now()}` });
      expect(run.status).toBe("completed");
      if (!run.summary) throw new Error("a completed run has a summary");
      const expected = model(lines, items, tolerance, windowDays);
      const actual = await runOutcome(run.runId, run.summary);
      // The dataset exercises every rule, or the comparison proves little.
      const classes = new Set(expected.differences.map((row) => row.split(" ")[0]));
      for (const name of ["amount_mismatch", "currency_mismatch", "status_mismatch", "missing_in_ledger", "missing_at_provider", "duplicate_at_provider"]) expect(classes, `seed ${seed}: ${name}`).toContain(name);
      expect(expected.counts.amountDate, `seed ${seed}`).toBeGreaterThan(0);
      expect(expected.counts.settlement, `seed ${seed}`).toBeGreaterThan(0);
      expect(expected.counts.consistentUnbooked, `seed ${seed}`).toBeGreaterThan(0);

      expect(actual.differences, `seed ${seed}`).toEqual(expected.differences);
      expect(actual.matches, `seed ${seed}`).toEqual(expected.matches);
      expect(actual.counts, `seed ${seed}`).toEqual(expected.counts);
    }, 60_000);
  }
});
