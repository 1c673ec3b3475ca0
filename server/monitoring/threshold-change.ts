import { and, eq, sql } from "drizzle-orm";
import type { Executor, Transaction } from "@/db/client";
import { approvalRequests, monitorThresholds } from "@/db/schema";
import { loadActivePolicy } from "../approvals/policy";
import { insertChangeRequest } from "../approvals/change-request";
import type { AuditScope } from "../audit/audit-scope";
import { DomainError } from "../errors";
import { levelsConsistent, type Direction } from "./evaluate";
import { findMonitor } from "./monitors";
import { activeThresholds, ensureDefaultThresholds } from "./thresholds";

/** A threshold change is four-eyes: one approval by an administrator or compliance officer who is not the maker. */
export const thresholdChangeRule = { id: "monitor-threshold-four-eyes", approvalsRequired: 1, approverRoles: ["admin", "compliance"] } as const;
export const thresholdChangeRuleDescription = "A monitor threshold change needs one approval from an administrator or compliance officer other than its maker.";

export interface ProposedThreshold {
  monitor: string;
  warning: string;
  critical: string;
  direction: Direction;
  params: Record<string, number>;
  justification: string;
}

function validate(input: ProposedThreshold) {
  const monitor = findMonitor(input.monitor);
  if (!monitor) throw new DomainError("VALIDATION", "No such monitor.", { field: "monitor" });
  if (!levelsConsistent(input)) {
    throw new DomainError("VALIDATION", input.direction === "above" ? "Critical must be at or above warning." : "Critical must be at or below warning.", { field: "critical" });
  }
  for (const [name, value] of Object.entries(input.params)) {
    const definition = monitor.params[name];
    if (!definition) throw new DomainError("VALIDATION", `${monitor.title} has no setting named ${name}.`, { field: `params.${name}` });
    if (!Number.isInteger(value) || value < definition.min || value > definition.max) {
      throw new DomainError("VALIDATION", `${definition.label} must be a whole number from ${definition.min} to ${definition.max}.`, { field: `params.${name}` });
    }
  }
  return monitor;
}

/** Proposes a new threshold version as an approval request; nothing changes until a checker approves it. */
export async function proposeThresholdChange(tx: Transaction, audit: AuditScope, makerId: string, input: ProposedThreshold) {
  const monitor = validate(input);
  audit.details({ monitor: monitor.key });
  await ensureDefaultThresholds(tx);
  const current = (await activeThresholds(tx)).get(monitor.key);
  if (!current) throw new Error(`monitor ${monitor.key} has no threshold after ensureDefaultThresholds`);
  const params = { ...monitor.defaults.params, ...current.params, ...input.params };
  const unchanged = current.warning === input.warning && current.critical === input.critical && current.direction === input.direction && JSON.stringify(params) === JSON.stringify({ ...monitor.defaults.params, ...current.params });
  if (unchanged) throw new DomainError("VALIDATION", "The proposal is the same as the thresholds in force.", { field: "warning" });
  const pending = await tx.execute<{ id: string }>(sql`
    select id from approval_requests where kind = 'monitor_threshold' and status = 'pending' and expires_at > now() and payload->>'monitor' = ${monitor.key} limit 1`);
  if (pending[0]) throw new DomainError("DUPLICATE_PENDING", "A change of this monitor's thresholds is already waiting for approval.", { field: "monitor" });

  const { requestId: id, payloadHash: hash } = await insertChangeRequest(tx, {
    kind: "monitor_threshold",
    makerId,
    justification: input.justification,
    rule: thresholdChangeRule,
    policy: await loadActivePolicy(tx),
    change: { monitor: monitor.key, basedOnVersion: current.version, threshold: { warning: input.warning, critical: input.critical, direction: input.direction, params } },
  });
  audit.target("approval_request", id);
  audit.details({ kind: "monitor_threshold", basedOnVersion: current.version, warning: input.warning, critical: input.critical, direction: input.direction, params, payloadHash: hash });
  return { requestId: id, payloadHash: hash, approvalsRequired: thresholdChangeRule.approvalsRequired };
}

interface ThresholdPayload {
  monitor: string;
  basedOnVersion: number;
  threshold: { warning: string; critical: string; direction: Direction; params: Record<string, number> };
}

/**
 * Executes an approved change: the stored payload becomes the monitor's next version. If another
 * change landed since the proposal, this one fails rather than silently overwrite what the checker
 * did not see.
 */
export async function applyThresholdChange(tx: Transaction, request: { id: string; makerId: string; payload: Record<string, unknown> }): Promise<string> {
  const payload = request.payload as unknown as ThresholdPayload;
  await tx.execute(sql`select pg_advisory_xact_lock(7243301)`);
  const [row] = await tx.execute<{ version: number }>(sql`select coalesce(max(version), 0)::int as version from monitor_thresholds where monitor = ${payload.monitor}`);
  const latest = row?.version ?? 0;
  if (latest !== payload.basedOnVersion) {
    throw new DomainError("CONFLICT", `The thresholds of ${payload.monitor} changed (now version ${latest}) since this request was made on version ${payload.basedOnVersion}; propose again.`, { field: "requestId" });
  }
  const version = latest + 1;
  await tx.insert(monitorThresholds).values({ monitor: payload.monitor, version, ...payload.threshold, createdBy: request.makerId, requestId: request.id });
  return `${payload.monitor}@${version}`;
}

/** Threshold requests for the integrity page: each with the version it was based on beside the proposal. */
export async function listThresholdRequests(db: Executor, status: "pending" | "all", limit: number) {
  const rows = await db
    .select({ id: approvalRequests.id, status: approvalRequests.status, makerId: approvalRequests.makerId, payload: approvalRequests.payload, payloadHash: approvalRequests.payloadHash, createdAt: approvalRequests.createdAt, expiresAt: approvalRequests.expiresAt, decidedAt: approvalRequests.decidedAt, failureReason: approvalRequests.failureReason, resultRef: approvalRequests.resultRef })
    .from(approvalRequests)
    .where(and(eq(approvalRequests.kind, "monitor_threshold"), status === "pending" ? sql`${approvalRequests.status} = 'pending' and ${approvalRequests.expiresAt} > now()` : undefined))
    .orderBy(sql`${approvalRequests.createdAt} desc`)
    .limit(limit);
  const result = [];
  for (const row of rows) {
    const payload = row.payload as unknown as ThresholdPayload & { justification: string };
    const [basedOn] = await db.select().from(monitorThresholds).where(and(eq(monitorThresholds.monitor, payload.monitor), eq(monitorThresholds.version, payload.basedOnVersion)));
    result.push({
      ...row,
      monitor: payload.monitor,
      justification: payload.justification,
      basedOnVersion: payload.basedOnVersion,
      current: basedOn ? { warning: basedOn.warning, critical: basedOn.critical, direction: basedOn.direction as Direction, params: basedOn.params as Record<string, number> } : null,
      proposed: payload.threshold,
    });
  }
  return result;
}
