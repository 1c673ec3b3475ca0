import { aliasedTable, and, asc, desc, eq, gte, inArray, lt, sql, type SQL } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { afterCursor, cursorTimestamp } from "@/db/keyset";
import { auditEvents, deadLetterEdits, deadLetters, jobAttempts, outboxEvents, replayBatches, staff, webhookInbox } from "@/db/schema";
import { DomainError } from "../errors";
import { editablePathsOf } from "./edit-paths";
import { maskPayload } from "./mask-payload";
import { countsRangeDaysMax, type DeadLetterFilter, type DeadLetterSummary, type ListInput } from "./schemas";

const attemptsShownMax = 200;
const auditSeqsMax = 100;

const pendingEdit = sql<string | null>`(select e.id from ${deadLetterEdits} e where e.dead_letter_id = ${deadLetters.id} and e.status = 'pending' limit 1)`;

const summaryColumns = {
  id: deadLetters.id,
  source: deadLetters.source,
  handler: deadLetters.handler,
  eventType: deadLetters.eventType,
  provider: deadLetters.provider,
  eventId: deadLetters.eventId,
  correlationId: deadLetters.correlationId,
  errorClass: deadLetters.errorClass,
  lastError: deadLetters.lastError,
  attempts: deadLetters.attempts,
  status: deadLetters.status,
  firstDeadAt: deadLetters.firstDeadAt,
  deadLetteredAt: deadLetters.deadLetteredAt,
  timesDead: deadLetters.timesDead,
  replayBatchId: deadLetters.replayBatchId,
  resolvedAt: deadLetters.resolvedAt,
  discardedAt: deadLetters.discardedAt,
  discardReason: deadLetters.discardReason,
  pendingEditId: pendingEdit.as("pending_edit_id"),
};

/** The WHERE clause of a filter; shared by the list, the counts and "replay all matching". */
export function filterClauses(filter: Omit<DeadLetterFilter, "status"> & { status?: DeadLetterFilter["status"] }): SQL[] {
  const clauses: SQL[] = [inArray(deadLetters.status, filter.status ?? ["dead"])];
  if (filter.handler) clauses.push(eq(deadLetters.handler, filter.handler));
  if (filter.eventType) clauses.push(eq(deadLetters.eventType, filter.eventType));
  if (filter.provider) clauses.push(eq(deadLetters.provider, filter.provider));
  if (filter.errorClass) clauses.push(eq(deadLetters.errorClass, filter.errorClass));
  if (filter.from) clauses.push(gte(deadLetters.deadLetteredAt, sql`${filter.from}::timestamptz`));
  if (filter.to) clauses.push(lt(deadLetters.deadLetteredAt, sql`${filter.to}::timestamptz`));
  return clauses;
}

/** Newest dead-lettered first, keyset-paginated on (dead_lettered_at, id) at full microsecond precision. */
export async function listDeadLetters(db: Executor, input: ListInput): Promise<{ items: DeadLetterSummary[]; next: { at: string; id: string } | null }> {
  const clauses = filterClauses(input);
  if (input.cursor) clauses.push(afterCursor(deadLetters.deadLetteredAt, deadLetters.id, input.cursor, "desc"));
  const rows = await db
    .select({ ...summaryColumns, cursorAt: cursorTimestamp(deadLetters.deadLetteredAt) })
    .from(deadLetters)
    .where(and(...clauses))
    .orderBy(desc(deadLetters.deadLetteredAt), desc(deadLetters.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => {
      const item: Partial<typeof row> = { ...row };
      delete item.cursorAt;
      return item as DeadLetterSummary;
    }),
    next: rows.length > input.limit && last ? { at: last.cursorAt, id: last.id } : null,
  };
}

