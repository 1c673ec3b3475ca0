import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import { batchLimit, executePrepared, type Database, type Transaction } from "@/db/client";
import { outboxDeliveries, outboxEvents, processedEvents, webhookInbox } from "@/db/schema";
import { assert } from "../errors";
import { logger } from "../log";
import type { HandlerStatement, OutboxHandler } from "./handlers/handler";
import { classifyFailure, type Failure } from "./job-error";
import { deadLetter, outboxJobKey, recordAttempt, resolveDeadLetter, type JobRef } from "./job-records";
import { mapLimit } from "./map-limit";
import { parseOutboxEvent, type OutboxDelivery, type ParsedOutboxEvent } from "./outbox-events";
import { attemptsExhausted, backoffDelayMs } from "./retry-policy";
import type { WorkerOptions } from "./worker-options";

export interface DispatchOptions extends WorkerOptions {
  random?: () => number;
}

export interface DispatchBatchResult {
  claimed: number;
  delivered: number;
  pending: number;
  dead: number;
}

/** Claims beyond this many for one event mean its workers keep dying on it: it is dead-lettered. */
const eventClaimsMax = 25;
/** A handler is not started on an event whose lease ends sooner than this. */
const leaseMarginMs = 2_000;

interface ClaimedEvent extends Record<string, unknown> {
  id: string;
  type: string;
  aggregate_type: string;
  aggregate_id: string;
  payload: Record<string, unknown>;
  edited_payload: Record<string, unknown> | null;
  correlation_id: string | null;
  created_at: string;
  attempts: number;
  lost: boolean;
  claimed_until: string;
  /** A handler already failed or processed it: its delivery state must be read before anything is attempted. */
  seen: boolean;
}

type DeliveryState = typeof outboxDeliveries.$inferSelect;
/** `marked`: the event was marked delivered in the same transaction as this handler's effect. */
type HandlerResult = { state: "delivered"; marked?: true } | { state: "dead" } | { state: "pending"; at: number };

/**
 * Due events, claimed with FOR UPDATE SKIP LOCKED and a lease, exactly as the inbox is. `seen`
 * looks processed_events up by (handler, event id), its primary key: by event id alone it would
 * read the whole table.
 */
async function claimOutbox(db: Database, handlerNames: string[], options: DispatchOptions): Promise<ClaimedEvent[]> {
  const rows = await db.execute<ClaimedEvent>(sql`
    with due as (
      select id, claimed_until is not null as lost from outbox_events
       where status = 'pending' and available_at <= now()
       order by available_at, id
       limit ${options.batchSize}
       for update skip locked
    )
    update outbox_events e
       set attempts = e.attempts + 1, claimed_by = ${options.workerId},
           claimed_until = now() + ${options.leaseMs}::int * interval '1 millisecond',
           available_at = now() + ${options.leaseMs}::int * interval '1 millisecond'
      from due
     where e.id = due.id
    returning e.id, e.type, e.aggregate_type, e.aggregate_id, e.payload, e.edited_payload, e.correlation_id,
              to_char(e.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at,
              e.attempts, due.lost, to_char(e.claimed_until at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as claimed_until,
              exists (select 1 from outbox_deliveries d where d.event_id = e.id)
                or exists (select 1 from processed_events p where p.handler in (${sql.join(handlerNames.map((name) => sql`${name}`), sql`, `)}) and p.event_id = e.id) as seen`);
  return [...rows];
}

/**
 * One dispatcher round: claim due outbox events and deliver each to every handler that takes its
 * type and has not processed it yet. Handlers retry independently (their state lives in
 * outbox_deliveries), so a failing subscriber never holds up the projection, and a poison event
 * dead-letters without stopping the events around it. A handler with a batch interface gets the
 * round's first attempts in one transaction (see deliverBatch); every other attempt, and any retry,
 * is delivered on its own.
 */
