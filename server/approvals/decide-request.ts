import { and, count, eq } from "drizzle-orm";
import { uuidv7 } from "uuidv7";
import type { Transaction } from "@/db/client";
import { approvalDecisions, approvalRequests } from "@/db/schema";
import type { AuditScope } from "../audit/audit-scope";
import type { Role } from "../auth/permissions";
import { DomainError } from "../errors";
import { executeRequest } from "./execute-request";
import { payloadHash } from "./payload";

export interface Checker {
  staffId: string;
  role: Role;
}

export interface Decision {
  requestId: string;
  payloadHash: string;
  decision: "approve" | "reject";
  comment?: string | undefined;
}

type Kind = "adjustment" | "policy_change" | "monitor_threshold";

/**
 * One checker's decision. The request row is locked first, so concurrent decisions on one request
 * run one at a time: exactly one reaches the final approval and executes, the others find the
 * request no longer pending. Every refusal names its reason; the database refuses the maker and a
 * stale hash again on its own. The final approval executes in a savepoint: if the posting is
 * refused (insufficient funds, a frozen account), the request ends as failed with the reason and
 * nothing of the posting remains.
 */
export async function decideRequest(tx: Transaction, audit: AuditScope, checker: Checker, input: Decision, kind: Kind) {
  const [request] = await tx.select().from(approvalRequests).where(eq(approvalRequests.id, input.requestId)).for("update");
  if (!request || request.kind !== kind) throw new DomainError("NOT_FOUND", "No such request.", { field: "requestId" });
  audit.target("approval_request", request.id);
  audit.details({ decision: input.decision });
  refuseIfNotAllowed(request, checker);
  const [earlier] = await tx.select({ id: approvalDecisions.id }).from(approvalDecisions).where(and(eq(approvalDecisions.requestId, request.id), eq(approvalDecisions.approverId, checker.staffId)));
  if (earlier) throw new DomainError("ALREADY_DECIDED", "You have already decided this request; a second checker must approve it.", { field: "requestId" });
  if (input.payloadHash !== request.payloadHash) {
    throw new DomainError("PAYLOAD_MISMATCH", "The request changed since you reviewed it; reload and review it again.", { field: "payloadHash" });
  }
  if (payloadHash(request.payload) !== request.payloadHash) {
    throw new DomainError("PAYLOAD_MISMATCH", "The stored request does not match its hash: it was altered after it was made. It cannot be approved.", { field: "payloadHash" });
  }
  if (input.decision === "reject" && !input.comment) throw new DomainError("VALIDATION", "A rejection needs a comment saying why.", { field: "comment" });

  await tx.insert(approvalDecisions).values({ id: uuidv7(), requestId: request.id, approverId: checker.staffId, decision: input.decision, comment: input.comment ?? null, payloadHash: request.payloadHash });
  if (input.decision === "reject") {
    await tx.update(approvalRequests).set({ status: "rejected", decidedAt: new Date() }).where(eq(approvalRequests.id, request.id));
    audit.details({ comment: input.comment });
    return { requestId: request.id, status: "rejected" as const, approvals: await approvalsOf(tx, request.id), approvalsRequired: request.approvalsRequired, resultRef: null, failureReason: null };
  }

  const approvals = await approvalsOf(tx, request.id);
  audit.details({ approvals: `${approvals} of ${request.approvalsRequired}`, comment: input.comment ?? null });
  if (approvals < request.approvalsRequired) {
    return { requestId: request.id, status: "pending" as const, approvals, approvalsRequired: request.approvalsRequired, resultRef: null, failureReason: null };
  }
  return execute(tx, audit, request, approvals);
}

function refuseIfNotAllowed(request: typeof approvalRequests.$inferSelect, checker: Checker): void {
  if (request.status !== "pending") throw new DomainError("NOT_PENDING", `This request is already ${request.status}.`, { field: "requestId" });
  if (request.expiresAt.getTime() <= Date.now()) throw new DomainError("REQUEST_EXPIRED", "This request has expired and can no longer be decided.", { field: "requestId" });
  if (request.makerId === checker.staffId) {
    throw new DomainError("SELF_APPROVAL_FORBIDDEN", "You made this request; someone else must decide it.", { field: "requestId" });
  }
  if (!request.approverRoles.includes(checker.role)) {
    throw new DomainError("ROLE_NOT_ALLOWED", `Under the policy that applies, only ${request.approverRoles.join(" or ")} may decide this request.`, { field: "requestId" });
  }
}

async function approvalsOf(tx: Transaction, requestId: string): Promise<number> {
  const [row] = await tx.select({ n: count() }).from(approvalDecisions).where(and(eq(approvalDecisions.requestId, requestId), eq(approvalDecisions.decision, "approve")));
  return row?.n ?? 0;
}

async function execute(tx: Transaction, audit: AuditScope, request: typeof approvalRequests.$inferSelect, approvals: number) {
  const executedAction = { adjustment: "adjustment.executed", policy_change: "policy.activated", monitor_threshold: "monitor.threshold_activated" }[request.kind];
  try {
    const resultRef = await tx.transaction((savepoint) => executeRequest(savepoint, request, audit));
    await tx.update(approvalRequests).set({ status: "executed", decidedAt: new Date(), resultRef }).where(eq(approvalRequests.id, request.id));
    audit.record({ action: executedAction, details: { requestId: request.id, resultRef, payloadHash: request.payloadHash } });
    return { requestId: request.id, status: "executed" as const, approvals, approvalsRequired: request.approvalsRequired, resultRef, failureReason: null };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    await tx.update(approvalRequests).set({ status: "failed", decidedAt: new Date(), failureReason: `${error.code}: ${error.message}` }).where(eq(approvalRequests.id, request.id));
    audit.record({ action: { adjustment: "adjustment.failed", policy_change: "policy.failed", monitor_threshold: "monitor.threshold_failed" }[request.kind], outcome: "failed", details: { requestId: request.id, error: error.code, message: error.message } });
    return { requestId: request.id, status: "failed" as const, approvals, approvalsRequired: request.approvalsRequired, resultRef: null, failureReason: error.message };
  }
}