/** Counts by error class, and by hour and error class (the heat map), over at most two weeks. */
export async function countDeadLetters(db: Executor, input: { from?: string; to?: string; status?: DeadLetterFilter["status"] } = {}) {
  const to = input.to ? new Date(input.to) : new Date();
  const from = input.from ? new Date(input.from) : new Date(to.getTime() - 24 * 3_600_000);
  if (to.getTime() - from.getTime() > countsRangeDaysMax * 86_400_000 || from >= to) {
    throw new DomainError("VALIDATION", `from must be before to, at most ${countsRangeDaysMax} days apart.`, { field: "from" });
  }
  const where = and(...filterClauses({ status: input.status, from: from.toISOString(), to: to.toISOString() }));
  const byErrorClass = await db
    .select({ errorClass: deadLetters.errorClass, count: sql<number>`count(*)::int` })
    .from(deadLetters)
    .where(where)
    .groupBy(deadLetters.errorClass)
    .orderBy(desc(sql`count(*)`), asc(deadLetters.errorClass));
  const hour = sql<Date>`date_trunc('hour', ${deadLetters.deadLetteredAt} at time zone 'UTC') at time zone 'UTC'`;
  const byHour = await db
    .select({ hour, errorClass: deadLetters.errorClass, count: sql<number>`count(*)::int` })
    .from(deadLetters)
    .where(where)
    .groupBy(sql`1`, deadLetters.errorClass)
    .orderBy(sql`1`, asc(deadLetters.errorClass));
  return {
    from,
    to,
    total: byErrorClass.reduce((sum, row) => sum + row.count, 0),
    byErrorClass,
    byHour: byHour.map((row) => ({ ...row, hour: new Date(row.hour) })),
  };
}

/** The values the list's filters can take, from the last 30 days. */
export async function deadLetterFacets(db: Executor) {
  const rows = await db.execute<{ facet: string; value: string }>(sql`
    select distinct facet, value from dead_letters,
      lateral (values ('handler', handler), ('eventType', event_type), ('provider', provider), ('errorClass', error_class)) as f(facet, value)
     where dead_lettered_at > now() - interval '30 days' and value is not null
     order by facet, value limit 400`);
  const of = (facet: string) => [...rows].filter((row) => row.facet === facet).map((row) => row.value);
  return { handlers: of("handler"), eventTypes: of("eventType"), providers: of("provider"), errorClasses: of("errorClass") };
}

export async function findDeadLetter(db: Executor, id: string) {
  const [row] = await db.select().from(deadLetters).where(eq(deadLetters.id, id));
  if (!row) throw new DomainError("NOT_FOUND", "No such dead letter.", { field: "id" });
  return row;
}

/** The payload as received and the edited one, for either source. */
export async function payloadsOf(db: Executor, row: { source: "inbox" | "outbox"; inboxId: string | null; outboxEventId: string | null }) {
  if (row.source === "inbox" && row.inboxId) {
    const [inbox] = await db
      .select({ payload: webhookInbox.payload, editedPayload: webhookInbox.editedPayload, ledgerTransactionId: webhookInbox.ledgerTransactionId })
      .from(webhookInbox)
      .where(eq(webhookInbox.id, row.inboxId));
    if (!inbox) throw new Error("a dead letter's inbox row exists");
    return { ...inbox, outboxEventId: null as string | null };
  }
  if (!row.outboxEventId) throw new Error("a dead letter names its source row");
  const [event] = await db
    .select({ payload: outboxEvents.payload, editedPayload: outboxEvents.editedPayload, type: outboxEvents.type, aggregateType: outboxEvents.aggregateType, aggregateId: outboxEvents.aggregateId })
    .from(outboxEvents)
    .where(eq(outboxEvents.id, row.outboxEventId));
  if (!event) throw new Error("a dead letter's outbox event exists");
  const ledgerTransactionId = event.aggregateType === "ledger_transaction" ? event.aggregateId : null;
  return { payload: event.payload, editedPayload: event.editedPayload, ledgerTransactionId, outboxEventId: row.outboxEventId };
}

/** Where the inbox event's posting wrote its outbox event, if it got that far. */
async function outboxEventOfPosting(db: Executor, ledgerTransactionId: string | null): Promise<string | null> {
  if (!ledgerTransactionId) return null;
  const [row] = await db
    .select({ id: outboxEvents.id })
    .from(outboxEvents)
    .where(and(eq(outboxEvents.aggregateType, "ledger_transaction"), eq(outboxEvents.aggregateId, ledgerTransactionId)))
    .limit(1);
  return row?.id ?? null;
}

export async function listEdits(db: Executor, where: SQL, limit = 50) {
  const editor = aliasedTable(staff, "editor");
  const decider = aliasedTable(staff, "decider");
  return db
    .select({
      id: deadLetterEdits.id,
      deadLetterId: deadLetterEdits.deadLetterId,
      status: deadLetterEdits.status,
      editorId: deadLetterEdits.editorId,
      editorName: editor.displayName,
      deciderId: deadLetterEdits.deciderId,
      deciderName: decider.displayName,
      reason: deadLetterEdits.reason,
      diff: deadLetterEdits.diff,
      payloadHash: deadLetterEdits.payloadHash,
      decisionComment: deadLetterEdits.decisionComment,
      createdAt: deadLetterEdits.createdAt,
      decidedAt: deadLetterEdits.decidedAt,
    })
    .from(deadLetterEdits)
    .innerJoin(editor, eq(editor.id, deadLetterEdits.editorId))
    .leftJoin(decider, eq(decider.id, deadLetterEdits.deciderId))
    .where(where)
    .orderBy(desc(deadLetterEdits.createdAt))
    .limit(limit);
}

