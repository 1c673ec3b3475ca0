import { sql } from "drizzle-orm";
import type { Executor } from "@/db/client";

/** For the console header and the metrics: how much is stuck, and for how long. */
export async function pipelineHealth(db: Executor) {
  const [row] = await db.execute<{ dead: number; inbox: number; inbox_age: number | null; outbox: number; outbox_age: number | null }>(sql`
    select (select count(*)::int from dead_letters where status = 'dead') as dead,
           (select count(*)::int from webhook_inbox where status = 'pending') as inbox,
           (select extract(epoch from now() - min(received_at))::int from webhook_inbox where status = 'pending') as inbox_age,
           (select count(*)::int from outbox_events where status = 'pending') as outbox,
           (select extract(epoch from now() - min(created_at))::int from outbox_events where status = 'pending') as outbox_age`);
  return {
    deadLetters: row?.dead ?? 0,
    inboxBacklog: row?.inbox ?? 0,
    oldestInboxPendingSeconds: row?.inbox_age ?? null,
    outboxBacklog: row?.outbox ?? 0,
    oldestUndeliveredSeconds: row?.outbox_age ?? null,
  };
}
