import Papa from "papaparse";
import { sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { seededRandom } from "@/lib/seeded-random";
import { formatAmount, fromMinorUnits, parseAmount, toMinorUnits } from "../money";
import { formatForProvider, type StatementFormat, type StatementKind, type StatementStatus } from "./formats";
import type { DifferenceClass } from "./schemas";

/**
 * Writes a provider statement consistent with the ledger in the database (the provider's deposits
 * and payment records over a period, as a payments run reads them) and injects a known number of
 * each statement difference class, plus the matches that are not exact by reference (one settlement
 * line covering several deposits; deposits the provider lists under its own reference). The manifest
 * says what was injected, so a run can be checked against it: exactly these, no more, no fewer.
 */

export interface SampleOptions {
  seed: number;
  provider: string;
  /** Statement period (inclusive); default: the `days` full days before today (UTC). */
  from?: string;
  to?: string;
  days?: number;
  /** How many of each difference class to inject. */
  inject?: number;
  /** Override the provider's own format (to write the other format for a test). */
  format?: StatementFormat;
  now?: Date;
}

export const statementClasses = ["missing_in_ledger", "missing_at_provider", "amount_mismatch", "currency_mismatch", "status_mismatch", "duplicate_at_provider"] as const satisfies readonly DifferenceClass[];

export interface SampleManifest {
  seed: number;
  provider: string;
  format: string;
  from: string;
  to: string;
  ledgerItems: number;
  lines: number;
  /** The references injected per class. */
  injected: Record<(typeof statementClasses)[number], string[]>;
  /** The expected count of each class (the other classes: zero). */
  expected: Record<(typeof statementClasses)[number], number>;
  settlement: { reference: string; covers: string[] } | null;
  /** Deposits listed under another reference: matched by amount, currency and date. */
  amountDate: string[];
}

interface Item {
  reference: string;
  amount: string;
  currency: string;
  occurredOn: string;
  status: StatementStatus;
}

interface Line {
  reference: string;
  kind: StatementKind;
  status: StatementStatus;
  amount: string;
  currency: string;
  bookedOn: string;
  covers: string[] | null;
  description: string;
}

const sameExponentSwap: Record<string, string> = { EUR: "GBP", GBP: "USD", USD: "EUR" };

export async function generateSampleStatement(db: Executor, options: SampleOptions): Promise<{ csv: string; manifest: SampleManifest }> {
  const format = options.format ?? formatForProvider(options.provider);
  if (!format) throw new Error(`no statement format for provider ${options.provider}`);
  const random = seededRandom(options.seed);
  const inject = options.inject ?? 3;
  const now = options.now ?? new Date();
  const day = (offset: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + offset * 86_400_000).toISOString().slice(0, 10);
  const to = options.to ?? day(-1);
  const from = options.from ?? day(-(options.days ?? 7));

  const rows = await db.execute<{ reference: string; amount: string; currency: string; occurred_on: string; status: StatementStatus }>(sql`
    select t.external_reference as reference, t.amount::text as amount, t.currency::text as currency, (t.occurred_at at time zone 'UTC')::date::text as occurred_on, 'paid' as status
      from ledger_transactions t
     where t.kind = 'deposit' and t.metadata->>'provider' = ${options.provider} and t.external_reference is not null
       and t.occurred_at >= ${from}::date::timestamp at time zone 'UTC' and t.occurred_at < (${to}::date + 1)::timestamp at time zone 'UTC'
    union all
    select p.payment_id, p.amount::text, p.currency::text, (p.occurred_at at time zone 'UTC')::date::text, case p.status when 'succeeded' then 'paid' else 'failed' end
      from provider_payments p
     where p.provider = ${options.provider}
       and p.occurred_at >= ${from}::date::timestamp at time zone 'UTC' and p.occurred_at < (${to}::date + 1)::timestamp at time zone 'UTC'
     order by 4, 1`);
  const items: Item[] = [...rows].map((row) => ({
    reference: row.reference,
    amount: formatAmount(parseAmount(trimZeros(row.amount), row.currency, { allowZero: false }), row.currency),
    currency: row.currency,
    occurredOn: row.occurred_on,
    status: row.status,
  }));

  // Candidates for injection: paid, and not on the period's first or last day (so the period holds).
  const dates = items.map((item) => item.occurredOn).sort();
  const first = dates[0];
  const last = dates.at(-1);
  const candidates = shuffle(items.filter((item) => item.status === "paid" && item.occurredOn !== first && item.occurredOn !== last), random);
  const taken = new Set<Item>();
  /** (currency, amount) keys of everything left without a reference partner: they must not collide. */
  const freeKeys = new Set<string>();
  const key = (currency: string, amount: string) => `${currency}:${amount}`;
  const take = (count: number, accept: (item: Item) => boolean = () => true): Item[] => {
    const chosen: Item[] = [];
    for (const item of candidates) {
      if (chosen.length === count) break;
      if (taken.has(item) || !accept(item)) continue;
      taken.add(item);
      chosen.push(item);
    }
    if (chosen.length < count) throw new Error(`the ledger has too few ${options.provider} deposits between ${from} and ${to} to inject ${count} of each difference; widen the period`);
    return chosen;
  };
  const takeFree = (count: number): Item[] =>
    take(count, (item) => {
      const itemKey = key(item.currency, item.amount);
      if (freeKeys.has(itemKey)) return false;
      freeKeys.add(itemKey);
      return true;
    });

  const missingAtProvider = takeFree(inject);
  const amountDate = takeFree(inject);
  const amountMismatch = take(inject);
  const currencyMismatch = take(inject, (item) => item.currency in sameExponentSwap);
  const statusMismatch = take(inject);
  const duplicates = take(inject);
  const settlementCurrency = candidates.find((item) => !taken.has(item))?.currency;
  const settled = settlementCurrency ? take(3, (item) => item.currency === settlementCurrency) : [];

  const line = (item: Item, changes: Partial<Line> = {}): Line => ({
    reference: item.reference,
    kind: "payment",
    status: item.status,
    amount: item.amount,
    currency: item.currency,
    bookedOn: item.occurredOn,
    covers: null,
    description: "Card deposit",
    ...changes,
  });
  const lines: Line[] = [];
  const dropped = new Set(missingAtProvider);
  const settledSet = new Set(settled);
  const prefix = `S${options.seed}`;
  for (const item of items) {
    if (dropped.has(item) || settledSet.has(item)) continue;
    if (amountDate.includes(item)) lines.push(line(item, { reference: `${prefix}-PSP-${item.reference}`, description: "Listed under the provider's own reference" }));
    else if (amountMismatch.includes(item)) lines.push(line(item, { amount: plusOneMinorUnit(item.amount, item.currency) }));
    else if (currencyMismatch.includes(item)) lines.push(line(item, { currency: sameExponentSwap[item.currency] ?? item.currency }));
    else if (statusMismatch.includes(item)) lines.push(line(item, { status: "failed" }));
    else if (duplicates.includes(item)) lines.push(line(item), line(item));
    else lines.push(line(item));
  }
  let settlement: SampleManifest["settlement"] = null;
  if (settled.length === 3 && settlementCurrency) {
    const total = settled.reduce((sum, item) => sum + toMinorUnits(parseAmount(item.amount, item.currency), item.currency), 0n);
    settlement = { reference: `${prefix}-SETTLE-1`, covers: settled.map((item) => item.reference) };
    lines.push({
      reference: settlement.reference,
      kind: "settlement",
      status: "paid",
      amount: formatAmount(fromMinorUnits(total, settlementCurrency), settlementCurrency),
      currency: settlementCurrency,
      bookedOn: settled[0]?.occurredOn ?? from,
      covers: settlement.covers,
      description: "Settlement batch",
    });
  }
  const middle = candidates[0]?.occurredOn ?? from;
  const fabricated: string[] = [];
  for (let index = 0; fabricated.length < inject; index += 1) {
    const amount = `${7 + index}.13`;
    if (freeKeys.has(key("EUR", amount))) continue;
    freeKeys.add(key("EUR", amount));
    const reference = `${prefix}-UNKNOWN-${fabricated.length + 1}`;
    fabricated.push(reference);
    lines.push({ reference, kind: "payment", status: "paid", amount, currency: "EUR", bookedOn: middle, covers: null, description: "Not in our ledger" });
  }
  lines.sort((a, b) => a.bookedOn.localeCompare(b.bookedOn) || a.reference.localeCompare(b.reference));

  const manifest: SampleManifest = {
    seed: options.seed,
    provider: options.provider,
    format: format.id,
    from,
    to,
    ledgerItems: items.length,
    lines: lines.length,
    injected: {
      missing_in_ledger: fabricated,
      missing_at_provider: missingAtProvider.map((item) => item.reference),
      amount_mismatch: amountMismatch.map((item) => item.reference),
      currency_mismatch: currencyMismatch.map((item) => item.reference),
      status_mismatch: statusMismatch.map((item) => item.reference),
      duplicate_at_provider: duplicates.map((item) => item.reference),
    },
    expected: {
      missing_in_ledger: inject,
      missing_at_provider: inject,
      amount_mismatch: inject,
      currency_mismatch: inject,
      status_mismatch: inject,
      duplicate_at_provider: inject,
    },
    settlement,
    amountDate: amountDate.map((item) => item.reference),
  };
  return { csv: writeStatementCsv(format, lines), manifest };
}

/** The lines as a file in `format`: its headers, delimiter, date and decimal spelling, and words. */
export function writeStatementCsv(format: StatementFormat, lines: Line[]): string {
  const kindWord = invert(format.kinds);
  const statusWord = invert(format.statuses);
  const h = format.headers;
  const fields = [h.reference, h.kind, h.status, h.amount, h.currency, h.bookedOn, h.covers, h.description];
  const data = lines.map((line) => [
    line.reference,
    kindWord[line.kind] ?? line.kind,
    statusWord[line.status] ?? line.status,
    format.decimal === "," ? line.amount.replace(".", ",") : line.amount,
    line.currency,
    format.dates === "iso" ? line.bookedOn : `${line.bookedOn.slice(8, 10)}.${line.bookedOn.slice(5, 7)}.${line.bookedOn.slice(0, 4)}`,
    line.covers ? line.covers.join(format.coversSeparator) : "",
    line.description,
  ]);
  return `${Papa.unparse({ fields, data }, { delimiter: format.delimiter, newline: "\n", escapeFormulae: true })}\n`;
}

function invert<V extends string>(record: Record<string, V>): Partial<Record<V, string>> {
  const out: Partial<Record<V, string>> = {};
  for (const [word, value] of Object.entries(record)) out[value] ??= word;
  return out;
}

function plusOneMinorUnit(amount: string, currency: string): string {
  return formatAmount(fromMinorUnits(toMinorUnits(parseAmount(amount, currency), currency) + 1n, currency), currency);
}

function trimZeros(text: string): string {
  return text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
}

function shuffle<T>(items: T[], random: () => number): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}
