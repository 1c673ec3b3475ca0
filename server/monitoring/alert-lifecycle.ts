import { and, eq, ne, sql } from "drizzle-orm";
import { uuidv7 } from "uuidv7";
import type { Transaction } from "@/db/client";
import { alertEvents, alerts } from "@/db/schema";
import type { AuditRecordRequest } from "../audit/audit-scope";
import { appendOutboxEvent } from "../jobs/append-outbox-event";
import type { MonitorState } from "./evaluate";
import type { Measurement } from "./monitors";

type Alert = typeof alerts.$inferSelect;
export type AlertChange = "opened" | "escalated" | "recurred" | "seen" | "cleared" | null;

export const checkerActor = "service:monitor";

interface Sighting {
  monitor: string;
  title: string;
  state: MonitorState;
  measurement: Measurement;
  at: Date;
}

/**
 * Moves a monitor's alert along after one reading. A crossing opens an alert, or updates the one
 * still unresolved (there is at most one per monitor: a partial unique index); warning to critical
 * escalates and reopens an acknowledged alert; back to ok marks it cleared and leaves it for a
 * person to resolve (a clearing is not an explanation). Unknown changes nothing. Opened,
 * escalated, recurred and cleared are audited and sent to the alert webhook through the outbox.
 */
export async function applySighting(tx: Transaction, sighting: Sighting, record: (audit: AuditRecordRequest) => void): Promise<{ alertId: string | null; change: AlertChange }> {
  const [current] = await tx.select().from(alerts).where(and(eq(alerts.monitor, sighting.monitor), ne(alerts.status, "resolved"))).for("update");
  if (sighting.state === "warning" || sighting.state === "critical") {
    if (current) return updateAlert(tx, current, sighting, record);
    return openAlert(tx, sighting, record);
  }
  if (sighting.state === "ok" && current && current.clearedAt === null) {
    await tx.update(alerts).set({ clearedAt: sighting.at, lastValue: sighting.measurement.value }).where(eq(alerts.id, current.id));
    await changed(tx, current.id, "cleared", { ...sighting, severity: current.severity }, record);
    return { alertId: current.id, change: "cleared" };
  }
  return { alertId: current?.id ?? null, change: null };
}

async function openAlert(tx: Transaction, sighting: Sighting, record: (audit: AuditRecordRequest) => void) {
  const severity = sighting.state as "warning" | "critical";
  const id = uuidv7();
  const { measurement } = sighting;
  // A second checker that got past the check lock's absence (it should not) inserts nothing here.
  const inserted = await tx.execute<{ id: string }>(sql`
    insert into alerts (id, monitor, severity, status, summary, evidence_href, last_value, first_seen_at, last_seen_at)
    values (${id}, ${sighting.monitor}, ${severity}, 'open', ${measurement.summary}, ${measurement.evidenceHref}, ${measurement.value}, ${sighting.at.toISOString()}::timestamptz, ${sighting.at.toISOString()}::timestamptz)
    on conflict (monitor) where status <> 'resolved' do nothing returning id`);
  if (inserted.length === 0) {
    const [winner] = await tx.select().from(alerts).where(and(eq(alerts.monitor, sighting.monitor), ne(alerts.status, "resolved"))).for("update");
    if (!winner) throw new Error(`alert for ${sighting.monitor} conflicted but none is unresolved`);
    return updateAlert(tx, winner, sighting, record);
  }
  await changed(tx, id, "opened", { ...sighting, severity }, record);
  return { alertId: id, change: "opened" as const };
}

async function updateAlert(tx: Transaction, current: Alert, sighting: Sighting, record: (audit: AuditRecordRequest) => void) {
  const escalated = sighting.state === "critical" && current.severity === "warning";
  const recurred = current.clearedAt !== null;
  const severity = escalated ? "critical" : current.severity;
  await tx
    .update(alerts)
    .set({
      severity,
      lastSeenAt: sighting.at,
      lastValue: sighting.measurement.value,
      summary: sighting.measurement.summary,
      evidenceHref: sighting.measurement.evidenceHref,
      clearedAt: null,
      // An acknowledged alert that gets worse or comes back needs someone's attention again.
      status: escalated || recurred ? "open" : current.status,
    })
    .where(eq(alerts.id, current.id));
  if (escalated) await changed(tx, current.id, "escalated", { ...sighting, severity }, record);
  else if (recurred) await changed(tx, current.id, "recurred", { ...sighting, severity }, record);
  return { alertId: current.id, change: escalated ? ("escalated" as const) : recurred ? ("recurred" as const) : ("seen" as const) };
}

async function changed(tx: Transaction, alertId: string, kind: "opened" | "escalated" | "recurred" | "cleared", sighting: Sighting & { severity: "warning" | "critical" }, record: (audit: AuditRecordRequest) => void) {
  const { measurement } = sighting;
  await tx.insert(alertEvents).values({ alertId, kind, actor: checkerActor, severity: sighting.severity, value: measurement.value, comment: measurement.summary, at: sighting.at });
  await appendOutboxEvent(tx, {
    type: `alert.${kind}`,
    aggregateType: "alert",
    aggregateId: alertId,
    correlationId: null,
    payload: {
      alertId,
      monitor: sighting.monitor,
      title: sighting.title,
      severity: sighting.severity,
      state: sighting.state,
      value: measurement.value,
      summary: measurement.summary,
      evidenceHref: measurement.evidenceHref,
      at: sighting.at.toISOString(),
    },
  });
  record({ action: `alert.${kind}`, target: { type: "alert", id: alertId }, details: { monitor: sighting.monitor, severity: sighting.severity, value: measurement.value } });
}
