import { and, eq, sql } from "drizzle-orm";
import type { Database, Transaction } from "@/db/client";
import { webhookInbox } from "@/db/schema";
import { classifyFailure, JobError, type Failure } from "../jobs/job-error";
import { deadLetter, inboxHandler, inboxJobKey, recordAttempt, resolveDeadLetter, type JobRef } from "../jobs/job-records";
import { mapLimit } from "../jobs/map-limit";
import { attemptsExhausted, backoffDelayMs, inboxPolicy, type RetryPolicy } from "../jobs/retry-policy";
import type { WorkerOptions } from "../jobs/worker-options";
import { logger } from "../log";
import { applyEvent } from "./apply-event";
import { postingKeyOf } from "./event-context";
import { EventSchemaError, parseWebhookEvent, type WebhookEvent } from "./events";

export interface InboxOptions extends WorkerOptions {
  policy?: RetryPolicy;
  random?: () => number;
}

export interface InboxBatchResult {
  claimed: number;
  processed: number;
  retried: number;
  dead: number;
}

interface ClaimedRow extends Record<string, unknown> {
  id: string;
  attempts: number;
  run: number;
  lost: boolean;
  provider: string;
  event_id: string;
  event_type: string;
  correlation_id: string;
}

/**
 * Claims due inbox rows with FOR UPDATE SKIP LOCKED and a lease: the claim moves `available_at`
 * to the lease's end, so a row whose worker died becomes due again by itself. The claim counts as
 * an attempt, so an event that kills its worker every time still ends in the dead-letter queue.
 */
async function claimInbox(db: Database, options: InboxOptions): Promise<ClaimedRow[]> {
  const rows = await db.execute<ClaimedRow>(sql`
    with due as (
      select id, claimed_until is not null as lost from webhook_inbox
       where status = 'pending' and available_at <= now()
       order by available_at, id
       limit ${options.batchSize}
       for update skip locked
    )
    update webhook_inbox i
       set attempts = i.attempts + 1, claimed_by = ${options.workerId},
           claimed_until = now() + ${options.leaseMs}::int * interval '1 millisecond',
           available_at = now() + ${options.leaseMs}::int * interval '1 millisecond'
      from due
     where i.id = due.id
    returning i.id, i.attempts, i.run, due.lost, i.provider, i.event_id, i.event_type, i.correlation_id`);
  return [...rows];
}

function jobOf(row: ClaimedRow): JobRef {
  return {
    jobKey: inboxJobKey(row.id),
    source: "inbox",
    inboxId: row.id,
    handler: inboxHandler,
    eventType: row.event_type,
    provider: row.provider,
    eventId: row.event_id,
    correlationId: row.correlation_id,
  };
}

/** Claims one batch and turns each event into its ledger effect; returns what happened. */
export async function processInboxBatch(db: Database, options: InboxOptions): Promise<InboxBatchResult> {
  const claimed = await claimInbox(db, options);
  const result: InboxBatchResult = { claimed: claimed.length, processed: 0, retried: 0, dead: 0 };
  await mapLimit(claimed, options.concurrency, async (row) => {
    const outcome = await processClaimed(db, row, options).catch((error: unknown) => {
      // Not even the failure could be recorded (the database went away): the lease brings the row back.
      logger.error({ err: error, inboxId: row.id, correlationId: row.correlation_id }, "inbox event could not be processed or recorded");
      return "skipped" as const;
    });
    if (outcome === "processed") result.processed += 1;
    else if (outcome === "retry") result.retried += 1;
    else if (outcome === "dead") result.dead += 1;
  });
  return result;
}

type Outcome = "processed" | "retry" | "dead" | "skipped";

async function processClaimed(db: Database, row: ClaimedRow, options: InboxOptions): Promise<Outcome> {
  const policy = options.policy ?? inboxPolicy;
  if (row.lost) {
    const lost: Failure = { errorClass: "LEASE_EXPIRED", message: "The worker holding this event stopped before finishing it.", retryable: true };
    const exhausted = row.attempts > policy.maxAttempts;
    const recorded = await db.transaction(async (tx) => {
      const current = await lockClaimed(tx, row, options.workerId);
      if (!current) return false;
      await recordAttempt(tx, jobOf(row), { run: row.run, attempt: row.attempts - 1, outcome: "lost", failure: lost, startedAt: new Date(), workerId: options.workerId });
      if (exhausted) await markDead(tx, row, lost);
      return true;
    });
    if (recorded && exhausted) return "dead";
  }
  const startedAt = new Date();
  try {
    return await db.transaction((tx) => applyClaimed(tx, row, options, policy, startedAt));
  } catch (error) {
    return recordFailure(db, row, classifyFailure(error), options, policy, startedAt);
  }
}