export async function dispatchOutboxBatch(db: Database, handlers: readonly OutboxHandler[], options: DispatchOptions): Promise<DispatchBatchResult> {
  assert(handlers.length > 0, "the dispatcher has at least one handler");
  const leasedAt = leaseRoundAt.get(options.workerId);
  if (leasedAt !== undefined && Date.now() - leasedAt < leaseRoundIntervalMs && handlers.every((handler) => handler.inDatabase && handler.statement)) {
    const direct = await dispatchInOneTransaction(db, handlers, options);
    if (direct && direct.claimed > 0) return direct;
  }
  const result = await dispatchLeased(db, handlers, options);
  if (result.claimed > 0) leaseRoundAt.set(options.workerId, Date.now());
  return result;
}

/**
 * When this worker last ran a lease round that claimed something. Only a worker that has done so
 * within the last second delivers in one transaction: after a start (a new worker id) the first
 * events go through the lease path, so an event that kills its worker in the one-transaction path
 * (where a crash leaves no trace) is then claimed with a lease, counted, and finally
 * dead-lettered. The lease round once a second also takes what that path leaves: retries, replays,
 * events whose lease ran out.
 */
const leaseRoundAt = new Map<string, number>();
const leaseRoundIntervalMs = 1_000;

interface DirectEvent extends Record<string, unknown> {
  id: string;
  type: string;
  payload: Record<string, unknown>;
  /** Per handler, in handler order: whether its SQL accepts the event. */
  accepted: boolean[];
}

/**
 * For handlers whose whole effect is in this database: ONE prepared statement claims due events no
 * handler has seen yet (no lease, no delivery state; FOR UPDATE SKIP LOCKED), marks them delivered,
 * writes each handler's processed_events rows and applies each handler's effect for the events it
 * had not processed (HandlerStatement), in one transaction. The row locks keep other dispatchers off
 * while it runs; a crash rolls all of it back and the events are simply due again, so nothing is
 * lost or applied twice. The payloads are then checked against their types as the lease path
 * checks them, before the commit: any failure (a poison payload, a failing effect, a handler whose
 * SQL and code disagree on a type) rolls it back and returns null, and the caller runs the lease
 * path, which records attempts and dead-letters one event at a time.
 */
async function dispatchInOneTransaction(db: Database, handlers: readonly OutboxHandler[], options: DispatchOptions): Promise<DispatchBatchResult | null> {
  const statements = handlers.map((handler) => handler.statement);
  if (!statements.every((statement) => statement !== undefined)) return null;
  const timeoutMs = Math.max(...handlers.map((handler) => handler.policy.attemptTimeoutMs));
  try {
    return await db.transaction(async (tx) => {
      const [, claimed] = await Promise.all([
        executePrepared(tx, sql`select set_config('statement_timeout', ${String(timeoutMs)}, true)`),
        executePrepared<DirectEvent>(tx, oneStatement(handlers, statements, options.batchSize)),
      ]);
      for (const event of claimed) {
        parseOutboxEvent(event.type, event.payload);
        handlers.forEach((handler, index) => {
          assert(event.accepted[index] === handler.accepts(event.type), `${handler.name}: its SQL and its code disagree on events of type ${event.type}`);
        });
      }
      return { claimed: claimed.length, delivered: claimed.length, pending: 0, dead: 0 };
    });
  } catch (error) {
    logger.warn({ err: error, workerId: options.workerId }, "outbox batch could not be delivered in one statement; delivering it through leases");
    return null;
  }
}

/**
 * The one statement: claim and mark delivered, then per handler its processed_events insert (ON
 * CONFLICT DO NOTHING: a twin holding a row makes it wait, then the event is left out) and its
 * effect over the events that insert returned. Data-modifying CTEs all run, referenced or not.
 */
