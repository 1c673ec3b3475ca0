import { and, eq, sql } from "drizzle-orm";
import { batchLimit, executePrepared, type Database, type Transaction } from "@/db/client";
import { webhookInbox } from "@/db/schema";
import { classifyFailure, JobError, type Failure } from "../jobs/job-error";
import { deadLetter, inboxHandler, inboxJobKey, recordAttempt, resolveDeadLetter, type JobRef } from "../jobs/job-records";
import { mapLimit } from "../jobs/map-limit";
import { attemptsExhausted, backoffDelayMs, inboxPolicy, type RetryPolicy } from "../jobs/retry-policy";
import type { WorkerOptions } from "../jobs/worker-options";
import { logger } from "../log";
import { applyEvent } from "./apply-event";
import { postingKeyOf, type EventEffect } from "./event-context";
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

/**
 * Each event of a batch is a subtransaction; past 64 of them PostgreSQL's per-backend cache of
 * subtransaction ids overflows, which slows every other session's snapshots. A claimed batch
 * larger than this (WORKER_BATCH_SIZE goes to 500) is applied in several transactions.
 */
const eventsPerTransactionMax = 60;

/** A claimed batch; the worker claims the next one while it applies this one. */
export type ClaimedInbox = readonly ClaimedRow[];

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
 * Rows come back in the order they became due, the order a batch applies them in (a deposit
 * before the bet it funds).
 */
export async function claimInboxBatch(db: Database, options: InboxOptions): Promise<ClaimedInbox> {
  const rows = await executePrepared<ClaimedRow>(db, sql`
    with due as (
      select id, available_at as due_at, claimed_until is not null as lost from webhook_inbox
       where status = 'pending' and available_at <= now()
       order by available_at, id
       limit ${batchLimit(options.batchSize)}
       for update skip locked
    ),
    claimed as (
      update webhook_inbox i
         set attempts = i.attempts + 1, claimed_by = ${options.workerId}::text,
             claimed_until = now() + ${options.leaseMs}::int * interval '1 millisecond',
             available_at = now() + ${options.leaseMs}::int * interval '1 millisecond'
        from due
       where i.id = due.id
      returning i.id, i.attempts, i.run, due.lost, due.due_at, i.provider, i.event_id, i.event_type, i.correlation_id
    )
    select id, attempts, run, lost, provider, event_id, event_type, correlation_id from claimed order by due_at, id`);
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
  return applyInboxBatch(db, await claimInboxBatch(db, options), options);
}

/**
 * Applies a claimed batch. Fresh rows are applied together in one database transaction, each event
 * inside its own savepoint, so one commit serves the batch and a hot balance row (provider clearing,
 * game revenue) is locked once per batch instead of once per event. A row whose previous claim ran out may be the one that
 * stopped its worker, so it runs alone and cannot take a batch down with it.
 */
export async function applyInboxBatch(db: Database, claimed: ClaimedInbox, options: InboxOptions): Promise<InboxBatchResult> {
  const result: InboxBatchResult = { claimed: claimed.length, processed: 0, retried: 0, dead: 0 };
  const count = (outcome: Outcome) => {
    if (outcome === "processed") result.processed += 1;
    else if (outcome === "retry") result.retried += 1;
    else if (outcome === "dead") result.dead += 1;
  };
  await mapLimit(
    claimed.filter((row) => row.lost),
    options.concurrency,
    async (row) => {
      const outcome = await processClaimed(db, row, options).catch((error: unknown) => {
        // Not even the failure could be recorded (the database went away): the lease brings the row back.
        logger.error({ err: error, inboxId: row.id, correlationId: row.correlation_id }, "inbox event could not be processed or recorded");
        return "skipped" as const;
      });
      count(outcome);
    },
  );
  const fresh = claimed.filter((row) => !row.lost);
  for (let start = 0; start < fresh.length; start += eventsPerTransactionMax) {
    (await applyBatch(db, fresh.slice(start, start + eventsPerTransactionMax), options)).forEach(count);
  }
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
    return await db.transaction(async (tx) => {
      await setAttemptTimeout(tx, policy);
      const current = await lockClaimed(tx, row, options.workerId);
      if (!current) return "skipped";
      const effect = await applyClaimed(tx, row, current, options, startedAt);
      await markProcessed(tx, [{ id: row.id, effect }]);
      return "processed";
    });
  } catch (error) {
    return db.transaction(async (tx) => ((await lockClaimed(tx, row, options.workerId)) ? recordFailure(tx, row, classifyFailure(error), options, policy, startedAt) : "skipped"));
  }
}

/**
 * The batch's one transaction. An event that fails rolls back to its savepoint, which undoes its
 * own effects only, and its attempt and next step (retry or dead letter) are recorded in the same
 * transaction; the others commit with it. When the transaction itself cannot commit (the database
 * went away), nothing of the batch is applied and the lease brings every row back.
 */
async function applyBatch(db: Database, rows: ClaimedRow[], options: InboxOptions): Promise<Outcome[]> {
  const policy = options.policy ?? inboxPolicy;
  try {
    return await db.transaction(async (tx) => {
      // Sent together (postgres.js pipelines them on the transaction's connection); none depends on another's result.
      const [, , current] = await Promise.all([setAttemptTimeout(tx, policy), checkConstraintsPerStatement(tx), lockClaimedRows(tx, rows, options.workerId)]);
      const outcomes: Outcome[] = [];
      const processed: ProcessedRow[] = [];
      let opened = false;
      for (const row of rows) {
        const locked = current.get(row.id);
        if (!locked) {
          outcomes.push("skipped");
          continue;
        }
        const startedAt = new Date();
        const first = !opened;
        opened = true;
        try {
          processed.push({ id: row.id, effect: await inSavepoint(tx, first, () => applyClaimed(tx, row, locked, options, startedAt)) });
          outcomes.push("processed");
        } catch (error) {
          outcomes.push(await recordFailure(tx, row, classifyFailure(error), options, policy, startedAt));
        }
      }
      await markProcessed(tx, processed);
      return outcomes;
    });
  } catch (error) {
    logger.error({ err: error, inboxIds: rows.map((row) => row.id) }, "inbox batch could not be applied or recorded; its leases bring the events back");
    return rows.map(() => "skipped" as const);
  }
}

