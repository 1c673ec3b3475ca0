import { and, eq, ne } from "drizzle-orm";
import type { Transaction } from "@/db/client";
import { approvalRequests, reconExceptions } from "@/db/schema";
import type { AuditScope } from "../audit/audit-scope";
import { DomainError } from "../errors";
import { appendNotes } from "./exception-notes";
import { lockException } from "./exception-queries";

/**
 * Moves an exception between open, investigating and explained. Explaining needs a comment (the
 * explanation); a resolved exception is final; while its ledger adjustment waits for approval,
 * the exception cannot be explained away.
 */
export async function setExceptionStatus(tx: Transaction, audit: AuditScope, actorId: string, input: { id: string; status: "open" | "investigating" | "explained"; comment?: string | undefined }) {
  audit.target("recon_exception", input.id);
  audit.details({ status: input.status, comment: input.comment ?? null });
  if (input.status === "explained" && !input.comment) throw new DomainError("VALIDATION", "An explanation needs a comment saying what explains the difference.", { field: "comment" });
  const exception = await lockException(tx, input.id);
  audit.details({ from: exception.status });
  if (exception.status === "resolved") throw new DomainError("CONFLICT", "This exception is resolved; its status can no longer change.", { field: "id" });
  if (exception.approvalRequestId && input.status === "explained") {
    const [request] = await tx.select({ status: approvalRequests.status }).from(approvalRequests).where(eq(approvalRequests.id, exception.approvalRequestId));
    if (request?.status === "pending") throw new DomainError("CONFLICT", "A ledger adjustment for this exception is waiting for approval; cancel it before explaining the difference.", { field: "status" });
  }
  if (exception.status === input.status && !input.comment) return { id: exception.id, status: exception.status, changed: false };
  const [updated] = await tx
    .update(reconExceptions)
    .set({ status: input.status, updatedAt: new Date() })
    .where(and(eq(reconExceptions.id, exception.id), ne(reconExceptions.status, "resolved")))
    .returning({ id: reconExceptions.id });
  if (!updated) throw new Error("a locked unresolved exception stays unresolved");
  const body = input.comment ? `Status ${exception.status} → ${input.status}: ${input.comment}` : `Status ${exception.status} → ${input.status}.`;
  await appendNotes(tx, [{ exceptionId: exception.id, authorId: actorId, kind: "status", body }]);
  return { id: exception.id, status: input.status, changed: exception.status !== input.status };
}
