import { and, eq, ne } from "drizzle-orm";
import type { Transaction } from "@/db/client";
import { reconExceptions } from "@/db/schema";
import { appendNotes } from "./exception-notes";

/**
 * Called by the approvals executor, in the transaction that posts an adjustment raised from an
 * exception: the exception resolves with resolution "adjusted". The guard (still linked to this
 * request, not yet resolved) makes a second execution, or a request the exception no longer
 * points at, change nothing. Returns whether this call resolved it.
 */
export async function resolveExceptionByAdjustment(tx: Transaction, input: { exceptionId: string; approvalRequestId: string; transactionId: string }): Promise<boolean> {
  const now = new Date();
  const [resolved] = await tx
    .update(reconExceptions)
    .set({ status: "resolved", resolution: "adjusted", resolvedAt: now, updatedAt: now })
    .where(and(eq(reconExceptions.id, input.exceptionId), eq(reconExceptions.approvalRequestId, input.approvalRequestId), ne(reconExceptions.status, "resolved")))
    .returning({ id: reconExceptions.id });
  if (!resolved) return false;
  await appendNotes(tx, [{
    exceptionId: input.exceptionId,
    authorId: `approval-request:${input.approvalRequestId}`,
    kind: "resolved",
    body: `Resolved: the approved ledger adjustment executed as transaction ${input.transactionId}.`,
  }]);
  return true;
}
