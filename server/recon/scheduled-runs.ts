import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { appendAuditEvent } from "../audit/append-audit-event";
import type { ReconDefaults } from "./defaults";
import { recordRun, resolveParameters } from "./run-reconciliation";
import type { ReconScope } from "./schemas";

export type ReconSchedule = Record<ReconScope, number>;

/** Advisory lock keys, one per scope, so two workers never run the same scheduled run at once. */
const lockKeys: Record<ReconScope, number> = { payments: 7243201, withdrawals: 7243202, ledger: 7243203 };

/**
 * The worker's scheduler: for each scope whose interval (minutes; 0 = off) has passed since its last
 * scheduled run, records a run over every provider, audited with the worker as a service actor. A
 * transaction-scoped advisory lock per scope plus the due-check inside it make this safe with several
 * workers: the second one either cannot take the lock or finds the run just recorded.
 */
export async function runDueReconciliations(db: Database, schedule: ReconSchedule, defaults: ReconDefaults, now = new Date()): Promise<{ scope: ReconScope; runId: string; status: string }[]> {
  const started: { scope: ReconScope; runId: string; status: string }[] = [];
  for (const scope of ["payments", "withdrawals", "ledger"] as const) {
    const minutes = schedule[scope];
    if (minutes <= 0) continue;
    const result = await db.transaction(async (tx) => {
      const [lock] = await tx.execute<{ acquired: boolean }>(sql`select pg_try_advisory_xact_lock(${lockKeys[scope]}) as acquired`);
      if (!lock?.acquired) return null;
      const [last] = await tx.execute<{ due: boolean }>(sql`
        select coalesce(max(started_at) <= ${now.toISOString()}::timestamptz - make_interval(mins => ${minutes}), true) as due
          from recon_runs where scope = ${scope} and trigger = 'schedule'`);
      if (!last?.due) return null;
      const parameters = await resolveParameters(tx, { scope }, defaults, now);
      const run = await recordRun(tx, { parameters, trigger: "schedule", requestedBy: "service:worker", now });
      await appendAuditEvent(tx, {
        actor: { type: "service", id: "worker" },
        action: "recon.run_scheduled",
        outcome: run.status === "completed" ? "success" : "failed",
        target: { type: "recon_run", id: run.runId },
        details: { scope, importIds: parameters.importIds, differences: run.summary?.differences ?? null, exceptionsOpened: run.exceptionsOpened, failureReason: run.failureReason },
        request: { correlationId: null, ip: null, userAgent: null },
      });
      return { scope, runId: run.runId, status: run.status };
    });
    if (result) started.push(result);
  }
  return started;
}
