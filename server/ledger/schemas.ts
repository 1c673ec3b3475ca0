import Decimal from "decimal.js";
import { z } from "zod";
import { amountString, currencyCodeString } from "../money";
import { transactionKinds } from "./types";

export const ledgerPageSizeMax = 200;

const cursor = z.strictObject({ at: z.iso.datetime({ offset: true }), id: z.uuid() });

export const searchTransactionsInput = z.strictObject({
  /** Exact match on transaction id, idempotency key, external reference, correlation id, customer id or email. */
  q: z.string().trim().min(1).max(200).optional(),
  accountId: z.uuid().optional(),
  customerId: z.uuid().optional(),
  kind: z.enum(transactionKinds).optional(),
  currency: currencyCodeString.optional(),
  amountMin: amountString.optional(),
  amountMax: amountString.optional(),
  dateField: z.enum(["occurred", "booked"]).default("occurred"),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  /** key=value; matches transactions whose metadata holds exactly that pair. */
  metadata: z
    .string()
    .max(200)
    .regex(/^[^=\s][^=]{0,99}=.{1,100}$/, "must be key=value")
    .optional(),
  sort: z.enum(["desc", "asc"]).default("desc"),
  cursor: cursor.optional(),
  limit: z.number().int().min(1).max(ledgerPageSizeMax).default(50),
});
export type SearchTransactionsInput = z.infer<typeof searchTransactionsInput>;

/** A Decimal (revived from the wire by the transformer): money is never a number in an output. */
const decimal = z.custom<Decimal>((value) => Decimal.isDecimal(value), "must be a decimal amount");

export const transactionRow = z.object({
  id: z.uuid(),
  kind: z.enum(transactionKinds),
  amount: decimal.nullable(),
  currency: z.string().nullable(),
  externalReference: z.string().nullable(),
  correlationId: z.string().nullable(),
  idempotencyKey: z.string(),
  initiatorType: z.enum(["staff", "service"]),
  initiatedBy: z.string(),
  occurredAt: z.date(),
  bookedAt: z.date(),
  reversesTransactionId: z.uuid().nullable(),
});
export type TransactionRow = z.infer<typeof transactionRow>;

export const transactionPage = z.object({
  items: z.array(transactionRow),
  nextCursor: cursor.nullable(),
  /** What the search box matched, so the page can say "matched customer …". */
  matched: z.enum(["transaction", "customer", "none"]).nullable(),
});

export const getTransactionInput = z.strictObject({ id: z.uuid() });

export const transactionDetail = transactionRow.extend({
  description: z.string().nullable(),
  valueDate: z.string(),
  metadata: z.record(z.string(), z.string()),
  initiatorName: z.string().nullable(),
  entries: z.array(
    z.object({
      id: z.number().int(),
      accountId: z.uuid(),
      accountCode: z.string(),
      accountName: z.string(),
      accountType: z.enum(["asset", "liability", "equity", "income", "expense"]),
      customerId: z.uuid().nullable(),
      currency: z.string(),
      amount: decimal,
      balanceBefore: decimal,
      balanceAfter: decimal,
      accountSeq: z.number().int(),
    }),
  ),
  reversedBy: z.object({ id: z.uuid(), kind: z.enum(transactionKinds) }).nullable(),
  reverses: z.object({ id: z.uuid(), kind: z.enum(transactionKinds) }).nullable(),
  auditSeqs: z.array(z.number().int()),
  outboxEvents: z.array(z.object({ id: z.uuid(), type: z.string(), status: z.string(), createdAt: z.date() })),
});

export const getAccountInput = z.strictObject({ id: z.uuid() });

export const accountView = z.object({
  id: z.uuid(),
  code: z.string(),
  name: z.string(),
  type: z.enum(["asset", "liability", "equity", "income", "expense"]),
  purpose: z.string(),
  currency: z.string(),
  status: z.enum(["open", "frozen", "closed"]),
  customerId: z.uuid().nullable(),
  cachedBalance: decimal,
  derivedBalance: decimal,
  entryCount: z.number().int(),
  balancesAgree: z.boolean(),
});

export const statementInput = z.strictObject({
  accountId: z.uuid(),
  /** Keyset cursor: entries with account_seq below this one (newest first). */
  beforeSeq: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(ledgerPageSizeMax).default(50),
});

export const statementPage = z.object({
  items: z.array(
    z.object({
      entryId: z.number().int(),
      accountSeq: z.number().int(),
      transactionId: z.uuid(),
      kind: z.enum(transactionKinds),
      externalReference: z.string().nullable(),
      bookedAt: z.date(),
      occurredAt: z.date(),
      /** On the account's normal side: positive raises the balance. */
      change: decimal,
      balanceAfter: decimal,
    }),
  ),
  nextBeforeSeq: z.number().int().nullable(),
});

export const balanceAsOfInput = z.strictObject({ accountId: z.uuid(), at: z.iso.datetime({ offset: true }) });
export const balanceAsOfOutput = z.object({ at: z.date(), balance: decimal, entryCount: z.number().int(), lastEntryAt: z.date().nullable() });
