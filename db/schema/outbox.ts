import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

export const outboxStatus = pgEnum("outbox_status", ["pending", "delivered", "dead"]);

/**
 * Events leaving the ledger, written in the same transaction as the change they describe. The
 * worker's dispatcher claims pending rows; the payload itself is never changed.
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
  },
  (t) => [
    index("outbox_events_pending_idx").on(t.availableAt).where(sql`${t.status} = 'pending'`),
    index("outbox_events_aggregate_idx").on(t.aggregateType, t.aggregateId),
  ],
);
