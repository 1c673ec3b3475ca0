import { and, asc, desc, eq, gte, lte, or, sql, type SQL } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { accounts, approvalDecisions, approvalPolicies, approvalRequests, auditDetails, auditEvents, staff } from "@/db/schema";
import type { Role } from "../auth/permissions";
import { DomainError } from "../errors";
import { parseAmount } from "../money";
import type { ListRequestsInput, RequestSummary } from "./schemas";

const approvalsCount = sql<number>`(select count(*)::int from approval_decisions d where d.request_id = ${approvalRequests.id} and d.decision = 'approve')`;

const summaryColumns = {
  id: approvalRequests.id,
  kind: approvalRequests.kind,
  status: approvalRequests.status,
  makerId: approvalRequests.makerId,
  makerName: staff.displayName,
  createdAt: approvalRequests.createdAt,
  expiresAt: approvalRequests.expiresAt,
  decidedAt: approvalRequests.decidedAt,
  approvalsRequired: approvalRequests.approvalsRequired,
  approvals: approvalsCount,
  accountId: approvalRequests.accountId,
  accountCode: accounts.code,
  accountName: accounts.name,
  currency: approvalRequests.currency,
  amount: approvalRequests.amount,
  direction: approvalRequests.direction,
  reasonCode: approvalRequests.reasonCode,
  payloadHash: approvalRequests.payloadHash,
  failureReason: approvalRequests.failureReason,
  resultRef: approvalRequests.resultRef,
};

/** A pending request past its expiry reads as expired even before the worker's sweep records it. */
function effective<T extends { status: RequestSummary["status"]; expiresAt: Date }>(row: T): T {
  return row.status === "pending" && row.expiresAt.getTime() <= Date.now() ? { ...row, status: "expired" } : row;
}

function waitingFor(viewer: { staffId: string; role: Role }): SQL[] {
  return [
    eq(approvalRequests.status, "pending"),
    sql`${approvalRequests.expiresAt} > now()`,
    sql`${approvalRequests.makerId} <> ${viewer.staffId}`,
    sql`${viewer.role} = any(${approvalRequests.approverRoles})`,
    sql`not exists (select 1 from approval_decisions d where d.request_id = ${approvalRequests.id} and d.approver_id = ${viewer.staffId})`,
  ];
}

export async function listRequests(db: Executor, viewer: { staffId: string; role: Role }, input: ListRequestsInput) {
  const filters: SQL[] = [];
  if (input.queue === "waiting") filters.push(...waitingFor(viewer));
  if (input.queue === "mine") filters.push(eq(approvalRequests.makerId, viewer.staffId));
  if (input.kind) filters.push(eq(approvalRequests.kind, input.kind));
  if (input.status === "expired") filters.push(or(eq(approvalRequests.status, "expired"), and(eq(approvalRequests.status, "pending"), sql`${approvalRequests.expiresAt} <= now()`)) as SQL);
  else if (input.status === "pending") filters.push(eq(approvalRequests.status, "pending"), sql`${approvalRequests.expiresAt} > now()`);
  else if (input.status) filters.push(eq(approvalRequests.status, input.status));
  if (input.reasonCode) filters.push(eq(approvalRequests.reasonCode, input.reasonCode));
  if (input.currency) filters.push(eq(approvalRequests.currency, input.currency));
  const amountCurrency = input.currency ?? "BTC";
  if (input.amountMin) filters.push(gte(approvalRequests.amount, parseAmount(input.amountMin, amountCurrency, { field: "amountMin", allowZero: true })));
  if (input.amountMax) filters.push(lte(approvalRequests.amount, parseAmount(input.amountMax, amountCurrency, { field: "amountMax", allowZero: true })));
  if (input.makerId) filters.push(eq(approvalRequests.makerId, input.makerId));
  if (input.accountId) filters.push(eq(approvalRequests.accountId, input.accountId));
  if (input.olderThanHours) filters.push(sql`${approvalRequests.createdAt} < now() - make_interval(hours => ${input.olderThanHours})`);
  if (input.beforeCreatedAt && input.beforeId) {
    filters.push(sql`(${approvalRequests.createdAt}, ${approvalRequests.id}) < (${new Date(input.beforeCreatedAt).toISOString()}::timestamptz, ${input.beforeId}::uuid)`);
  }
  const rows = await db
    .select(summaryColumns)
    .from(approvalRequests)
    .innerJoin(staff, eq(staff.id, approvalRequests.makerId))
    .leftJoin(accounts, eq(accounts.id, approvalRequests.accountId))
    .where(and(...filters))
    .orderBy(desc(approvalRequests.createdAt), desc(approvalRequests.id))
    .limit(input.limit + 1);
  const items = rows.slice(0, input.limit).map(effective);
  const last = items[items.length - 1];
  return { items, next: rows.length > input.limit && last ? { beforeCreatedAt: last.createdAt.toISOString(), beforeId: last.id } : null };
}

export async function countRequests(db: Executor, viewer: { staffId: string; role: Role }) {
  const [waiting] = await db.select({ n: sql<number>`count(*)::int` }).from(approvalRequests).where(and(...waitingFor(viewer)));
  const [mine] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(approvalRequests)
    .where(and(eq(approvalRequests.makerId, viewer.staffId), eq(approvalRequests.status, "pending"), sql`${approvalRequests.expiresAt} > now()`));
  return { waitingForMe: waiting?.n ?? 0, myPending: mine?.n ?? 0 };
}

export async function getRequest(db: Executor, id: string) {
  const [row] = await db
    .select({ ...summaryColumns, payload: approvalRequests.payload, policyVersion: approvalRequests.policyVersion, policyRule: approvalRequests.policyRule, approverRoles: approvalRequests.approverRoles, balanceAtRequest: approvalRequests.balanceAtRequest, reconExceptionId: approvalRequests.reconExceptionId })
    .from(approvalRequests)
    .innerJoin(staff, eq(staff.id, approvalRequests.makerId))
    .leftJoin(accounts, eq(accounts.id, approvalRequests.accountId))
    .where(eq(approvalRequests.id, id));
  if (!row) throw new DomainError("NOT_FOUND", "No such request.", { field: "id" });
  const decisions = await db
    .select({ approverId: approvalDecisions.approverId, approverName: staff.displayName, decision: approvalDecisions.decision, comment: approvalDecisions.comment, createdAt: approvalDecisions.createdAt, payloadHash: approvalDecisions.payloadHash })
    .from(approvalDecisions)
    .innerJoin(staff, eq(staff.id, approvalDecisions.approverId))
    .where(eq(approvalDecisions.requestId, id))
    .orderBy(asc(approvalDecisions.createdAt));
  const [policy] = await db.select({ rules: approvalPolicies.rules }).from(approvalPolicies).where(eq(approvalPolicies.version, row.policyVersion));
  const rule = (policy?.rules as { id: string; description: string }[] | undefined)?.find((candidate) => candidate.id === row.policyRule);
  const timeline = await db
    .select({ seq: auditEvents.seq, occurredAt: auditEvents.occurredAt, action: auditEvents.action, outcome: auditEvents.outcome, actorId: auditEvents.actorId, actorName: staff.displayName, details: auditDetails })
    .from(auditEvents)
    .leftJoin(staff, sql`${staff.id}::text = ${auditEvents.actorId}`)
    .where(and(eq(auditEvents.targetType, "approval_request"), eq(auditEvents.targetId, id)))
    .orderBy(asc(auditEvents.seq))
    .limit(200);
  return { ...effective(row), decisions, policyRuleDescription: rule?.description ?? row.policyRule, timeline };
}

