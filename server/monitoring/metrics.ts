import "server-only";
import { timingSafeEqual } from "node:crypto";
import { sql } from "drizzle-orm";
import { collectDefaultMetrics, Gauge, Registry } from "prom-client";
import { database } from "../db";
import { pipelineHealth } from "../deadletters/pipeline-health";
import { env } from "../env";

const holder = globalThis as unknown as { countersignMetrics?: Registry };

function registry(): Registry {
  if (holder.countersignMetrics) return holder.countersignMetrics;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "countersign_" });
  new Gauge({
    name: "countersign_audit_chain_head_seq",
    help: "Sequence number of the newest audit record.",
    registers: [registry],
    async collect() {
      const rows = await database().db.execute<{ seq: string | null }>(sql`select max(seq)::text as seq from audit_events`);
      this.set(Number(rows[0]?.seq ?? 0));
    },
  });
  new Gauge({
    name: "countersign_staff_sessions_active",
    help: "Staff sessions not revoked.",
    registers: [registry],
    async collect() {
      const rows = await database().db.execute<{ n: string }>(sql`select count(*)::text as n from staff_sessions where revoked_at is null`);
      this.set(Number(rows[0]?.n ?? 0));
    },
  });
  const pipeline = () => pipelineHealth(database().db);
  new Gauge({
    name: "countersign_dead_letters",
    help: "Dead letters waiting for an operator (status dead).",
    registers: [registry],
    async collect() {
      this.set((await pipeline()).deadLetters);
    },
  });
  new Gauge({
    name: "countersign_outbox_oldest_undelivered_seconds",
    help: "Age of the oldest outbox event not yet delivered to every handler (0 when none).",
    registers: [registry],
    async collect() {
      this.set((await pipeline()).oldestUndeliveredSeconds ?? 0);
    },
  });
  new Gauge({
    name: "countersign_inbox_pending",
    help: "Provider events received and not yet applied (including those waiting to be retried).",
    registers: [registry],
    async collect() {
      this.set((await pipeline()).inboxBacklog);
    },
  });
  holder.countersignMetrics = registry;
  return registry;
}

function authorised(req: Request): boolean {
  const token = env().METRICS_TOKEN;
  if (!token) return true;
  const offered = Buffer.from(req.headers.get("authorization")?.replace(/^Bearer /, "") ?? "");
  const expected = Buffer.from(token);
  return offered.length === expected.length && timingSafeEqual(offered, expected);
}

export async function metricsResponse(req: Request): Promise<Response> {
  if (!authorised(req)) return new Response("unauthorised\n", { status: 401 });
  const metrics = registry();
  return new Response(await metrics.metrics(), { headers: { "content-type": metrics.contentType, "cache-control": "no-store" } });
}
