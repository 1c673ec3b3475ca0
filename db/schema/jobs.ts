import { sql } from "drizzle-orm";
import { bigserial, boolean, char, check, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { money } from "../columns";
import { customers } from "./customers";
import { webhookInbox } from "./ingest";
import { outboxEvents } from "./outbox";
import { staff } from "./staff";

export const deliveryStatus = pgEnum("outbox_delivery_status", ["pending", "delivered", "dead", "discarded"]);

/**
 * Retry state of one handler for one outbox event. A row exists only once a handler has failed
 * at least once: the happy path writes nothing here, only its processed_events record.
 */
export const outboxDeliveries = pgTable(
  "outbox_deliveries",
  {
    eventId: uuid()
      .notNull()
      .references(() => outboxEvents.id),
    handler: text().notNull(),
    status: deliveryStatus().notNull().default("pending"),
    attempts: integer().notNull().default(0),
    run: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastErrorClass: text(),
    lastError: text(),
    deliveredAt: timestamp({ withTimezone: true }),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: "outbox_deliveries_pk", columns: [t.eventId, t.handler] }), index("outbox_deliveries_status_idx").on(t.status, t.nextAttemptAt)],
);

/**
 * One row per (handler, event) whose effect has been applied, written in the same transaction as
 * the effect: a redelivered or replayed event finds it and does nothing. Append-only.
 */
export const processedEvents = pgTable(
  "processed_events",
  {
    handler: text().notNull(),
    eventId: uuid().notNull(),
    processedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    correlationId: text(),
  },
  (t) => [primaryKey({ name: "processed_events_pk", columns: [t.handler, t.eventId] })],
);

export const jobSource = pgEnum("job_source", ["inbox", "outbox"]);
export const attemptOutcome = pgEnum("job_attempt_outcome", ["failed", "succeeded", "lost"]);

/**
 * Every failed attempt (and the success that ends a run with failures, and attempts lost to a
 * crashed worker), with its error class and a message that carries no secrets or personal data.
 * Append-only: the workbench's attempt history.
 */
export const jobAttempts = pgTable(
  "job_attempts",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    jobKey: text().notNull(),
    source: jobSource().notNull(),
    inboxId: uuid(),
    outboxEventId: uuid(),
    handler: text().notNull(),
    run: integer().notNull(),
    attempt: integer().notNull(),
    outcome: attemptOutcome().notNull(),
    retryable: boolean(),
    errorClass: text(),
    errorMessage: text(),
    startedAt: timestamp({ withTimezone: true }).notNull(),
    finishedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    workerId: text().notNull(),
    correlationId: text(),
  },
  (t) => [index("job_attempts_job_idx").on(t.jobKey, t.id), index("job_attempts_finished_idx").on(t.finishedAt)],
);

export const deadLetterStatus = pgEnum("dead_letter_status", ["dead", "queued", "replaying", "replayed", "discarded"]);

/**
 * The dead-letter queue: one row per job (an inbox row, or one handler of one outbox event) that
 * exhausted its attempts or failed in a way no retry can fix. Rows are never deleted: a replayed
 * row ends `replayed`, a discarded one `discarded` with the reason; a replay that dies again
 * returns the same row to `dead`.
 */