function oneStatement(handlers: readonly OutboxHandler[], statements: HandlerStatement[], batchSize: number): SQL {
  const parts = statements.map((statement, index) => {
    const name = (part: string) => sql`${sql.identifier(`h${index}_${part}`)}`;
    const handler = handlers[index];
    assert(handler, "one statement per handler");
    return sql`,
    ${name("processed")} as (
      insert into processed_events (handler, event_id, correlation_id)
      select ${handler.name}::text, c.id, c.correlation_id from claimed c where ${statement.accepts(sql`c.type`)}
      on conflict do nothing
      returning event_id
    ),
    ${name("fresh")} as (
      select c.id, c.type, c.payload, c.created_at from claimed c join ${name("processed")} p on p.event_id = c.id
    ),
    ${statement.effect(name("fresh"), name)}`;
  });
  const accepted = statements.map((statement) => statement.accepts(sql`c.type`));
  return sql`
    with due as (
      select id from outbox_events e
       where status = 'pending' and available_at <= now() and claimed_until is null
         and not exists (select 1 from outbox_deliveries d where d.event_id = e.id)
       order by available_at, id
       limit ${batchLimit(batchSize)}
       for update skip locked
    ),
    claimed as (
      update outbox_events e
         set attempts = e.attempts + 1, status = 'delivered', delivered_at = now()
        from due
       where e.id = due.id
      returning e.id, e.type, coalesce(e.edited_payload, e.payload) as payload, e.correlation_id, e.created_at
    )${sql.join(parts, sql``)}
    select c.id, c.type, c.payload, array[${sql.join(accepted, sql`, `)}] as accepted
      from claimed c`;
}

/** The lease path: claim with a lease (committed), deliver, settle; see dispatchOutboxBatch. */
async function dispatchLeased(db: Database, handlers: readonly OutboxHandler[], options: DispatchOptions): Promise<DispatchBatchResult> {
  const handlerNames = handlers.map((handler) => handler.name);
  const claimed = await claimOutbox(db, handlerNames, options);
  const result: DispatchBatchResult = { claimed: claimed.length, delivered: 0, pending: 0, dead: 0 };
  if (claimed.length === 0) return result;
  const known = await knownDeliveries(db, handlerNames, claimed.flatMap((event) => (event.seen ? [event.id] : [])));
  const results = new Map<string, HandlerResult[]>(claimed.map((event) => [event.id, []]));
  const attempts: Attempt[] = [];
  for (const event of claimed) {
    const parsed = parseClaimed(event);
    for (const handler of handlers.filter((candidate) => candidate.accepts(event.type))) {
      const step = nextStep(handler, event, known);
      if (step === "attempt") attempts.push({ handler, event, parsed, state: known.stateOf.get(`${event.id}:${handler.name}`) });
      else if (step === "lost") attempts.push({ handler, event, parsed: lostTooOften, state: undefined });
      else if (step !== "done") results.get(event.id)?.push(step);
    }
  }
  const individual = await deliverBatches(db, handlers, attempts, results, options);
  await mapLimit(individual, options.concurrency, async (attempt) => {
    try {
      results.get(attempt.event.id)?.push(await attemptDelivery(db, attempt, options));
    } catch (error) {
      // Not even the failure could be recorded: the event is left to its lease.
      results.delete(attempt.event.id);
      logger.error({ err: error, outboxEventId: attempt.event.id, handler: attempt.handler.name, correlationId: attempt.event.correlation_id }, "outbox event could not be dispatched or recorded");
    }
  });
  await settleEvents(db, claimed, results, result, options);
  return result;
}

interface Attempt {
  handler: OutboxHandler;
  event: ClaimedEvent;
  parsed: ParsedOutboxEvent | Failure;
  state: DeliveryState | undefined;
}

const lostTooOften: Failure = { errorClass: "LEASE_EXPIRED", message: "Workers kept stopping before finishing this event.", retryable: false };

function parseClaimed(event: ClaimedEvent): ParsedOutboxEvent | Failure {
  try {
    return parseOutboxEvent(event.type, event.edited_payload ?? event.payload);
  } catch (error) {
    return classifyFailure(error);
  }
}

interface Known {
  stateOf: Map<string, DeliveryState>;
  processed: Set<string>;
}

async function knownDeliveries(db: Database, handlerNames: string[], ids: string[]): Promise<Known> {
  if (ids.length === 0) return { stateOf: new Map(), processed: new Set() };
  const states = await db.select().from(outboxDeliveries).where(inArray(outboxDeliveries.eventId, ids));
  const done = await db
    .select({ handler: processedEvents.handler, eventId: processedEvents.eventId })
    .from(processedEvents)
    .where(and(inArray(processedEvents.handler, handlerNames), inArray(processedEvents.eventId, ids)));
  return { stateOf: new Map(states.map((state) => [`${state.eventId}:${state.handler}`, state])), processed: new Set(done.map((row) => `${row.eventId}:${row.handler}`)) };
}

