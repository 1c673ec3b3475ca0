import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

export const outboxStatus = pgEnum("outbox_status", ["pending", "delivered", "dead"]);

/**
 * Events leaving the ledger, written in the same transaction as the change they describe. The
 * worker's dispatcher claims pending, due rows with a lease (`claimed_until`) and delivers them to
 * each handler; per-handler retry state lives in outbox_deliveries. The payload itself is never
 * changed (a trigger refuses it): an approved edit from the dead-letter workbench goes to
 * `edited_payload`, which handlers then receive instead.
 */
export const outboxEvents = pgTable(
  "outbox_events",
  {
    id: uuid().primaryKey(),
    type: text().notNull(),
    aggregateType: text().notNull(),
    aggregateId: text().notNull(),
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    correlationId: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    status: outboxStatus().notNull().default("pending"),
    attempts: integer().notNull().default(0),
    availableAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp({ withTimezone: true }),
    claimedUntil: timestamp({ withTimezone: true }),
    claimedBy: text(),
    editedPayload: jsonb().$type<Record<string, unknown>>(),
    editId: uuid(),
  },
  (t) => [
    index("outbox_events_pending_idx").on(t.availableAt, t.id).where(sql`${t.status} = 'pending'`),
    index("outbox_events_aggregate_idx").on(t.aggregateType, t.aggregateId),
    index("outbox_events_correlation_idx").on(t.correlationId).where(sql`${t.correlationId} is not null`),
  ],
);
