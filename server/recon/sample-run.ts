import { createHash, randomUUID } from "node:crypto";
import { uuidv7 } from "uuidv7";
import type { Executor } from "@/db/client";
import { reconDifferences, reconExceptions, reconMatches, reconRuns, statementImports, statementLines } from "@/db/schema";
import { MoneyDecimal } from "../money";
import type { DifferenceClass } from "./report-schemas";

/**
 * A completed, recorded payments run with differences of every class and their open exceptions,
 * written straight into the tables the matching engine writes (runs and differences append-only,
 * exactly once). Tests, the demo and the benchmark use it; it is not a way to run reconciliation.
 */
export interface SampleRunOptions {
  /** A customer account the amount mismatch is about (what "Adjust the ledger" adjusts). */
  accountId: string;
  /** A ledger transaction the amount mismatch points at. */
  transactionId: string;
  /** The staff member who uploaded the statement. */
  uploadedBy: string;
  provider?: string;
  /** Statement lines that matched. */
  matchedLines?: number;
  /** Whether the run stores its line counts in `summary` (the engine does); false exercises counting. */
  storeLineCounts?: boolean;
  firstDay?: string;
}

export interface SampleDifference {
  class: DifferenceClass;
  currency: string | null;
  statementAmount: string | null;
  ledgerAmount: string | null;
  amount: string | null;
  reference: string | null;
  dayOffset: number;
  withLine: boolean;
  withAccount: boolean;
}

/** One difference of every class across two currencies and three days; the amount mismatch is EUR 10.00. */
export const sampleDifferences: SampleDifference[] = [
  { class: "amount_mismatch", currency: "EUR", statementAmount: "100.00", ledgerAmount: "90.00", amount: "10.00", reference: "PAY-AM-1", dayOffset: 0, withLine: true, withAccount: true },
  { class: "amount_mismatch", currency: "GBP", statementAmount: "55.50", ledgerAmount: "50.00", amount: "5.50", reference: "PAY-AM-2", dayOffset: 1, withLine: true, withAccount: false },
  { class: "missing_in_ledger", currency: "EUR", statementAmount: "42.00", ledgerAmount: null, amount: "42.00", reference: "PAY-ML-1", dayOffset: 0, withLine: true, withAccount: false },
  // A reference a spreadsheet would execute: the report shows it as text and the export escapes it.
  { class: "missing_in_ledger", currency: "EUR", statementAmount: "7.25", ledgerAmount: null, amount: "7.25", reference: '=HYPERLINK("http://evil.example/x","click")', dayOffset: 2, withLine: true, withAccount: false },
  { class: "missing_at_provider", currency: "EUR", statementAmount: null, ledgerAmount: "19.99", amount: "19.99", reference: "PAY-MP-1", dayOffset: 1, withLine: false, withAccount: false },
  { class: "currency_mismatch", currency: "GBP", statementAmount: "30.00", ledgerAmount: "30.00", amount: "30.00", reference: "PAY-CM-1", dayOffset: 2, withLine: true, withAccount: false },
  { class: "status_mismatch", currency: "EUR", statementAmount: "12.00", ledgerAmount: "12.00", amount: "12.00", reference: "PAY-SM-1", dayOffset: 0, withLine: true, withAccount: false },
  { class: "duplicate_at_provider", currency: "EUR", statementAmount: "15.00", ledgerAmount: "15.00", amount: "15.00", reference: "PAY-DP-1", dayOffset: 1, withLine: true, withAccount: false },
  { class: "balance_mismatch", currency: "EUR", statementAmount: "200.00", ledgerAmount: "199.00", amount: "1.00", reference: null, dayOffset: 2, withLine: false, withAccount: false },
  { class: "trial_balance", currency: null, statementAmount: null, ledgerAmount: null, amount: null, reference: null, dayOffset: 2, withLine: false, withAccount: false },
  { class: "stuck_payment", currency: "EUR", statementAmount: null, ledgerAmount: "80.00", amount: "80.00", reference: "PAY-ST-1", dayOffset: 0, withLine: false, withAccount: false },
  { class: "stuck_withdrawal", currency: "GBP", statementAmount: null, ledgerAmount: "64.00", amount: "64.00", reference: "WDR-ST-1", dayOffset: 1, withLine: false, withAccount: false },
];