/** The row, locked, if this worker still holds its claim (another may have taken it after our lease ran out). */
async function lockClaimed(tx: Transaction, row: ClaimedRow, workerId: string) {
  const [current] = await tx
    .select()
    .from(webhookInbox)
    .where(and(eq(webhookInbox.id, row.id), eq(webhookInbox.status, "pending"), eq(webhookInbox.claimedBy, workerId)))
    .for("update");
  return current ?? null;
}

async function applyClaimed(tx: Transaction, row: ClaimedRow, options: InboxOptions, policy: RetryPolicy, startedAt: Date): Promise<Outcome> {
  await tx.execute(sql`select set_config('statement_timeout', ${String(policy.attemptTimeoutMs)}, true)`);
  const current = await lockClaimed(tx, row, options.workerId);
  if (!current) return "skipped";
  let event: WebhookEvent;
  try {
    event = parseWebhookEvent(current.editedPayload ?? current.payload);
  } catch (error) {
    if (error instanceof EventSchemaError) throw new JobError("SCHEMA_INVALID", error.message, false);
    throw error;
  }
  const effect = await applyEvent(tx, { provider: row.provider, eventId: row.event_id, eventType: event.type, correlationId: row.correlation_id, postingKey: postingKeyOf(row.provider, row.event_id) }, event);
  await tx
    .update(webhookInbox)
    .set({ status: "processed", processedAt: sql`now()`, outcome: effect.outcome, ledgerTransactionId: effect.ledgerTransactionId, claimedUntil: null, claimedBy: null })
    .where(eq(webhookInbox.id, row.id));
  if (row.attempts > 1 || row.run > 0) {
    await recordAttempt(tx, jobOf(row), { run: row.run, attempt: row.attempts, outcome: "succeeded", startedAt, workerId: options.workerId });
  }
  if (row.run > 0) await resolveDeadLetter(tx, inboxJobKey(row.id));
  return "processed";
}

async function markDead(tx: Transaction, row: ClaimedRow, failure: Failure): Promise<void> {
  await tx
    .update(webhookInbox)
    .set({ status: "dead", claimedUntil: null, claimedBy: null, lastErrorClass: failure.errorClass, lastError: failure.message })
    .where(eq(webhookInbox.id, row.id));
  await deadLetter(tx, jobOf(row), failure, row.attempts);
}

/**
 * Records the failed attempt and, in the same transaction, either schedules the next one (full
 * jitter backoff) or moves the event to the dead-letter queue: at once when no retry can help,
 * otherwise when the attempts run out.
 */
async function recordFailure(db: Database, row: ClaimedRow, failure: Failure, options: InboxOptions, policy: RetryPolicy, startedAt: Date): Promise<Outcome> {
  return db.transaction(async (tx) => {
    const current = await lockClaimed(tx, row, options.workerId);
    if (!current) return "skipped";
    await recordAttempt(tx, jobOf(row), { run: row.run, attempt: row.attempts, outcome: "failed", failure, startedAt, workerId: options.workerId });
    if (!failure.retryable || attemptsExhausted(policy, row.attempts)) {
      await markDead(tx, row, failure);
      logger.warn({ inboxId: row.id, provider: row.provider, eventType: row.event_type, errorClass: failure.errorClass, attempt: row.attempts, correlationId: row.correlation_id }, "inbox event dead-lettered");
      return "dead";
    }
    const delayMs = backoffDelayMs(policy, row.attempts, options.random);
    logger.warn({ inboxId: row.id, provider: row.provider, eventType: row.event_type, errorClass: failure.errorClass, attempt: row.attempts, delayMs, correlationId: row.correlation_id }, "inbox event failed; will retry");
    await tx
      .update(webhookInbox)
      .set({
        availableAt: sql`now() + ${delayMs}::int * interval '1 millisecond'`,
        claimedUntil: null,
        claimedBy: null,
        lastErrorClass: failure.errorClass,
        lastError: failure.message,
      })
      .where(eq(webhookInbox.id, row.id));
    return "retry";
  });
}

/** On shutdown: claims this worker holds but has not started become due at once for another worker. */
export async function releaseInboxClaims(db: Database, workerId: string): Promise<number> {
  const released = await db
    .update(webhookInbox)
    .set({ availableAt: sql`now()`, claimedUntil: null, claimedBy: null, attempts: sql`greatest(${webhookInbox.attempts} - 1, 0)` })
    .where(and(eq(webhookInbox.claimedBy, workerId), eq(webhookInbox.status, "pending")))
    .returning({ id: webhookInbox.id });
  return released.length;
}
