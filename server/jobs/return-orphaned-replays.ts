import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { appendAuditEvent } from "../audit/append-audit-event";

export const orphanedReplayReason = "HANDLER_NOT_CONFIGURED";

/**
 * The worker's sweep for replays nobody can finish: an outbox dead letter whose handler (a
 * subscriber) was removed from the configuration after it died would otherwise sit in
 * `replaying` for ever, its delivery pending for a handler no worker runs (and the dispatcher,
 * finding nothing left for the handlers it runs, marks the event delivered). After a grace period
 * (other workers may still run that handler during a rolling deploy) the dead letter goes back to
 * `dead` with the reason, its delivery back to dead, and the event back to dead when nothing else
 * of it is pending (an undelivered handler means the event is not delivered), so operations see it again and can discard it. Each return is audited.
 */
export async function returnOrphanedReplays(db: Database, configuredHandlers: readonly string[], options: { graceMinutes?: number; batchMax?: number } = {}): Promise<number> {
  const graceMinutes = options.graceMinutes ?? 10;
  const batchMax = options.batchMax ?? 200;
  const handlers = sql`array[${sql.join(
    configuredHandlers.map((name) => sql`${name}`),
    sql`, `,
  )}]::text[]`;
  return db.transaction(async (tx) => {
    const returned = await tx.execute<{ id: string; outbox_event_id: string; handler: string; job_key: string }>(sql`
      update dead_letters d
         set status = 'dead', error_class = ${orphanedReplayReason},
             last_error = 'The handler ' || d.handler || ' is not configured on this worker; the replay cannot be delivered.',
             replay_batch_id = null, updated_at = now()
        from (select id from dead_letters
               where status = 'replaying' and source = 'outbox' and not (handler = any(${handlers}))
                 and updated_at <= now() - make_interval(mins => ${graceMinutes})
               order by updated_at limit ${batchMax} for update skip locked) as orphan
       where d.id = orphan.id
      returning d.id, d.outbox_event_id, d.handler, d.job_key`);
    for (const row of returned) {
      await tx.execute(sql`
        update outbox_deliveries set status = 'dead', updated_at = now()
         where event_id = ${row.outbox_event_id} and handler = ${row.handler} and status = 'pending'`);
      await tx.execute(sql`
        update outbox_events e set status = 'dead', claimed_until = null, claimed_by = null
         where e.id = ${row.outbox_event_id} and e.status in ('pending', 'delivered')
           and not exists (select 1 from outbox_deliveries o where o.event_id = e.id and o.status = 'pending')`);
      await appendAuditEvent(tx, {
        actor: { type: "service", id: "worker" },
        action: "deadletter.replay_returned",
        outcome: "success",
        target: { type: "dead_letter", id: row.id },
        details: { handler: row.handler, reason: orphanedReplayReason, graceMinutes },
        request: { correlationId: null, ip: null, userAgent: null },
      });
    }
    return returned.length;
  });
}
