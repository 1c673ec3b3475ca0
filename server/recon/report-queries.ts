import { and, asc, desc, eq, gt, gte, inArray, lte, or, sql, type SQL } from "drizzle-orm";
import type Decimal from "decimal.js";
import { z } from "zod";
import type { Executor } from "@/db/client";
import { reconDifferences, reconExceptions, reconRuns, statementImports } from "@/db/schema";
import { DomainError } from "../errors";
import { findCurrency, formatAmount, MoneyDecimal } from "../money";
import { chartDaysMax, type ClassFigure, type DifferenceClass, type DifferenceFilter, type DifferenceListInput, type DifferenceRow, type ReportSummary } from "./report-schemas";

/** The day a difference without a date sorts under in the keyset. */
const noDay = "0001-01-01";

/** An amount as the wire carries it: canonical for its currency, or as stored when the currency is unknown. */
export function amountText(value: Decimal | null, currency: string | null): string | null {
  if (value === null) return null;
  if (currency && findCurrency(currency)) return formatAmount(value, currency);
  return new MoneyDecimal(value).toFixed();
}

export async function findRun(db: Executor, runId: string) {
  const [run] = await db.select().from(reconRuns).where(eq(reconRuns.id, runId));
  if (!run) throw new DomainError("NOT_FOUND", "No reconciliation run with this id.", { field: "runId" });
  return run;
}

/** The run's header: what it compared, how, and with which parameters. */
export async function runHeaderOf(db: Executor, runId: string) {
  const run = await findRun(db, runId);
  const imports = run.importIds.length
    ? await db
        .select({ id: statementImports.id, fileName: statementImports.fileName, provider: statementImports.provider, rowCount: statementImports.rowCount, acceptedRows: statementImports.acceptedRows })
        .from(statementImports)
        .where(inArray(statementImports.id, run.importIds))
    : [];
  return {
    id: run.id,
    scope: run.scope,
    mode: run.mode,
    trigger: run.trigger,
    status: run.status,
    provider: run.provider,
    parameters: run.parameters,
    importIds: run.importIds,
    imports,
    windowFrom: run.windowFrom,
    windowTo: run.windowTo,
    failureReason: run.failureReason,
    requestedBy: run.requestedBy,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
  };
}

/**
 * The line counts a run stores in its summary (RunSummary in run-reconciliation.ts); anything else
 * there is ignored by the report.
 */
const storedLineCounts = z
  .object({ statementLines: z.number().int().nonnegative(), matchedLines: z.number().int().nonnegative() })
  .transform((counts) => ({ lines: counts.statementLines, matchedLines: counts.matchedLines }));

/**
 * The report's summary. Line counts come from the run's stored summary when it has them (a run
 * over a million lines writes them once); otherwise they are counted. Figures per class and
 * currency are always aggregated from the differences through recon_differences_run_class_idx:
 * differences are a small share of the lines, so this stays well under a second.
 */
export async function reportSummaryOf(db: Executor, runId: string): Promise<ReportSummary> {
  const run = await findRun(db, runId);
  const rows = await db
    .select({ class: reconDifferences.class, currency: reconDifferences.currency, count: sql<number>`count(*)::int`, amount: sql<string>`coalesce(sum(${reconDifferences.amount}), 0)::text` })
    .from(reconDifferences)
    .where(eq(reconDifferences.runId, runId))
    .groupBy(reconDifferences.class, reconDifferences.currency)
    .orderBy(reconDifferences.class, reconDifferences.currency);
  const byClass: ClassFigure[] = rows.map((row) => ({ class: row.class, currency: row.currency, count: row.count, amount: amountText(new MoneyDecimal(row.amount), row.currency) ?? "0" }));
  const stored = storedLineCounts.safeParse(run.summary);
  const counts = stored.success ? { ...stored.data, source: "stored" as const } : { ...(await countLines(db, run.id, run.importIds)), source: "computed" as const };
  const matchedShare = counts.lines && counts.lines > 0 ? new MoneyDecimal(counts.matchedLines).dividedBy(counts.lines).toFixed(4, MoneyDecimal.ROUND_DOWN) : null;
  return { runId, lines: counts.lines, matchedLines: counts.matchedLines, matchedShare, differences: byClass.reduce((sum, figure) => sum + figure.count, 0), byClass, source: counts.source };
}

async function countLines(db: Executor, runId: string, importIds: string[]): Promise<{ lines: number | null; matchedLines: number }> {
  if (importIds.length === 0) return { lines: null, matchedLines: 0 };
  const [lines] = await db
    .select({ n: sql<number>`coalesce(sum(${statementImports.acceptedRows}), 0)::int` })
    .from(statementImports)
    .where(inArray(statementImports.id, importIds));
  const [matched] = await db.execute<{ n: number }>(sql`select count(distinct line_id)::int as n from recon_matches where run_id = ${runId}`);
  return { lines: lines?.n ?? 0, matchedLines: matched?.n ?? 0 };
}

/** Differences per day and class, for the chart; at most chartDaysMax days, the earliest first. */
export async function differencesByDay(db: Executor, runId: string) {
  await findRun(db, runId);
  const rows = await db.execute<{ day: string; class: DifferenceClass; count: number }>(sql`
    select occurred_on::text as day, class, count(*)::int as count
      from recon_differences
     where run_id = ${runId} and occurred_on is not null
     group by occurred_on, class
     order by occurred_on, class`);
  const days = [...rows];
  const distinctDays = [...new Set(days.map((row) => row.day))];
  const kept = new Set(distinctDays.slice(0, chartDaysMax));
  return { days: days.filter((row) => kept.has(row.day)), truncated: distinctDays.length > chartDaysMax };
}

