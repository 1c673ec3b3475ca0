import { and, eq } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { accountBalances, approvalPolicies, monitorThresholds } from "@/db/schema";
import { can, type Role } from "../auth/permissions";
import { DomainError } from "../errors";
import { thresholdChangeRuleDescription } from "../monitoring/threshold-change";
import { MoneyDecimal } from "../money";
import { balanceChange } from "./create-adjustment-request";
import { loadActivePolicy, policyDocumentSchema } from "./policy";
import { policyChangeRule } from "./propose-policy-change";
import { getRequest } from "./queries";

export interface Viewer {
  staffId: string;
  role: Role;
}

type Request = Awaited<ReturnType<typeof getRequest>>;

const policyChangeRuleDescription = `A policy change needs ${policyChangeRule.approvalsRequired} approvals from ${policyChangeRule.approverRoles.join(" or ")}, never its maker.`;

/**
 * A request as a given viewer sees it: the checker's preview (balance at request time, now, and
 * after; drift since the request), a policy change's proposal beside the version it was based on,
 * and each action with whether this viewer may take it and why not. With `kind`, a request of
 * another kind is not found, so a policy-only reader learns nothing about adjustments.
 */
export async function requestDetail(db: Executor, viewer: Viewer, id: string, kind?: Request["kind"]) {
  const request = await getRequest(db, id);
  if (kind && request.kind !== kind) throw new DomainError("NOT_FOUND", "No such request.", { field: "id" });
  const payload = request.payload as { justification?: unknown; ticketRef?: unknown };
  return {
    ...request,
    policyRuleDescription: request.kind === "policy_change" ? policyChangeRuleDescription : request.kind === "monitor_threshold" ? thresholdChangeRuleDescription : request.policyRuleDescription,
    justification: typeof payload.justification === "string" ? payload.justification : null,
    ticketRef: typeof payload.ticketRef === "string" ? payload.ticketRef : null,
    balances: await balancesOf(db, request),
    policyChange: await policyChangeOf(db, request),
    monitorThreshold: await monitorThresholdOf(db, request),
    actions: actionsFor(request, viewer),
  };
}

async function balancesOf(db: Executor, request: Request) {
  if (request.kind !== "adjustment" || !request.accountId || !request.amount || !request.direction) return null;
  const [row] = await db.select({ balance: accountBalances.balance }).from(accountBalances).where(eq(accountBalances.accountId, request.accountId));
  const now = row?.balance ?? new MoneyDecimal(0);
  const atRequest = request.balanceAtRequest ?? now;
  return { atRequest, now, after: now.plus(balanceChange(request.direction, request.amount)), drift: now.minus(atRequest) };
}

async function policyChangeOf(db: Executor, request: Request) {
  if (request.kind !== "policy_change") return null;
  const payload = request.payload as { basedOnVersion: number; policy: unknown };
  const [basedOn] = await db.select().from(approvalPolicies).where(eq(approvalPolicies.version, payload.basedOnVersion));
  const active = await loadActivePolicy(db);
  return {
    basedOnVersion: payload.basedOnVersion,
    basedOn: basedOn ? policyDocumentSchema.parse({ rules: basedOn.rules, dailyCaps: basedOn.dailyCaps, expiryHours: basedOn.expiryHours }) : null,
    proposed: policyDocumentSchema.parse(payload.policy),
    activeVersion: active.version,
  };
}

async function monitorThresholdOf(db: Executor, request: Request) {
  if (request.kind !== "monitor_threshold") return null;
  const payload = request.payload as { monitor: string; basedOnVersion: number; threshold: { warning: string; critical: string; direction: string; params: Record<string, unknown> } };
  const [basedOn] = await db.select().from(monitorThresholds).where(and(eq(monitorThresholds.monitor, payload.monitor), eq(monitorThresholds.version, payload.basedOnVersion)));
  return {
    monitor: payload.monitor,
    basedOnVersion: payload.basedOnVersion,
    current: basedOn ? { warning: basedOn.warning, critical: basedOn.critical, direction: basedOn.direction, params: basedOn.params } : null,
    proposed: payload.threshold,
  };
}

function actionsFor(request: Request, viewer: Viewer) {
  const own = request.decisions.find((decision) => decision.approverId === viewer.staffId);
  const permission = request.kind === "adjustment" ? "adjustment.approve" : "policy.manage";
  const decideBlocked =
    request.status !== "pending"
      ? `This request is ${request.status}.`
      : request.makerId === viewer.staffId
        ? "You made this request; someone else must decide it."
        : !can(viewer.role, permission)
          ? `Your role lacks the ${permission} permission.`
          : !request.approverRoles.includes(viewer.role)
            ? `Only ${request.approverRoles.join(" or ")} may decide this request.`
            : own
              ? own.decision === "approve"
                ? "You have already approved this request; another checker must give the next approval."
                : "You have already rejected this request."
              : null;
  const cancelBlocked = request.status !== "pending" ? `This request is ${request.status}.` : request.makerId !== viewer.staffId ? "Only the maker can cancel." : null;
  return { decide: { allowed: decideBlocked === null, reason: decideBlocked }, cancel: { allowed: cancelBlocked === null, reason: cancelBlocked } };
}
