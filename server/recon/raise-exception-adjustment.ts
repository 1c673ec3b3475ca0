import { and, eq, ne } from "drizzle-orm";
import type { Transaction } from "@/db/client";
import { approvalRequests, reconExceptions } from "@/db/schema";
import type { AuditScope } from "../audit/audit-scope";
import { createAdjustmentRequest } from "../approvals/create-adjustment-request";
import { DomainError } from "../errors";
import { adjustmentRefusal } from "./adjustment-plan";
import { appendNotes } from "./exception-notes";
import { lockException } from "./exception-queries";
import { amountText } from "./report-queries";

/**
 * "Adjust the ledger": raises a maker-checker adjustment prefilled from the exception (its
 * account, currency and the difference as the amount, reason reconciliation_fix) through the
 * approvals use case, and links it. Nothing posts here: the exception resolves only when a checker
 * approves and the adjustment executes. The exception row is locked first, so two concurrent
 * calls raise one request; the second finds the first one pending and is refused.
 */
export async function raiseExceptionAdjustment(tx: Transaction, audit: AuditScope, makerId: string, input: { id: string; direction: "credit" | "debit"; justification: string; ticketRef: string }) {
  audit.target("recon_exception", input.id);
  const exception = await lockException(tx, input.id);
  const linked = exception.approvalRequestId
    ? (await tx.select({ status: approvalRequests.status }).from(approvalRequests).where(eq(approvalRequests.id, exception.approvalRequestId)))[0]
    : undefined;
  const amount = amountText(exception.amount, exception.currency);
  const refusal = adjustmentRefusal({ ...exception, amount }, linked?.status ?? null);
  if (refusal !== null || !exception.accountId || !exception.currency || amount === null) {
    throw new DomainError("CONFLICT", `No adjustment can be raised: ${refusal ?? "the exception is incomplete."}`, { field: "id" });
  }

  const created = await createAdjustmentRequest(tx, audit, { staffId: makerId }, {
    accountId: exception.accountId,
    direction: input.direction,
    amount,
    currency: exception.currency,
    reasonCode: "reconciliation_fix",
    justification: input.justification,
    ticketRef: input.ticketRef,
    reconExceptionId: exception.id,
  });
  const [updated] = await tx
    .update(reconExceptions)
    .set({ approvalRequestId: created.requestId, status: "investigating", updatedAt: new Date() })
    .where(and(eq(reconExceptions.id, exception.id), ne(reconExceptions.status, "resolved")))
    .returning({ id: reconExceptions.id });
  if (!updated) throw new Error("a locked unresolved exception stays unresolved");
  await appendNotes(tx, [{
    exceptionId: exception.id,
    authorId: makerId,
    kind: "adjustment_raised",
    body: `Ledger adjustment raised for approval: ${input.direction} ${amount} ${exception.currency} (request ${created.requestId}). ${input.justification}`,
  }]);
  // The approvals trail shows the request like any other; the main record is about the exception.
  audit.record({ action: "adjustment.requested", target: { type: "approval_request", id: created.requestId }, details: { reconExceptionId: exception.id, payloadHash: created.payloadHash } });
  audit.target("recon_exception", exception.id);
  audit.details({ approvalRequestId: created.requestId, previousApprovalRequestId: exception.approvalRequestId, previousStatus: exception.status });
  return { id: exception.id, approvalRequestId: created.requestId, approvalsRequired: created.approvalsRequired, warnings: created.warnings };
}