const dayKey = sql<string>`coalesce(${reconDifferences.occurredOn}, ${noDay}::date)`;

/** The WHERE clause of the drill-down; the CSV export uses the same one. */
export function differenceClauses(filter: DifferenceFilter): SQL[] {
  const clauses: SQL[] = [eq(reconDifferences.runId, filter.runId)];
  if (filter.class) clauses.push(inArray(reconDifferences.class, filter.class));
  if (filter.currency) clauses.push(eq(reconDifferences.currency, filter.currency));
  if (filter.provider) clauses.push(eq(reconDifferences.provider, filter.provider));
  if (filter.reference) clauses.push(eq(reconDifferences.reference, filter.reference));
  if (filter.from) clauses.push(gte(reconDifferences.occurredOn, filter.from));
  if (filter.to) clauses.push(lte(reconDifferences.occurredOn, filter.to));
  if (filter.from && filter.to && filter.from > filter.to) throw new DomainError("VALIDATION", "from must be on or before to.", { field: "from" });
  return clauses;
}

/**
 * The exception that works each difference: the open one with its fingerprint (through the partial
 * unique index, whose predicate is written as the same literal so the planner can use it), else
 * the latest resolved one. Looked up for one page at a time, never for the whole run.
 */
async function exceptionsOf(db: Executor, fingerprints: string[]): Promise<Map<string, { id: string; status: NonNullable<DifferenceRow["exceptionStatus"]> }>> {
  const found = new Map<string, { id: string; status: NonNullable<DifferenceRow["exceptionStatus"]> }>();
  if (fingerprints.length === 0) return found;
  const open = await db
    .select({ id: reconExceptions.id, fingerprint: reconExceptions.fingerprint, status: reconExceptions.status })
    .from(reconExceptions)
    .where(and(inArray(reconExceptions.fingerprint, fingerprints), sql`${reconExceptions.status} <> 'resolved'`));
  for (const row of open) found.set(row.fingerprint, row);
  const rest = fingerprints.filter((fingerprint) => !found.has(fingerprint));
  if (rest.length === 0) return found;
  const resolved = await db
    .selectDistinctOn([reconExceptions.fingerprint], { id: reconExceptions.id, fingerprint: reconExceptions.fingerprint, status: reconExceptions.status })
    .from(reconExceptions)
    .where(and(sql`${reconExceptions.status} = 'resolved'`, inArray(reconExceptions.fingerprint, rest)))
    .orderBy(reconExceptions.fingerprint, desc(reconExceptions.openedAt));
  for (const row of resolved) found.set(row.fingerprint, row);
  return found;
}

/** One page of differences, earliest day first, keyset-paginated on (day, id). */
export async function listDifferences(db: Executor, input: DifferenceListInput): Promise<{ items: DifferenceRow[]; next: { at: string; id: string } | null }> {
  const clauses = differenceClauses(input);
  if (input.cursor) {
    const at = sql`${input.cursor.at}::date`;
    clauses.push(or(gt(dayKey, at), and(eq(dayKey, at), gt(reconDifferences.id, input.cursor.id))) as SQL);
  }
  const rows = await db
    .select({
      id: reconDifferences.id,
      class: reconDifferences.class,
      provider: reconDifferences.provider,
      reference: reconDifferences.reference,
      currency: reconDifferences.currency,
      statementAmount: reconDifferences.statementAmount,
      ledgerAmount: reconDifferences.ledgerAmount,
      amount: reconDifferences.amount,
      occurredOn: reconDifferences.occurredOn,
      transactionId: reconDifferences.transactionId,
      accountId: reconDifferences.accountId,
      lineId: reconDifferences.lineId,
      fingerprint: reconDifferences.fingerprint,
      day: sql<string>`${dayKey}::text`,
    })
    .from(reconDifferences)
    .where(and(...clauses))
    .orderBy(asc(dayKey), asc(reconDifferences.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  const exceptions = await exceptionsOf(db, [...new Set(page.map((row) => row.fingerprint))]);
  return {
    items: page.map((row) => ({
      id: row.id,
      class: row.class,
      provider: row.provider,
      reference: row.reference,
      currency: row.currency,
      statementAmount: amountText(row.statementAmount, row.currency),
      ledgerAmount: amountText(row.ledgerAmount, row.currency),
      amount: amountText(row.amount, row.currency),
      occurredOn: row.occurredOn,
      transactionId: row.transactionId,
      accountId: row.accountId,
      lineId: row.lineId,
      exceptionId: exceptions.get(row.fingerprint)?.id ?? null,
      exceptionStatus: exceptions.get(row.fingerprint)?.status ?? null,
    })),
    next: rows.length > input.limit && last ? { at: last.day, id: last.id } : null,
  };
}

/** The currencies and providers a run's differences mention, for the filters. */
export async function differenceFacets(db: Executor, runId: string) {
  const rows = await db.execute<{ facet: string; value: string }>(sql`
    select distinct facet, value from recon_differences,
      lateral (values ('currency', currency::text), ('provider', provider)) as f(facet, value)
     where run_id = ${runId} and value is not null
     order by facet, value limit 200`);
  const of = (facet: string) => [...rows].filter((row) => row.facet === facet).map((row) => row.value);
  return { currencies: of("currency"), providers: of("provider") };
}
