import { and, eq, sql } from "drizzle-orm";
import { uuidv7 } from "uuidv7";
import type { Transaction } from "@/db/client";
import { deadLetters, jobAttempts } from "@/db/schema";
import type { Failure } from "./job-error";

/** What identifies a job in the attempts table and the dead-letter queue. */
export interface JobRef {
  jobKey: string;
  source: "inbox" | "outbox";
  inboxId?: string | null;
  outboxEventId?: string | null;
  handler: string;
  eventType: string;
  provider?: string | null;
  eventId: string;
  correlationId?: string | null;
}

export const inboxHandler = "ledger-posting";
export const inboxJobKey = (inboxId: string) => `inbox:${inboxId}`;
export const outboxJobKey = (eventId: string, handler: string) => `outbox:${eventId}:${handler}`;

export interface AttemptRecord {
  run: number;
  attempt: number;
  outcome: "failed" | "succeeded" | "lost";
  failure?: Failure;
  startedAt: Date;
  workerId: string;
}

export async function recordAttempt(tx: Transaction, job: JobRef, record: AttemptRecord): Promise<void> {
  await tx.insert(jobAttempts).values({
    jobKey: job.jobKey,
    source: job.source,
    inboxId: job.inboxId ?? null,
    outboxEventId: job.outboxEventId ?? null,
    handler: job.handler,
    run: record.run,
    attempt: record.attempt,
    outcome: record.outcome,
    retryable: record.failure?.retryable ?? null,
    errorClass: record.failure?.errorClass ?? null,
    errorMessage: record.failure?.message ?? null,
    startedAt: record.startedAt,
    workerId: record.workerId,
    correlationId: job.correlationId ?? null,
  });
}

/**
 * Puts a job in the dead-letter queue, in the transaction that records its last attempt. A job
 * that dies again after a replay returns its existing row to `dead`, so one job is one row.
 */
export async function deadLetter(tx: Transaction, job: JobRef, failure: Failure, attempts: number): Promise<void> {
  await tx
    .insert(deadLetters)
    .values({
      id: uuidv7(),
      jobKey: job.jobKey,
      source: job.source,
      inboxId: job.inboxId ?? null,
      outboxEventId: job.outboxEventId ?? null,
      handler: job.handler,
      eventType: job.eventType,
      provider: job.provider ?? null,
      eventId: job.eventId,
      correlationId: job.correlationId ?? null,
      errorClass: failure.errorClass,
      lastError: failure.message,
      attempts,
    })
    .onConflictDoUpdate({
      target: deadLetters.jobKey,
      set: {
        status: "dead",
        errorClass: failure.errorClass,
        lastError: failure.message,
        attempts,
        deadLetteredAt: sql`now()`,
        timesDead: sql`${deadLetters.timesDead} + 1`,
        updatedAt: sql`now()`,
      },
    });
}

/** A replayed job succeeded: its dead letter is resolved. */
export async function resolveDeadLetter(tx: Transaction, jobKey: string): Promise<void> {
  await tx
    .update(deadLetters)
    .set({ status: "replayed", resolvedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(deadLetters.jobKey, jobKey), eq(deadLetters.status, "replaying")));
}
