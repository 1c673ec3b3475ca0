import "server-only";
import { sql } from "drizzle-orm";
import { database } from "../db";

export interface Health {
  status: "ok" | "degraded";
  checks: { database: { ok: boolean; latencyMs: number; error?: string } };
}

export async function checkHealth(): Promise<Health> {
  const started = performance.now();
  try {
    await database().db.execute(sql`select 1`);
    return { status: "ok", checks: { database: { ok: true, latencyMs: Math.round(performance.now() - started) } } };
  } catch {
    return {
      status: "degraded",
      checks: { database: { ok: false, latencyMs: Math.round(performance.now() - started), error: "database unreachable" } },
    };
  }
}