/** What this round does for one handler of one event: nothing, a known outcome, or an attempt. */
function nextStep(handler: OutboxHandler, event: ClaimedEvent, known: Known): HandlerResult | "done" | "attempt" | "lost" {
  const key = `${event.id}:${handler.name}`;
  const state = known.stateOf.get(key);
  if (known.processed.has(key) || state?.status === "delivered" || state?.status === "discarded") return "done";
  if (state?.status === "dead") return { state: "dead" };
  if (state && state.nextAttemptAt.getTime() > Date.now()) return { state: "pending", at: state.nextAttemptAt.getTime() };
  if (event.lost && event.attempts > eventClaimsMax) return "lost";
  if (new Date(event.claimed_until).getTime() - Date.now() < leaseMarginMs) return { state: "pending", at: Date.now() };
  return "attempt";
}

/**
 * First attempts of well-formed events go to their handler's batch interface, one transaction per
 * handler. What the batches did not settle (no batch interface, a retry, a poison event, or a batch
 * that failed) is returned, to be delivered one by one.
 */
async function deliverBatches(db: Database, handlers: readonly OutboxHandler[], attempts: Attempt[], results: Map<string, HandlerResult[]>, options: DispatchOptions): Promise<Attempt[]> {
  const settled = new Set<Attempt>();
  const attemptsPerEvent = new Map<string, number>();
  for (const attempt of attempts) attemptsPerEvent.set(attempt.event.id, (attemptsPerEvent.get(attempt.event.id) ?? 0) + 1);
  for (const handler of handlers) {
    const batch = attempts.filter((attempt) => attempt.handler === handler && handler.handleBatch && !attempt.state && !isFailure(attempt.parsed));
    // An event this batch is the last word on (no other handler attempts it, none is pending or dead) is marked delivered in the same commit.
    const finishing = batch.flatMap(({ event }) => (attemptsPerEvent.get(event.id) === 1 && results.get(event.id)?.length === 0 ? [event.id] : []));
    if (batch.length === 0 || !(await deliverBatch(db, handler, batch, finishing, options))) continue;
    for (const attempt of batch) {
      settled.add(attempt);
      results.get(attempt.event.id)?.push(finishing.includes(attempt.event.id) ? { state: "delivered", marked: true } : { state: "delivered" });
    }
  }
  return attempts.filter((attempt) => !settled.has(attempt));
}

/**
 * The batch's processed_events records in one statement (a twin already holding one makes it wait,
 * then that event is left out), the handler's set-based effect for the rest, one commit. Any
 * failure rolls all of it back and returns false: the events are then delivered one by one, so the
 * failing one records its own attempt and the others apply exactly once.
 */
async function deliverBatch(db: Database, handler: OutboxHandler, batch: Attempt[], finishing: string[], options: DispatchOptions): Promise<boolean> {
  try {
    await db.transaction(async (tx) => {
      const claimedRows = sql.join(
        batch.map(({ event }) => sql`(${event.id}::uuid, ${event.correlation_id}::text)`),
        sql`, `,
      );
      const finished = finishing.length === 0 ? sql`` : sql`
        with finished as (
          update outbox_events set status = 'delivered', delivered_at = now(), claimed_until = null, claimed_by = null
           where id in (${sql.join(finishing.map((id) => sql`${id}::uuid`), sql`, `)}) and claimed_by = ${options.workerId}
        )`;
      const fresh = await tx.execute<{ event_id: string }>(sql`${finished}
        insert into processed_events (handler, event_id, correlation_id)
        select ${handler.name}, v.event_id, v.correlation_id
          from (select set_config('statement_timeout', ${String(handler.policy.attemptTimeoutMs)}, true)) as timeout, (values ${claimedRows}) as v (event_id, correlation_id)
        on conflict do nothing
        returning event_id`);
      const freshIds = new Set(fresh.map((row) => row.event_id));
      const deliveries = batch.flatMap(({ event, parsed }) => (freshIds.has(event.id) && !isFailure(parsed) ? [deliveryOf(event, parsed)] : []));
      if (deliveries.length > 0) await handler.handleBatch?.(tx, deliveries, AbortSignal.timeout(handler.policy.attemptTimeoutMs));
    });
    return true;
  } catch (error) {
    logger.warn({ err: error, handler: handler.name, events: batch.length, workerId: options.workerId }, "outbox batch failed; delivering its events one by one");
    return false;
  }
}