export const deadLetters = pgTable(
  "dead_letters",
  {
    id: uuid().primaryKey(),
    /** inbox:<inbox id> or outbox:<event id>:<handler>. */
    jobKey: text().notNull(),
    source: jobSource().notNull(),
    inboxId: uuid().references(() => webhookInbox.id),
    outboxEventId: uuid().references(() => outboxEvents.id),
    handler: text().notNull(),
    eventType: text().notNull(),
    provider: text(),
    /** The provider's event id (inbox) or the outbox event id. */
    eventId: text().notNull(),
    correlationId: text(),
    errorClass: text().notNull(),
    lastError: text().notNull(),
    attempts: integer().notNull(),
    status: deadLetterStatus().notNull().default("dead"),
    firstDeadAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    deadLetteredAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    timesDead: integer().notNull().default(1),
    replayBatchId: uuid(),
    replayRequestedBy: uuid().references(() => staff.id),
    replayRequestedAt: timestamp({ withTimezone: true }),
    resolvedAt: timestamp({ withTimezone: true }),
    discardedBy: uuid().references(() => staff.id),
    discardedAt: timestamp({ withTimezone: true }),
    discardReason: text(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("dead_letters_job_uq").on(t.jobKey),
    index("dead_letters_status_time_idx").on(t.status, t.deadLetteredAt, t.id),
    index("dead_letters_time_idx").on(t.deadLetteredAt, t.id),
    index("dead_letters_error_class_idx").on(t.errorClass, t.deadLetteredAt),
    index("dead_letters_batch_idx").on(t.replayBatchId, t.status),
    check("dead_letters_source_ref", sql`(${t.source} = 'inbox') = (${t.inboxId} is not null) and (${t.source} = 'outbox') = (${t.outboxEventId} is not null)`),
    check("dead_letters_discard_reason", sql`${t.status} <> 'discarded' or (${t.discardReason} is not null and ${t.discardedBy} is not null)`),
  ],
);

export const editStatus = pgEnum("dead_letter_edit_status", ["pending", "approved", "rejected", "cancelled"]);

/**
 * A proposed change to a dead letter's payload. It is replayed only after a second person, never
 * the editor, approves it; the approval binds to the edited payload's hash. The diff is kept.
 */
export const deadLetterEdits = pgTable(
  "dead_letter_edits",
  {
    id: uuid().primaryKey(),
    deadLetterId: uuid()
      .notNull()
      .references(() => deadLetters.id),
    editorId: uuid()
      .notNull()
      .references(() => staff.id),
    reason: text().notNull(),
    originalPayload: jsonb().$type<Record<string, unknown>>().notNull(),
    editedPayload: jsonb().$type<Record<string, unknown>>().notNull(),
    diff: jsonb().$type<{ path: string; before: unknown; after: unknown }[]>().notNull(),
    payloadHash: text().notNull(),
    status: editStatus().notNull().default("pending"),
    deciderId: uuid().references(() => staff.id),
    decisionComment: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    decidedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("dead_letter_edits_one_pending_uq").on(t.deadLetterId).where(sql`${t.status} = 'pending'`),
    index("dead_letter_edits_status_idx").on(t.status, t.createdAt),
    check("dead_letter_edits_four_eyes", sql`${t.status} = 'cancelled' or ${t.deciderId} is null or ${t.deciderId} <> ${t.editorId}`),
    check("dead_letter_edits_hash_hex", sql`${t.payloadHash} ~ '^[0-9a-f]{64}$'`),
  ],
);

export const replayBatchStatus = pgEnum("replay_batch_status", ["running", "completed", "cancelled"]);

/**
 * A bulk replay: its dead letters are marked `queued` with this batch's id, and the worker releases
 * them at `rate_per_second`. Progress is counted from the dead letters themselves.
 */
export const replayBatches = pgTable(
  "replay_batches",
  {
    id: uuid().primaryKey(),
    requestedBy: uuid()
      .notNull()
      .references(() => staff.id),
    filter: jsonb().$type<Record<string, unknown>>().notNull(),
    total: integer().notNull(),
    ratePerSecond: integer().notNull(),
    status: replayBatchStatus().notNull().default("running"),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp({ withTimezone: true }),
    cancelledBy: uuid().references(() => staff.id),
    cancelledCount: integer().notNull().default(0),
  },
  (t) => [index("replay_batches_status_idx").on(t.status, t.createdAt), check("replay_batches_rate_range", sql`${t.ratePerSecond} between 1 and 1000`)],
);

/**
 * Read model kept by the activity projection handler: per customer, currency and kind of
 * posting, how many and how much, updated once per outbox event (processed_events dedupes).
 */
export const customerActivity = pgTable(
  "customer_activity",
  {
    customerId: uuid()
      .notNull()
      .references(() => customers.id),
    currency: char({ length: 3 }).notNull(),
    kind: text().notNull(),
    eventCount: integer().notNull().default(0),
    total: money().notNull(),
    lastEventId: uuid().notNull(),
    lastActivityAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ name: "customer_activity_pk", columns: [t.customerId, t.currency, t.kind] })],
);
