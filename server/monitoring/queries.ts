import { and, asc, desc, eq, ne, sql, type SQL } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { alertEvents, alerts, monitorReadings, staff } from "@/db/schema";
import { DomainError } from "../errors";
import type { MonitorState } from "./evaluate";
import { findMonitor, monitors } from "./monitors";
import type { AlertListInput } from "./schemas";
import { activeThresholds } from "./thresholds";

const sparklinePoints = 30;

type ReadingRow = {
  monitor: string;
  value: string | null;
  state: MonitorState;
  threshold_version: number | null;
  details: Record<string, unknown>;
  checked_at: string;
};

function reading(row: ReadingRow) {
  return { value: row.value, state: row.state, thresholdVersion: row.threshold_version, details: row.details, checkedAt: new Date(row.checked_at) };
}

/** Every monitor with its thresholds in force, its newest reading and its recent history (oldest first). */
export async function monitorsOverview(db: Executor) {
  const keys = monitors.map((monitor) => monitor.key);
  const thresholds = await activeThresholds(db);
  const rows = await db.execute<ReadingRow>(sql`
    select m.key as monitor, r.value::text as value, r.state, r.threshold_version, r.details, to_json(r.checked_at) #>> '{}' as checked_at
      from unnest(string_to_array(${keys.join(",")}, ',')) as m(key)
      cross join lateral (
        select value, state, threshold_version, details, checked_at from monitor_readings
         where monitor = m.key order by checked_at desc limit ${sparklinePoints}
      ) r`);
  const byMonitor = new Map<string, ReturnType<typeof reading>[]>();
  for (const row of rows) byMonitor.set(row.monitor, [...(byMonitor.get(row.monitor) ?? []), reading(row)]);
  const open = await db.select({ id: alerts.id, monitor: alerts.monitor, severity: alerts.severity, status: alerts.status }).from(alerts).where(ne(alerts.status, "resolved"));
  return monitors.map((monitor) => {
    const history = (byMonitor.get(monitor.key) ?? []).reverse();
    const threshold = thresholds.get(monitor.key);
    return {
      key: monitor.key,
      group: monitor.group,
      title: monitor.title,
      description: monitor.description,
      unit: monitor.unit,
      threshold: threshold
        ? { version: threshold.version, warning: threshold.warning, critical: threshold.critical, direction: threshold.direction, params: { ...monitor.defaults.params, ...threshold.params } }
        : { version: 0, ...monitor.defaults },
      paramDefinitions: monitor.params,
      latest: history[history.length - 1] ?? null,
      history,
      alert: open.find((alert) => alert.monitor === monitor.key) ?? null,
    };
  });
}

export async function monitorHistory(db: Executor, key: string, limit: number) {
  const monitor = findMonitor(key);
  if (!monitor) throw new DomainError("NOT_FOUND", "No such monitor.", { field: "monitor" });
  const rows = await db
    .select({ value: monitorReadings.value, state: monitorReadings.state, thresholdVersion: monitorReadings.thresholdVersion, details: monitorReadings.details, checkedAt: monitorReadings.checkedAt })
    .from(monitorReadings)
    .where(eq(monitorReadings.monitor, key))
    .orderBy(desc(monitorReadings.checkedAt))
    .limit(limit);
  return { key: monitor.key, title: monitor.title, description: monitor.description, unit: monitor.unit, group: monitor.group, readings: rows };
}

const alertColumns = {
  id: alerts.id,
  monitor: alerts.monitor,
  severity: alerts.severity,
  status: alerts.status,
  summary: alerts.summary,
  evidenceHref: alerts.evidenceHref,
  lastValue: alerts.lastValue,
  firstSeenAt: alerts.firstSeenAt,
  lastSeenAt: alerts.lastSeenAt,
  clearedAt: alerts.clearedAt,
  acknowledgedAt: alerts.acknowledgedAt,
  resolvedAt: alerts.resolvedAt,
};

function titled<T extends { monitor: string }>(row: T) {
  return { ...row, monitorTitle: findMonitor(row.monitor)?.title ?? row.monitor };
}

/** Alerts, newest first sighting first, with keyset pagination. */
export async function listAlerts(db: Executor, input: AlertListInput) {
  const filters: SQL[] = [];
  if (input.status === "unresolved") filters.push(ne(alerts.status, "resolved"));
  else if (input.status) filters.push(eq(alerts.status, input.status));
  if (input.severity) filters.push(eq(alerts.severity, input.severity));
  if (input.monitor) filters.push(eq(alerts.monitor, input.monitor));
  if (input.before) filters.push(sql`(${alerts.firstSeenAt}, ${alerts.id}) < (${input.before.firstSeenAt.toISOString()}::timestamptz, ${input.before.id}::uuid)`);
  const rows = await db.select(alertColumns).from(alerts).where(and(...filters)).orderBy(desc(alerts.firstSeenAt), desc(alerts.id)).limit(input.limit + 1);
  const items = rows.slice(0, input.limit).map(titled);
  const last = items[items.length - 1];
  return { items, next: rows.length > input.limit && last ? { firstSeenAt: last.firstSeenAt, id: last.id } : null };
}

export async function alertDetail(db: Executor, id: string) {
  const [row] = await db.select(alertColumns).from(alerts).where(eq(alerts.id, id));
  if (!row) throw new DomainError("NOT_FOUND", "No such alert.", { field: "id" });
  const events = await db
    .select({ id: alertEvents.id, kind: alertEvents.kind, actor: alertEvents.actor, actorName: staff.displayName, comment: alertEvents.comment, severity: alertEvents.severity, value: alertEvents.value, at: alertEvents.at })
    .from(alertEvents)
    .leftJoin(staff, sql`${staff.id}::text = ${alertEvents.actor}`)
    .where(eq(alertEvents.alertId, id))
    .orderBy(asc(alertEvents.at), asc(alertEvents.id))
    .limit(500);
  return { ...titled(row), events };
}

/** For the console header: unresolved alerts by severity, and how many nobody has acknowledged. */
export async function alertCounts(db: Executor) {
  const [row] = await db.execute<{ critical: number; warning: number; unacknowledged: number }>(sql`
    select count(*) filter (where severity = 'critical')::int as critical,
           count(*) filter (where severity = 'warning')::int as warning,
           count(*) filter (where status = 'open')::int as unacknowledged
      from alerts where status <> 'resolved'`);
  return { critical: row?.critical ?? 0, warning: row?.warning ?? 0, unacknowledged: row?.unacknowledged ?? 0 };
}