/** Everything an operator needs to decide: the payload (masked), every attempt, edits, and links to the rest. */
export async function getDeadLetterDetail(db: Executor, id: string) {
  const [summary] = await db.select(summaryColumns).from(deadLetters).where(eq(deadLetters.id, id));
  if (!summary) throw new DomainError("NOT_FOUND", "No such dead letter.", { field: "id" });
  const row = await findDeadLetter(db, id);
  const payloads = await payloadsOf(db, row);
  const attempts = await db
    .select({
      id: jobAttempts.id,
      run: jobAttempts.run,
      attempt: jobAttempts.attempt,
      outcome: jobAttempts.outcome,
      retryable: jobAttempts.retryable,
      errorClass: jobAttempts.errorClass,
      errorMessage: jobAttempts.errorMessage,
      startedAt: jobAttempts.startedAt,
      finishedAt: jobAttempts.finishedAt,
      workerId: jobAttempts.workerId,
    })
    .from(jobAttempts)
    .where(eq(jobAttempts.jobKey, row.jobKey))
    .orderBy(desc(jobAttempts.id))
    .limit(attemptsShownMax);
  const audit = await db
    .select({ seq: auditEvents.seq })
    .from(auditEvents)
    .where(and(eq(auditEvents.targetType, "dead_letter"), eq(auditEvents.targetId, id)))
    .orderBy(desc(auditEvents.seq))
    .limit(auditSeqsMax);
  return {
    ...summary,
    payload: maskPayload(payloads.payload),
    editedPayload: payloads.editedPayload ? maskPayload(payloads.editedPayload) : null,
    editablePaths: editablePathsOf(row.source, row.eventType),
    attempts: attempts.reverse(),
    edits: await listEdits(db, eq(deadLetterEdits.deadLetterId, id)),
    links: {
      inboxId: row.inboxId,
      outboxEventId: payloads.outboxEventId ?? (await outboxEventOfPosting(db, payloads.ledgerTransactionId)),
      ledgerTransactionId: payloads.ledgerTransactionId,
      correlationId: row.correlationId,
      auditSeqs: audit.map((entry) => entry.seq),
    },
  };
}

/** A bulk replay and how far it got, counted from its dead letters. */
export async function replayProgress(db: Executor, batchId: string) {
  const [batch] = await db.select().from(replayBatches).where(eq(replayBatches.id, batchId));
  if (!batch) throw new DomainError("NOT_FOUND", "No such replay batch.", { field: "batchId" });
  const rows = await db
    .select({ status: deadLetters.status, count: sql<number>`count(*)::int` })
    .from(deadLetters)
    .where(eq(deadLetters.replayBatchId, batchId))
    .groupBy(deadLetters.status);
  const count = (status: string) => rows.find((row) => row.status === status)?.count ?? 0;
  const counts = { queued: count("queued"), replaying: count("replaying"), replayed: count("replayed"), deadAgain: count("dead"), discarded: count("discarded") };
  return {
    batch: { id: batch.id, status: batch.status, total: batch.total, ratePerSecond: batch.ratePerSecond, requestedBy: batch.requestedBy, createdAt: batch.createdAt, finishedAt: batch.finishedAt, cancelledCount: batch.cancelledCount },
    counts,
    settled: counts.replayed + counts.deadAgain + counts.discarded + batch.cancelledCount,
  };
}

export async function listReplayBatches(db: Executor, limit = 20) {
  return db
    .select({
      id: replayBatches.id,
      status: replayBatches.status,
      total: replayBatches.total,
      ratePerSecond: replayBatches.ratePerSecond,
      requestedBy: replayBatches.requestedBy,
      createdAt: replayBatches.createdAt,
      finishedAt: replayBatches.finishedAt,
      cancelledCount: replayBatches.cancelledCount,
    })
    .from(replayBatches)
    .orderBy(desc(replayBatches.createdAt))
    .limit(limit);
}
