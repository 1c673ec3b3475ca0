import "server-only";
import { timingSafeEqual } from "node:crypto";
import { sql } from "drizzle-orm";
import { collectDefaultMetrics, Counter, Gauge, Registry } from "prom-client";
import type { Executor } from "@/db/client";
import { database } from "../db";
import { pipelineHealth } from "../deadletters/pipeline-health";
import { env } from "../env";
import { monitors } from "./monitors";
import { requestMetrics } from "./request-metrics";

const states = ["ok", "warning", "critical", "unknown"] as const;

/** A counter whose value is a count of rows that only grows (rows are never deleted): set at scrape. */
function setCounter(counter: Counter<string>, labels: Record<string, string>, value: number): void {
  counter.remove(labels);
  counter.inc(labels, value);
}

/**
 * Figures read from the database at scrape time, so they are the same whichever web process
 * answers and include what the separate worker process did: the monitors' newest readings, open
 * alerts, and job throughput, retries and dead letters counted from the jobs' own tables. Each is
 * one indexed or grouped query; the job counts scan their tables, which stays in the tens of
 * milliseconds at the benchmark's sizes.
 */
export function databaseMetrics(db: () => Executor): Registry {
  const registry = new Registry();
  new Gauge({
    name: "countersign_audit_chain_head_seq",
    help: "Sequence number of the newest audit record.",
    registers: [registry],
    async collect() {
      const rows = await db().execute<{ seq: string | null }>(sql`select max(seq)::text as seq from audit_events`);
      this.set(Number(rows[0]?.seq ?? 0));
    },
  });
  new Gauge({
    name: "countersign_staff_sessions_active",
    help: "Staff sessions not revoked.",
    registers: [registry],
    async collect() {
      const rows = await db().execute<{ n: number }>(sql`select count(*)::int as n from staff_sessions where revoked_at is null`);
      this.set(rows[0]?.n ?? 0);
    },
  });
  const pipeline = () => pipelineHealth(db());
  new Gauge({ name: "countersign_dead_letters", help: "Dead letters waiting for an operator (status dead).", registers: [registry], async collect() { this.set((await pipeline()).deadLetters); } });
  new Gauge({ name: "countersign_outbox_oldest_undelivered_seconds", help: "Age of the oldest outbox event not yet delivered to every handler (0 when none).", registers: [registry], async collect() { this.set((await pipeline()).oldestUndeliveredSeconds ?? 0); } });
  new Gauge({ name: "countersign_inbox_pending", help: "Provider events received and not yet applied (including those waiting to be retried).", registers: [registry], async collect() { this.set((await pipeline()).inboxBacklog); } });
  monitorGauges(registry, db);
  jobCounters(registry, db);
  return registry;
}

function monitorGauges(registry: Registry, db: () => Executor): void {
  const newest = async () =>
    db().execute<{ monitor: string; value: number | null; state: (typeof states)[number]; checked: number }>(sql`
      select distinct on (monitor) monitor, value::float8 as value, state::text as state, extract(epoch from checked_at)::float8 as checked
        from monitor_readings where checked_at > now() - interval '1 day' order by monitor, checked_at desc`);
  new Gauge({
    name: "countersign_monitor_value",
    help: "Newest reading of each integrity monitor, in the monitor's unit (see the unit label); absent while unknown.",
    labelNames: ["monitor", "group", "unit"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await newest()) {
        const definition = monitors.find((monitor) => monitor.key === row.monitor);
        if (row.value !== null && definition) this.set({ monitor: row.monitor, group: definition.group, unit: definition.unit }, row.value);
      }
    },
  });
  new Gauge({
    name: "countersign_monitor_state",
    help: "1 for the state of each integrity monitor's newest reading, 0 for the other states.",
    labelNames: ["monitor", "state"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await newest()) for (const state of states) this.set({ monitor: row.monitor, state }, row.state === state ? 1 : 0);
    },
  });
  new Gauge({
    name: "countersign_monitor_last_check_timestamp_seconds",
    help: "Unix time of each integrity monitor's newest reading.",
    labelNames: ["monitor"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await newest()) this.set({ monitor: row.monitor }, row.checked);
    },
  });
  new Gauge({
    name: "countersign_alerts_unresolved",
    help: "Integrity alerts not yet resolved, by severity and status.",
    labelNames: ["severity", "status"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const severity of ["warning", "critical"]) for (const status of ["open", "acknowledged"]) this.set({ severity, status }, 0);
      const rows = await db().execute<{ severity: string; status: string; n: number }>(sql`select severity::text, status::text, count(*)::int as n from alerts where status <> 'resolved' group by 1, 2`);
      for (const row of rows) this.set({ severity: row.severity, status: row.status }, row.n);
    },
  });
}