const money = (value: string | null) => (value === null ? null : new MoneyDecimal(value));

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export async function insertSampleRun(tx: Executor, options: SampleRunOptions) {
  const provider = options.provider ?? "acmepay";
  const firstDay = options.firstDay ?? new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
  const matchedCount = options.matchedLines ?? 88;
  const withLines = sampleDifferences.filter((difference) => difference.withLine);
  const lineCount = matchedCount + withLines.length;
  // A token that keeps fingerprints and references unique when several sample runs share a database.
  const token = randomUUID().slice(0, 8);

  const importId = uuidv7();
  await tx.insert(statementImports).values({
    id: importId,
    provider,
    format: "acmepay-v1",
    fileName: `statement-${token}.csv`,
    contentHash: createHash("sha256").update(token).digest("hex"),
    byteSize: lineCount * 80,
    status: "accepted",
    rowCount: lineCount,
    acceptedRows: lineCount,
    rejectedRows: 0,
    periodFrom: firstDay,
    periodTo: addDays(firstDay, 2),
    uploadedBy: options.uploadedBy,
  });
  const lineValues = [
    ...Array.from({ length: matchedCount }, (_, index) => ({ reference: `PAY-OK-${token}-${index + 1}`, amount: "25.00", currency: "EUR", day: addDays(firstDay, index % 3) })),
    ...withLines.map((difference) => ({ reference: difference.reference ?? "", amount: difference.statementAmount ?? "0", currency: difference.currency ?? "EUR", day: addDays(firstDay, difference.dayOffset) })),
  ];
  const lines = await tx
    .insert(statementLines)
    .values(lineValues.map((line, index) => ({ importId, lineNo: index + 1, provider, reference: line.reference, kind: "payment" as const, status: "paid", amount: new MoneyDecimal(line.amount), currency: line.currency, bookedOn: line.day, description: null })))
    .returning({ id: statementLines.id, reference: statementLines.reference });

  const runId = uuidv7();
  const startedAt = new Date(Date.now() - 60_000);
  await tx.insert(reconRuns).values({
    id: runId,
    scope: "payments",
    mode: "recorded",
    trigger: "manual",
    status: "completed",
    provider,
    parameters: { amountTolerance: "0.00", dateToleranceDays: 2 },
    importIds: [importId],
    windowFrom: new Date(`${firstDay}T00:00:00Z`),
    windowTo: new Date(Date.parse(`${firstDay}T00:00:00Z`) + 3 * 86_400_000),
    summary: options.storeLineCounts === false ? {} : { statementLines: lineCount, matchedLines: matchedCount },
    requestedBy: options.uploadedBy,
    startedAt,
    finishedAt: new Date(),
  });
  if (matchedCount > 0) {
    await tx.insert(reconMatches).values(lines.slice(0, matchedCount).map((line) => ({ runId, lineId: line.id, transactionId: randomUUID(), method: "reference" as const })));
  }

  const differenceLines = new Map(lines.slice(matchedCount).map((line, index) => [withLines[index], line.id]));
  const rows = sampleDifferences.map((difference) => ({
    id: uuidv7(),
    runId,
    class: difference.class,
    fingerprint: `${difference.class}:${provider}:${difference.reference ?? "none"}:${token}`,
    provider,
    reference: difference.reference,
    lineId: differenceLines.get(difference) ?? null,
    transactionId: difference.withAccount ? options.transactionId : null,
    accountId: difference.withAccount ? options.accountId : null,
    currency: difference.currency,
    statementAmount: money(difference.statementAmount),
    ledgerAmount: money(difference.ledgerAmount),
    amount: money(difference.amount),
    occurredOn: addDays(firstDay, difference.dayOffset),
    details: {},
  }));
  await tx.insert(reconDifferences).values(rows);
  const exceptions = rows.map((row) => ({
    id: uuidv7(),
    fingerprint: row.fingerprint,
    class: row.class,
    differenceId: row.id,
    firstRunId: runId,
    lastRunId: runId,
    provider: row.provider,
    reference: row.reference,
    accountId: row.accountId,
    transactionId: row.transactionId,
    currency: row.currency,
    amount: row.amount,
  }));
  await tx.insert(reconExceptions).values(exceptions);
  const exceptionOf = (klass: DifferenceClass, currency?: string) => {
    const found = exceptions.find((row) => row.class === klass && (currency === undefined || row.currency === currency));
    if (!found) throw new Error(`the sample has a ${klass} exception`);
    return found.id;
  };
  return { runId, importId, lines: lineCount, matchedLines: matchedCount, differenceIds: rows.map((row) => row.id), exceptionIds: exceptions.map((row) => row.id), exceptionOf };
}
