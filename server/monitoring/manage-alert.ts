import { and, eq, inArray } from "drizzle-orm";
import type { Transaction } from "@/db/client";
import { alertEvents, alerts } from "@/db/schema";
import type { AuditScope } from "../audit/audit-scope";
import { DomainError } from "../errors";

async function lockAlert(tx: Transaction, audit: AuditScope, alertId: string) {
  const [alert] = await tx.select().from(alerts).where(eq(alerts.id, alertId)).for("update");
  if (!alert) throw new DomainError("NOT_FOUND", "No such alert.", { field: "alertId" });
  audit.target("alert", alert.id);
  audit.details({ monitor: alert.monitor, severity: alert.severity, from: alert.status });
  return alert;
}

/**
 * Acknowledging says "someone is on it": the alert stays unresolved and keeps deduplicating. The
 * update is guarded on the status it read, so of two people acknowledging at once one wins and
 * the other is told.
 */
export async function acknowledgeAlert(tx: Transaction, audit: AuditScope, staffId: string, input: { alertId: string; comment: string }) {
  const alert = await lockAlert(tx, audit, input.alertId);
  audit.details({ comment: input.comment });
  if (alert.status !== "open") throw new DomainError("NOT_PENDING", `This alert is already ${alert.status}.`, { field: "alertId" });
  const at = new Date();
  const updated = await tx.update(alerts).set({ status: "acknowledged", acknowledgedBy: staffId, acknowledgedAt: at }).where(and(eq(alerts.id, alert.id), eq(alerts.status, "open"))).returning({ id: alerts.id });
  if (updated.length !== 1) throw new DomainError("NOT_PENDING", "Someone else changed this alert first; reload it.", { field: "alertId" });
  await tx.insert(alertEvents).values({ alertId: alert.id, kind: "acknowledged", actor: staffId, comment: input.comment, severity: alert.severity, value: alert.lastValue, at });
  return { alertId: alert.id, status: "acknowledged" as const };
}

/**
 * Resolving closes the alert for good (the database refuses any later change to it). If the
 * monitor is still failing, the next check opens a new alert: resolving is a statement that the
 * cause is dealt with, not a way to silence it.
 */
export async function resolveAlert(tx: Transaction, audit: AuditScope, staffId: string, input: { alertId: string; comment: string }) {
  const alert = await lockAlert(tx, audit, input.alertId);
  audit.details({ comment: input.comment, stillFailing: alert.clearedAt === null });
  if (alert.status === "resolved") throw new DomainError("NOT_PENDING", "This alert is already resolved.", { field: "alertId" });
  const at = new Date();
  const updated = await tx
    .update(alerts)
    .set({ status: "resolved", resolvedBy: staffId, resolvedAt: at })
    .where(and(eq(alerts.id, alert.id), inArray(alerts.status, ["open", "acknowledged"])))
    .returning({ id: alerts.id });
  if (updated.length !== 1) throw new DomainError("NOT_PENDING", "Someone else changed this alert first; reload it.", { field: "alertId" });
  await tx.insert(alertEvents).values({ alertId: alert.id, kind: "resolved", actor: staffId, comment: input.comment, severity: alert.severity, value: alert.lastValue, at });
  return { alertId: alert.id, status: "resolved" as const };
}
