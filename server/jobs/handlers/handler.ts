import type { SQL } from "drizzle-orm";
import type { Transaction } from "@/db/client";
import type { OutboxDelivery } from "../outbox-events";
import type { RetryPolicy } from "../retry-policy";

/**
 * A consumer of outbox events. The dispatcher calls `handle` inside a transaction that already
 * holds this handler's processed_events record for the event: the effect and the record commit
 * together, so a redelivered or replayed event never applies twice. An effect outside the database
 * (an HTTP call) is at least once; its receiver dedupes on the event id it is sent.
 *
 * A handler whose effect is set-based may also take a batch: `handleBatch` applies several events
 * in one transaction that holds their processed_events records. When it fails, the dispatcher
 * rolls the batch back and delivers its events one by one through `handle`, so only the failing
 * event records a failed attempt, and its neighbours apply once.
 */
export interface OutboxHandler {
  name: string;
  policy: RetryPolicy;
  accepts(type: string): boolean;
  handle(tx: Transaction, delivery: OutboxDelivery, signal: AbortSignal): Promise<void>;
  handleBatch?(tx: Transaction, deliveries: readonly OutboxDelivery[], signal: AbortSignal): Promise<void>;
  /**
   * True when the handler's whole effect is written in this database by `handleBatch` (nothing
   * outside it, no HTTP): when every handler of a dispatcher is such and has a `statement`, a batch
   * is claimed, applied and marked delivered in one transaction, which is then its exactly-once
   * guarantee.
   */
  inDatabase?: boolean;
  /**
   * The same effect as `handleBatch`, written as SQL for the dispatcher's one-statement path: it
   * composes these into the data-modifying statement that claims a batch, records processed_events
   * and marks the events delivered, so a batch costs one statement and one commit. Both versions
   * must leave the same effect; a test runs one batch through each and compares.
   */
  statement?: HandlerStatement;
}

export interface HandlerStatement {
  /** `accepts` in SQL, over a relation with a `type` column; the dispatcher checks that both agree for every claimed event. */
  accepts(type: SQL): SQL;
  /**
   * Common table expressions (`name as (...), ...`, each name made by `name`) that apply the effect
   * for the relation `fresh` (id uuid, type text, payload jsonb, created_at timestamptz): the
   * events this handler takes that no processed_events row held yet.
   */
  effect(fresh: SQL, name: (part: string) => SQL): SQL;
}
