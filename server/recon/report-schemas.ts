import { z } from "zod";
import { currencyCodeString } from "../money";

/** The classes a run reports, in the order the report shows them. */
export const differenceClasses = [
  "missing_in_ledger",
  "missing_at_provider",
  "amount_mismatch",
  "currency_mismatch",
  "status_mismatch",
  "duplicate_at_provider",
  "balance_mismatch",
  "trial_balance",
  "stuck_payment",
  "stuck_withdrawal",
] as const;
export type DifferenceClass = (typeof differenceClasses)[number];

export const differencePageSizeMax = 200;
export const chartDaysMax = 400;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD");
const shortText = (max: number) => z.string().trim().min(1).max(max);

export const runInput = z.strictObject({ runId: z.uuid() });

/** The drill-down's filters; the CSV export takes exactly these, so the file matches the screen. */
export const differenceFilter = z.strictObject({
  runId: z.uuid(),
  class: z.array(z.enum(differenceClasses)).min(1).max(differenceClasses.length).optional(),
  currency: currencyCodeString.optional(),
  provider: shortText(40).optional(),
  /** Occurred on or after this day. */
  from: day.optional(),
  /** Occurred on or before this day. */
  to: day.optional(),
  /** The provider's reference, exactly. */
  reference: shortText(200).optional(),
});
export type DifferenceFilter = z.infer<typeof differenceFilter>;

/** The keyset: the day the difference occurred on ("0001-01-01" for none) and its id. */
export const differenceCursor = z.strictObject({ at: day, id: z.uuid() });

export const differenceListInput = differenceFilter.extend({
  limit: z.number().int().min(1).max(differencePageSizeMax).default(50),
  cursor: differenceCursor.optional(),
});
export type DifferenceListInput = z.infer<typeof differenceListInput>;

export const runHeader = z.object({
  id: z.uuid(),
  scope: z.enum(["payments", "withdrawals", "ledger"]),
  mode: z.enum(["recorded", "dry_run"]),
  trigger: z.enum(["manual", "schedule"]),
  status: z.enum(["completed", "failed"]),
  provider: z.string().nullable(),
  parameters: z.record(z.string(), z.unknown()),
  importIds: z.array(z.uuid()),
  imports: z.array(z.object({ id: z.uuid(), fileName: z.string(), provider: z.string(), rowCount: z.number().int(), acceptedRows: z.number().int() })),
  windowFrom: z.date().nullable(),
  windowTo: z.date().nullable(),
  failureReason: z.string().nullable(),
  requestedBy: z.string(),
  startedAt: z.date(),
  finishedAt: z.date(),
});

const classFigure = z.object({
  class: z.enum(differenceClasses),
  /** Null for differences that are not about one currency (a trial balance across currencies). */
  currency: z.string().nullable(),
  count: z.number().int(),
  /** The sum of the absolute amounts at stake, a decimal string in the currency. */
  amount: z.string(),
});
export type ClassFigure = z.infer<typeof classFigure>;

export const reportSummary = z.object({
  runId: z.uuid(),
  /** Statement lines the run compared, and how many of them matched a ledger transaction. */
  lines: z.number().int().nullable(),
  matchedLines: z.number().int(),
  /** matchedLines / lines as a decimal string with four places ("0.9900"), null without lines. */
  matchedShare: z.string().nullable(),
  differences: z.number().int(),
  byClass: z.array(classFigure),
  /** Where the line counts came from: the run's stored summary, or counted now. */
  source: z.enum(["stored", "computed"]),
});
export type ReportSummary = z.infer<typeof reportSummary>;

export const chartOutput = z.object({
  days: z.array(z.object({ day: z.string(), class: z.enum(differenceClasses), count: z.number().int() })),
  truncated: z.boolean(),
});

export const differenceRow = z.object({
  id: z.uuid(),
  class: z.enum(differenceClasses),
  provider: z.string().nullable(),
  reference: z.string().nullable(),
  currency: z.string().nullable(),
  statementAmount: z.string().nullable(),
  ledgerAmount: z.string().nullable(),
  amount: z.string().nullable(),
  occurredOn: z.string().nullable(),
  transactionId: z.uuid().nullable(),
  accountId: z.uuid().nullable(),
  lineId: z.number().int().nullable(),
  exceptionId: z.uuid().nullable(),
  exceptionStatus: z.enum(["open", "investigating", "explained", "resolved"]).nullable(),
});
export type DifferenceRow = z.infer<typeof differenceRow>;

export const differencePage = z.object({ items: z.array(differenceRow), next: differenceCursor.nullable() });

export const facetsOutput = z.object({ currencies: z.array(z.string()), providers: z.array(z.string()) });
