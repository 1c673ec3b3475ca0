import { eq } from "drizzle-orm";
import type { Transaction } from "@/db/client";
import { ledgerEntries, ledgerTransactions } from "@/db/schema";
import { DomainError } from "../errors";
import { postTransaction } from "./post-transaction";
import type { Initiator, PostingResult } from "./types";

export interface ReversalRequest {
  transactionId: string;
  idempotencyKey: string;
  initiator: Initiator;
  /** "reversal" for a correction; "rollback" when a provider cancels a bet. */
  kind?: "reversal" | "rollback";
  reason: string;
  correlationId?: string | null;
  externalReference?: string | null;
  occurredAt?: Date;
}

/**
 * Corrects a transaction the only way the ledger allows: a new transaction with every entry
 * negated, referencing the original. A unique constraint makes a second correction impossible,
 * even when two arrive at once; a correction is itself never corrected.
 */
export async function reverseTransaction(tx: Transaction, request: ReversalRequest): Promise<PostingResult> {
  const [original] = await tx.select().from(ledgerTransactions).where(eq(ledgerTransactions.id, request.transactionId));
  if (!original) throw new DomainError("NOT_FOUND", "No such transaction.", { field: "transactionId" });
  if (original.kind === "reversal" || original.kind === "rollback") {
    throw new DomainError("NOT_REVERSIBLE", "A reversal or rollback is not reversed; post a new transaction instead.", { field: "transactionId" });
  }
  const entries = await tx.select().from(ledgerEntries).where(eq(ledgerEntries.transactionId, original.id)).orderBy(ledgerEntries.id);
  return postTransaction(tx, {
    idempotencyKey: request.idempotencyKey,
    kind: request.kind ?? "reversal",
    entries: entries.map((entry) => ({ accountId: entry.accountId, amount: entry.amount.negated() })),
    initiator: request.initiator,
    occurredAt: request.occurredAt ?? new Date(),
    externalReference: request.externalReference ?? original.externalReference,
    correlationId: request.correlationId ?? original.correlationId,
    description: request.reason,
    metadata: { reason: request.reason.slice(0, 200) },
    reversesTransactionId: original.id,
  });
}