function jobCounters(registry: Registry, db: () => Executor): void {
  new Counter({
    name: "countersign_jobs_completed_total",
    help: "Jobs completed by the workers: inbox events applied and outbox events delivered to every handler.",
    labelNames: ["source"],
    registers: [registry],
    async collect() {
      const [row] = await db().execute<{ inbox: number; outbox: number }>(sql`
        select (select count(*)::int from webhook_inbox where status = 'processed') as inbox,
               (select count(*)::int from outbox_events where status = 'delivered') as outbox`);
      setCounter(this, { source: "inbox" }, row?.inbox ?? 0);
      setCounter(this, { source: "outbox" }, row?.outbox ?? 0);
    },
  });
  new Counter({
    name: "countersign_job_retries_total",
    help: "Failed job attempts that were retried (retryable failures), by source.",
    labelNames: ["source"],
    registers: [registry],
    async collect() {
      const rows = await db().execute<{ source: string; n: number }>(sql`select source::text, count(*)::int as n from job_attempts where outcome = 'failed' and retryable group by 1`);
      for (const source of ["inbox", "outbox"]) setCounter(this, { source }, rows.find((row) => row.source === source)?.n ?? 0);
    },
  });
  new Counter({
    name: "countersign_dead_lettered_total",
    help: "Jobs ever moved to the dead-letter queue, by source (replayed or discarded ones included).",
    labelNames: ["source"],
    registers: [registry],
    async collect() {
      const rows = await db().execute<{ source: string; n: number }>(sql`select source::text, count(*)::int as n from dead_letters group by 1`);
      for (const source of ["inbox", "outbox"]) setCounter(this, { source }, rows.find((row) => row.source === source)?.n ?? 0);
    },
  });
}

const holder = globalThis as unknown as { countersignMetrics?: Registry };

function processRegistry(): Registry {
  if (holder.countersignMetrics) return holder.countersignMetrics;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "countersign_" });
  // prom-client names three of its default gauges *_total, which promtool refuses (only counters
  // end in _total); they are process internals nobody alerts on, so they are left out.
  for (const name of ["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"]) registry.removeSingleMetric(`countersign_${name}`);
  holder.countersignMetrics = Registry.merge([registry, databaseMetrics(() => database().db)]);
  return holder.countersignMetrics;
}

/** The whole exposition: process metrics, database-derived figures, and this process's request metrics. */
export async function renderMetrics(registry: Registry): Promise<{ text: string; contentType: string }> {
  const merged = Registry.merge([registry, requestMetrics().registry]);
  return { text: await merged.metrics(), contentType: merged.contentType };
}

function authorised(req: Request): boolean {
  const token = env().METRICS_TOKEN;
  if (!token) return true;
  const offered = Buffer.from(req.headers.get("authorization")?.replace(/^Bearer /, "") ?? "");
  const expected = Buffer.from(token);
  return offered.length === expected.length && timingSafeEqual(offered, expected);
}

export async function metricsResponse(req: Request): Promise<Response> {
  if (!authorised(req)) return new Response("unauthorised\n", { status: 401, headers: { "www-authenticate": "Bearer" } });
  const { text, contentType } = await renderMetrics(processRegistry());
  return new Response(text, { headers: { "content-type": contentType, "cache-control": "no-store" } });
}