function deliveryOf(event: Pick<ClaimedEvent, "id" | "aggregate_type" | "aggregate_id" | "correlation_id" | "created_at">, parsed: ParsedOutboxEvent): OutboxDelivery {
  return {
    id: event.id,
    aggregateType: event.aggregate_type,
    aggregateId: event.aggregate_id,
    correlationId: event.correlation_id,
    createdAt: new Date(event.created_at),
    event: parsed,
  };
}

/** Each event's handlers decide its state: any retry pending keeps it pending, else any dead handler makes it dead, else delivered. */
async function settleEvents(db: Database, claimed: ClaimedEvent[], results: Map<string, HandlerResult[]>, result: DispatchBatchResult, options: DispatchOptions): Promise<void> {
  const { workerId } = options;
  const delivered: string[] = [];
  await mapLimit(claimed, options.concurrency, async (event) => {
    const outcomes = results.get(event.id);
    if (!outcomes) return;
    const pendingAt = outcomes.flatMap((entry) => (entry.state === "pending" ? [entry.at] : []));
    try {
      if (pendingAt.length > 0) {
        result.pending += 1;
        await releaseEvent(db, event.id, workerId, { status: "pending", at: Math.min(...pendingAt) });
      } else if (outcomes.some((entry) => entry.state === "dead")) {
        result.dead += 1;
        await releaseEvent(db, event.id, workerId, { status: "dead" });
      } else {
        result.delivered += 1;
        if (!outcomes.some((entry) => entry.state === "delivered" && entry.marked)) delivered.push(event.id);
      }
    } catch (error) {
      logger.error({ err: error, outboxEventId: event.id, correlationId: event.correlation_id }, "outbox event could not be dispatched or recorded");
    }
  });
  if (delivered.length > 0) {
    await db
      .update(outboxEvents)
      .set({ status: "delivered", deliveredAt: sql`now()`, claimedUntil: null, claimedBy: null })
      .where(and(inArray(outboxEvents.id, delivered), eq(outboxEvents.claimedBy, workerId)));
  }
}

async function releaseEvent(db: Database, id: string, workerId: string, next: { status: "pending"; at: number } | { status: "dead" }): Promise<void> {
  await db
    .update(outboxEvents)
    .set(next.status === "pending" ? { availableAt: new Date(next.at), claimedUntil: null, claimedBy: null } : { status: "dead", claimedUntil: null, claimedBy: null })
    .where(and(eq(outboxEvents.id, id), eq(outboxEvents.claimedBy, workerId)));
}

function isFailure(value: ParsedOutboxEvent | Failure): value is Failure {
  return "errorClass" in value;
}

async function attemptDelivery(db: Database, { handler, event, parsed, state }: Attempt, options: DispatchOptions): Promise<HandlerResult> {
  const startedAt = new Date();
  if (isFailure(parsed)) return recordDeliveryFailure(db, handler, event, parsed, startedAt, options);
  const delivery = deliveryOf(event, parsed);
  try {
    await db.transaction(async (tx) => {
      // Claims (handler, event) and sets the attempt's statement timeout for the rest of the
      // transaction in one round trip; a twin holding the claim makes this wait, then find it.
      const fresh = await tx.execute<{ event_id: string }>(sql`
        insert into processed_events (handler, event_id, correlation_id)
        select ${handler.name}, ${event.id}::uuid, ${event.correlation_id} from (select set_config('statement_timeout', ${String(handler.policy.attemptTimeoutMs)}, true)) as timeout
        on conflict do nothing
        returning event_id`);
      if (fresh.length === 0) return;
      await handler.handle(tx, delivery, AbortSignal.timeout(handler.policy.attemptTimeoutMs));
      if (state) await markDelivered(tx, handler, event, state, startedAt, options.workerId);
    });
    return { state: "delivered" };
  } catch (error) {
    return recordDeliveryFailure(db, handler, event, classifyFailure(error), startedAt, options);
  }
}