/**
 * Runs one event inside a savepoint: a failure rolls back to it, undoing this event's effects only.
 * One round trip per event: the previous event's savepoint is released as this one is taken (the
 * simple protocol runs both), and the batch's commit releases the last.
 */
async function inSavepoint<T>(tx: Transaction, first: boolean, work: () => Promise<T>): Promise<T> {
  await tx.execute(sql.raw(first ? "savepoint inbox_event" : "release savepoint inbox_event; savepoint inbox_event"));
  try {
    return await work();
  } catch (error) {
    await tx.execute(sql`rollback to savepoint inbox_event`);
    throw error;
  }
}

async function setAttemptTimeout(tx: Transaction, policy: RetryPolicy): Promise<void> {
  await tx.execute(sql`select set_config('statement_timeout', ${String(policy.attemptTimeoutMs)}, true)`);
}

/**
 * Deferred constraint checks (a ledger transaction has entries) would otherwise run only at the
 * batch's commit, where a failure would undo every event: checked at the end of each statement
 * instead, a failure stays inside the event's savepoint. A posting writes its header and entries
 * in one statement, so nothing it does needs the deferral.
 */
async function checkConstraintsPerStatement(tx: Transaction): Promise<void> {
  await tx.execute(sql`set constraints all immediate`);
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

/** What applying an event reads from its locked row. */
type InboxRow = Pick<typeof webhookInbox.$inferSelect, "payload" | "editedPayload">;

/** The batch's rows this worker still holds, locked in one prepared statement (id order, like every claim). */
async function lockClaimedRows(tx: Transaction, rows: ClaimedRow[], workerId: string): Promise<Map<string, InboxRow>> {
  const locked = await executePrepared<{ id: string; payload: Record<string, unknown>; edited_payload: Record<string, unknown> | null }>(
    tx,
    sql`select id, payload, edited_payload from webhook_inbox
         where id = any(${`{${rows.map((row) => row.id).join(",")}}`}::uuid[]) and status = 'pending' and claimed_by = ${workerId}::text
         order by id
           for update`,
  );
  return new Map(locked.map((row) => [row.id, { payload: row.payload, editedPayload: row.edited_payload }]));
}

/** The event's ledger effect and, for a retried or replayed event, its attempt and dead letter; the caller marks it processed. */
async function applyClaimed(tx: Transaction, row: ClaimedRow, current: InboxRow, options: InboxOptions, startedAt: Date): Promise<EventEffect> {
  let event: WebhookEvent;
  try {
    event = parseWebhookEvent(current.editedPayload ?? current.payload);
  } catch (error) {
    if (error instanceof EventSchemaError) throw new JobError("SCHEMA_INVALID", error.message, false);
    throw error;
  }
  const effect = await applyEvent(tx, { provider: row.provider, eventId: row.event_id, eventType: event.type, correlationId: row.correlation_id, postingKey: postingKeyOf(row.provider, row.event_id) }, event);
  if (row.attempts > 1 || row.run > 0) {
    await recordAttempt(tx, jobOf(row), { run: row.run, attempt: row.attempts, outcome: "succeeded", startedAt, workerId: options.workerId });
  }
  if (row.run > 0) await resolveDeadLetter(tx, inboxJobKey(row.id));
  return effect;
}

interface ProcessedRow {
  id: string;
  effect: EventEffect;
}

/** Every applied event of the transaction marked processed with its outcome, in one prepared statement (arrays, so one shape for any count). */
async function markProcessed(tx: Transaction, rows: ProcessedRow[]): Promise<void> {
  if (rows.length === 0) return;
  const ids = `{${rows.map((row) => row.id).join(",")}}`;
  const outcomes = `{${rows.map((row) => row.effect.outcome).join(",")}}`;
  const ledgerIds = `{${rows.map((row) => row.effect.ledgerTransactionId ?? "NULL").join(",")}}`;
  await executePrepared(
    tx,
    sql`
    update webhook_inbox i
       set status = 'processed', processed_at = now(), outcome = v.outcome, ledger_transaction_id = v.ledger_transaction_id,
           claimed_until = null, claimed_by = null
      from unnest(${ids}::uuid[], ${outcomes}::text[], ${ledgerIds}::uuid[]) as v (id, outcome, ledger_transaction_id)
     where i.id = v.id`,
  );
}

async function markDead(tx: Transaction, row: ClaimedRow, failure: Failure): Promise<void> {
  await tx
    .update(webhookInbox)
    .set({ status: "dead", claimedUntil: null, claimedBy: null, lastErrorClass: failure.errorClass, lastError: failure.message })
    .where(eq(webhookInbox.id, row.id));
  await deadLetter(tx, jobOf(row), failure, row.attempts);
}

/**
 * Records the failed attempt and, in the caller's transaction (which holds the row's lock), either
 * schedules the next one (full jitter backoff) or moves the event to the dead-letter queue: at once
 * when no retry can help, otherwise when the attempts run out.
 */
async function recordFailure(tx: Transaction, row: ClaimedRow, failure: Failure, options: InboxOptions, policy: RetryPolicy, startedAt: Date): Promise<Outcome> {
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
