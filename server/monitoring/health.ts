import "server-only";
import { sql } from "drizzle-orm";
import { database } from "../db";

const readinessTimeoutMs = 2_000;

export interface Health {
  status: "ok" | "degraded";
  checks: { process: { ok: true; uptimeSeconds: number }; database: { ok: boolean; latencyMs: number; error?: string } };
}

/**
 * Liveness (this process answers) and readiness (the database answers `select 1` within two
 * seconds). Nothing else: no versions, hosts or counts, so it is safe to expose to a load balancer.
 */
export async function checkHealth(): Promise<Health> {
  const started = performance.now();
  const processCheck = { ok: true as const, uptimeSeconds: Math.round(process.uptime()) };
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("timeout")), readinessTimeoutMs);
    });
    await Promise.race([database().db.execute(sql`select 1`), timeout]);
    return { status: "ok", checks: { process: processCheck, database: { ok: true, latencyMs: Math.round(performance.now() - started) } } };
  } catch (error) {
    const timedOut = error instanceof Error && error.message === "timeout";
    return {
      status: "degraded",
      checks: { process: processCheck, database: { ok: false, latencyMs: Math.round(performance.now() - started), error: timedOut ? "database did not answer in time" : "database unreachable" } },
    };
  } finally {
    clearTimeout(timer);
  }
}