function jobOf(handler: OutboxHandler, event: ClaimedEvent, provider: string | null = null): JobRef {
  return {
    jobKey: outboxJobKey(event.id, handler.name),
    source: "outbox",
    outboxEventId: event.id,
    handler: handler.name,
    eventType: event.type,
    provider,
    eventId: event.id,
    correlationId: event.correlation_id,
  };
}

/** A delivery that had failed before now succeeded: its state, its attempt and its dead letter say so. */
async function markDelivered(tx: Transaction, handler: OutboxHandler, event: ClaimedEvent, state: DeliveryState, startedAt: Date, workerId: string): Promise<void> {
  await tx
    .update(outboxDeliveries)
    .set({ status: "delivered", deliveredAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(outboxDeliveries.eventId, event.id), eq(outboxDeliveries.handler, handler.name)));
  await recordAttempt(tx, jobOf(handler, event), { run: state.run, attempt: state.attempts + 1, outcome: "succeeded", startedAt, workerId });
  if (state.run > 0) await resolveDeadLetter(tx, outboxJobKey(event.id, handler.name));
}

/** The attempt, and either the next one's time or the dead letter, in one transaction. */
async function recordDeliveryFailure(db: Database, handler: OutboxHandler, event: ClaimedEvent, failure: Failure, startedAt: Date, options: DispatchOptions): Promise<HandlerResult> {
  return db.transaction(async (tx) => {
    const [state] = await tx
      .insert(outboxDeliveries)
      .values({ eventId: event.id, handler: handler.name, attempts: 1, lastErrorClass: failure.errorClass, lastError: failure.message })
      .onConflictDoUpdate({
        target: [outboxDeliveries.eventId, outboxDeliveries.handler],
        set: { attempts: sql`${outboxDeliveries.attempts} + 1`, lastErrorClass: failure.errorClass, lastError: failure.message, updatedAt: sql`now()` },
      })
      .returning({ attempts: outboxDeliveries.attempts, run: outboxDeliveries.run });
    if (!state) throw new Error("delivery upsert returned no row");
    await recordAttempt(tx, jobOf(handler, event), { run: state.run, attempt: state.attempts, outcome: "failed", failure, startedAt, workerId: options.workerId });
    const where = and(eq(outboxDeliveries.eventId, event.id), eq(outboxDeliveries.handler, handler.name));
    if (!failure.retryable || attemptsExhausted(handler.policy, state.attempts)) {
      await tx.update(outboxDeliveries).set({ status: "dead" }).where(where);
      const [origin] = event.correlation_id
        ? await tx.select({ provider: webhookInbox.provider }).from(webhookInbox).where(eq(webhookInbox.correlationId, event.correlation_id)).limit(1)
        : [];
      await deadLetter(tx, jobOf(handler, event, origin?.provider ?? null), failure, state.attempts);
      logger.warn({ outboxEventId: event.id, handler: handler.name, errorClass: failure.errorClass, attempt: state.attempts, correlationId: event.correlation_id }, "outbox delivery dead-lettered");
      return { state: "dead" };
    }
    const at = Date.now() + backoffDelayMs(handler.policy, state.attempts, options.random);
    await tx.update(outboxDeliveries).set({ nextAttemptAt: new Date(at) }).where(where);
    logger.warn({ outboxEventId: event.id, handler: handler.name, errorClass: failure.errorClass, attempt: state.attempts, correlationId: event.correlation_id }, "outbox delivery failed; will retry");
    return { state: "pending", at };
  });
}

/** On shutdown: events this worker claimed but did not finish become due at once. */
export async function releaseOutboxClaims(db: Database, workerId: string): Promise<number> {
  const released = await db
    .update(outboxEvents)
    .set({ availableAt: sql`now()`, claimedUntil: null, claimedBy: null })
    .where(and(eq(outboxEvents.claimedBy, workerId), eq(outboxEvents.status, "pending")))
    .returning({ id: outboxEvents.id });
  return released.length;
}
