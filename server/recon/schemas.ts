import { z } from "zod";
import { amountPattern } from "../money";
import { statementProviders } from "./formats";

export const reconScopes = ["payments", "withdrawals", "ledger"] as const;
export type ReconScope = (typeof reconScopes)[number];
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

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date written YYYY-MM-DD");

/** What a run compares and how tolerant it is. Defaults come from the environment (server/env.ts). */
export const runParametersInput = z.strictObject({
  scope: z.enum(reconScopes),
  /** One provider, or every provider when absent. */
  provider: z.enum(statementProviders as [string, ...string[]]).optional(),
  /** The statements to compare; default: the accepted imports of the provider(s) over the last windowDays. */
  importIds: z.array(z.uuid()).max(50).optional(),
  /** The ledger window (booked dates, inclusive); default: the chosen statements' period. */
  from: isoDate.optional(),
  to: isoDate.optional(),
  /** How many days a statement date may be from the ledger date for an amount + currency match. */
  dateWindowDays: z.number().int().min(0).max(31).optional(),
  /** The largest amount difference still counted as a match (in the currency's units), e.g. "0.01". */
  amountTolerance: z.string().regex(amountPattern, "must be a plain decimal such as 0.01").refine((value) => !value.startsWith("-"), "must not be negative").optional(),
  stuckPaymentMinutes: z.number().int().min(1).max(7 * 24 * 60).optional(),
  stuckWithdrawalMinutes: z.number().int().min(1).max(30 * 24 * 60).optional(),
  /** Cached balances against their entries and the trial balance per currency; default only for the ledger scope. */
  ledgerChecks: z.boolean().optional(),
});
export type RunParametersInput = z.infer<typeof runParametersInput>;

export const startRunInput = runParametersInput.extend({ idempotencyKey: z.string().regex(/^[A-Za-z0-9_.:-]{8,100}$/) });
export const dryRunInput = runParametersInput;

export const idInput = z.strictObject({ id: z.uuid() });
export const compareInput = z.strictObject({ a: z.uuid(), b: z.uuid() });
export const listRunsInput = z
  .strictObject({
    scope: z.enum(reconScopes).optional(),
    limit: z.number().int().min(1).max(100).default(50),
    /** finishedAt of the last row seen, and its id. */
    cursor: z.strictObject({ at: z.string().datetime({ offset: true }), id: z.uuid() }).optional(),
  })
  .optional();
export const listImportsInput = z
  .strictObject({
    provider: z.enum(statementProviders as [string, ...string[]]).optional(),
    limit: z.number().int().min(1).max(100).default(50),
    cursor: z.strictObject({ at: z.string().datetime({ offset: true }), id: z.uuid() }).optional(),
  })
  .optional();
