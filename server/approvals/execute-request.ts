import { sql } from "drizzle-orm";
import type { Transaction } from "@/db/client";
import { approvalPolicies, type approvalRequests } from "@/db/schema";
import { systemAccount } from "../ledger/open-account";
import { postTransaction } from "../ledger/post-transaction";
import { MoneyDecimal } from "../money";
import { resolveExceptionByAdjustment } from "../recon/resolve-exception-by-adjustment";
import type { AuditScope } from "../audit/audit-scope";
import { applyThresholdChange } from "../monitoring/threshold-change";
import { policyDocumentSchema } from "./policy";

type Request = typeof approvalRequests.$inferSelect;

/**
 * Executes exactly what was approved: the stored payload, never the caller's input. An adjustment
 * posts the adjustments account against the customer account with the request id in the
 * idempotency key (a unique index), so one request can never post twice.
 */
export async function executeRequest(tx: Transaction, request: Request, audit?: AuditScope): Promise<string> {
  if (request.kind === "adjustment") return executeAdjustment(tx, request, audit);
  if (request.kind === "monitor_threshold") return applyThresholdChange(tx, request);
  return executePolicyChange(tx, request);
}

async function executeAdjustment(tx: Transaction, request: Request, audit: AuditScope | undefined): Promise<string> {
  const payload = request.payload as { accountId: string; direction: "credit" | "debit"; amount: string; currency: string; reasonCode: string; ticketRef: string; reconExceptionId?: string | null };
  const amount = new MoneyDecimal(payload.amount);
  const adjustments = await systemAccount(tx, "adjustments", payload.currency);
  // A credit to the customer: debit the adjustments expense, credit the customer's liability account.
  const customerLeg = payload.direction === "credit" ? amount.negated() : amount;
  const result = await postTransaction(tx, {
    idempotencyKey: `approval-request:${request.id}`,
    kind: "adjustment",
    initiator: { type: "staff", id: request.makerId },
    occurredAt: new Date(),
    externalReference: payload.ticketRef,
    description: `Manual adjustment (${payload.reasonCode}), approval request ${request.id}`,
    metadata: { approvalRequestId: request.id, reasonCode: payload.reasonCode, ticketRef: payload.ticketRef },
    entries: [
      { accountId: adjustments.id, amount: customerLeg.negated() },
      { accountId: payload.accountId, amount: customerLeg },
    ],
  });
  // An adjustment raised from a reconciliation exception resolves it in this same transaction.
  if (payload.reconExceptionId) {
    const resolved = await resolveExceptionByAdjustment(tx, { exceptionId: payload.reconExceptionId, approvalRequestId: request.id, transactionId: result.transactionId });
    audit?.record({
      action: "recon.exception_resolved",
      outcome: resolved ? "success" : "failed",
      target: { type: "recon_exception", id: payload.reconExceptionId },
      // Not resolved: the exception was already resolved, or this request is not the one it links.
      details: { approvalRequestId: request.id, transactionId: result.transactionId, resolution: "adjusted", resolved },
    });
  }
  return result.transactionId;
}

/** Activates the approved policy document as the next version; versions are numbered under a lock. */
async function executePolicyChange(tx: Transaction, request: Request): Promise<string> {
  const payload = request.payload as { policy: unknown };
  const policy = policyDocumentSchema.parse(payload.policy);
  await tx.execute(sql`select pg_advisory_xact_lock(7243200)`);
  const [row] = await tx.execute<{ next: number }>(sql`select coalesce(max(version), 0)::int + 1 as next from approval_policies`);
  const version = row?.next ?? 1;
  await tx.insert(approvalPolicies).values({ version, rules: policy.rules, dailyCaps: policy.dailyCaps, expiryHours: policy.expiryHours, createdBy: request.makerId, requestId: request.id });
  return String(version);
}
