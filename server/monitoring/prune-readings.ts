import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { appendAuditEvent } from "../audit/append-audit-event";

/** The most readings one housekeeping round removes, so a first prune of a long history stays short. */
export const readingsPruneBatch = 10_000;

/**
 * Removes monitor readings older than `keepDays` (MONITOR_READINGS_RETENTION_DAYS), oldest first, at
 * most `maxRows` a call, through the database's prune_monitor_readings(): the table is otherwise
 * append-only, the application role cannot delete from it, and the database refuses to remove a
 * reading younger than 30 days whatever it is asked. A prune that removed anything is audited
 * (monitoring.readings_pruned: how many and the cutoff) in the same transaction. Alerts and their
 * history are kept; only the per-minute readings go.
 */
export async function pruneMonitorReadings(db: Database, keepDays: number, maxRows = readingsPruneBatch): Promise<number> {
  return db.transaction(async (tx) => {
    const [result] = await tx.execute<{ pruned: number; cutoff: string }>(
      sql`select pruned::int as pruned, to_char(cutoff at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as cutoff from prune_monitor_readings(${keepDays}::int, ${maxRows}::int)`,
    );
    const pruned = result?.pruned ?? 0;
    if (pruned > 0) {
      await appendAuditEvent(tx, {
        actor: { type: "service", id: "worker" },
        action: "monitoring.readings_pruned",
        outcome: "success",
        // The target is the range removed: every reading before the cutoff.
        target: { type: "monitor_readings", id: `before ${result?.cutoff ?? "?"}` },
        details: { pruned, cutoff: result?.cutoff ?? null, keepDays },
        request: { correlationId: null, ip: null, userAgent: null },
      });
    }
    return pruned;
  });
}
