import { and, eq, inArray, sql } from "drizzle-orm";
import type { Transaction } from "@/db/client";
import { deadLetters, outboxDeliveries, outboxEvents, webhookInbox } from "@/db/schema";

export interface RequeueTarget {
  source: "inbox" | "outbox";
  inboxId: string | null;
  outboxEventId: string | null;
  handler: string;
}

/**
 * Makes a dead job due again, with the SAME event id, a fresh attempt budget and a new run number.
 * Whatever already happened stays deduplicated: the inbox posting by its idempotency key, an
 * outbox handler by its processed_events record. Only a job that is dead is touched, so
 * requeueing twice (or ten times at once, serialised by the dead letter's row lock) has the effect
 * of requeueing once.
 */
export async function requeueJob(tx: Transaction, target: RequeueTarget): Promise<boolean> {
  if (target.source === "inbox") {
    if (!target.inboxId) throw new Error("an inbox dead letter names its inbox row");
    const rows = await tx
      .update(webhookInbox)
      .set({ status: "pending", attempts: 0, run: sql`${webhookInbox.run} + 1`, availableAt: sql`now()`, claimedUntil: null, claimedBy: null })
      .where(and(eq(webhookInbox.id, target.inboxId), eq(webhookInbox.status, "dead")))
      .returning({ id: webhookInbox.id });
    return rows.length > 0;
  }
  if (!target.outboxEventId) throw new Error("an outbox dead letter names its event");
  const rows = await tx
    .update(outboxDeliveries)
    .set({ status: "pending", attempts: 0, run: sql`${outboxDeliveries.run} + 1`, nextAttemptAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(outboxDeliveries.eventId, target.outboxEventId), eq(outboxDeliveries.handler, target.handler), eq(outboxDeliveries.status, "dead")))
    .returning({ eventId: outboxDeliveries.eventId });
  if (rows.length === 0) return false;
  await tx
    .update(outboxEvents)
    .set({ status: "pending", availableAt: sql`least(${outboxEvents.availableAt}, now())`, claimedUntil: null, claimedBy: null })
    .where(eq(outboxEvents.id, target.outboxEventId));
  return true;
}

/**
 * A discarded job is closed: the inbox row or the delivery is marked discarded (never deleted),
 * and an outbox event with nothing else pending or dead counts as delivered.
 */
export async function closeDiscardedJob(tx: Transaction, target: RequeueTarget): Promise<void> {
  if (target.source === "inbox") {
    if (!target.inboxId) throw new Error("an inbox dead letter names its inbox row");
    await tx.update(webhookInbox).set({ status: "discarded" }).where(and(eq(webhookInbox.id, target.inboxId), eq(webhookInbox.status, "dead")));
    return;
  }
  if (!target.outboxEventId) throw new Error("an outbox dead letter names its event");
  await tx
    .update(outboxDeliveries)
    .set({ status: "discarded", updatedAt: sql`now()` })
    .where(and(eq(outboxDeliveries.eventId, target.outboxEventId), eq(outboxDeliveries.handler, target.handler), eq(outboxDeliveries.status, "dead")));
  const open = await tx
    .select({ handler: outboxDeliveries.handler })
    .from(outboxDeliveries)
    .where(and(eq(outboxDeliveries.eventId, target.outboxEventId), inArray(outboxDeliveries.status, ["pending", "dead"])))
    .limit(1);
  if (open.length === 0) {
    await tx.update(outboxEvents).set({ status: "delivered", deliveredAt: sql`now()` }).where(and(eq(outboxEvents.id, target.outboxEventId), eq(outboxEvents.status, "dead")));
  }
}

/** Puts an approved edit's payload where the job reads it; the payload as received is never changed. */
export async function applyEditedPayload(tx: Transaction, target: RequeueTarget, editId: string, payload: Record<string, unknown>): Promise<void> {
  if (target.source === "inbox" && target.inboxId) {
    await tx.update(webhookInbox).set({ editedPayload: payload, editId }).where(eq(webhookInbox.id, target.inboxId));
  } else if (target.source === "outbox" && target.outboxEventId) {
    await tx.update(outboxEvents).set({ editedPayload: payload, editId }).where(eq(outboxEvents.id, target.outboxEventId));
  }
}

/**
 * The worker's side of a bulk replay: each running batch releases at most its rate of queued dead
 * letters per call (the worker calls once a second), so a replay of thousands cannot flood the
 * handlers. A batch with nothing queued or in flight is completed.
 */
export async function releaseQueuedReplays(tx: Transaction, batchesMax = 10): Promise<number> {
  const batches = await tx.execute<{ id: string; rate_per_second: number }>(
    sql`select id, rate_per_second from replay_batches where status = 'running' order by created_at limit ${batchesMax} for update skip locked`,
  );
  let released = 0;
  for (const batch of batches) {
    const rows = await tx.execute<{ id: string; source: "inbox" | "outbox"; inbox_id: string | null; outbox_event_id: string | null; handler: string }>(sql`
      update dead_letters d set status = 'replaying', updated_at = now()
        from (select id from dead_letters where replay_batch_id = ${batch.id} and status = 'queued'
               order by dead_lettered_at, id limit ${batch.rate_per_second} for update skip locked) as next
       where d.id = next.id
      returning d.id, d.source, d.inbox_id, d.outbox_event_id, d.handler`);
    for (const row of rows) {
      const requeued = await requeueJob(tx, { source: row.source, inboxId: row.inbox_id, outboxEventId: row.outbox_event_id, handler: row.handler });
      // The job was not dead any more (it cannot be, short of a bug): the row goes back to dead rather than hang in replaying.
      if (!requeued) await tx.update(deadLetters).set({ status: "dead", updatedAt: sql`now()` }).where(eq(deadLetters.id, row.id));
    }
    released += rows.length;
    await tx.execute(sql`
      update replay_batches set status = 'completed', finished_at = now()
       where id = ${batch.id} and not exists (select 1 from dead_letters where replay_batch_id = ${batch.id} and status in ('queued', 'replaying'))`);
  }
  return released;
}
