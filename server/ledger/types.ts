import type Decimal from "decimal.js";

export const transactionKinds = ["deposit", "withdrawal", "bet", "win", "bonus", "rollback", "adjustment", "fee", "reversal"] as const;
export type TransactionKind = (typeof transactionKinds)[number];

export type AccountType = "asset" | "liability" | "equity" | "income" | "expense";

export interface Initiator {
  type: "staff" | "service";
  /** A staff id, or a service name such as "webhook-worker". */
  id: string;
}

/** One leg of a posting. Signed: a positive amount debits the account, a negative one credits it. */
export interface PostingEntry {
  accountId: string;
  amount: Decimal;
}

export interface PostingRequest {
  idempotencyKey: string;
  kind: TransactionKind;
  entries: PostingEntry[];
  initiator: Initiator;
  occurredAt: Date;
  /** YYYY-MM-DD; the UTC date of occurredAt when absent. */
  valueDate?: string;
  externalReference?: string | null;
  correlationId?: string | null;
  description?: string | null;
  metadata?: Record<string, string>;
  reversesTransactionId?: string | null;
}

export interface PostingResult {
  transactionId: string;
  /** True when the idempotency key had already been posted with this exact request. */
  replayed: boolean;
  bookedAt: Date;
}

/** Debit-normal accounts grow with debits; the others grow with credits. */
export function isDebitNormal(type: AccountType): boolean {
  return type === "asset" || type === "expense";
}
