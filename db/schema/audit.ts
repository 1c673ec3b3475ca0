import { sql } from "drizzle-orm";
import { bigint, check, index, jsonb, pgEnum, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export const auditOutcome = pgEnum("audit_outcome", ["success", "denied", "failed"]);
export const auditActorType = pgEnum("audit_actor_type", ["staff", "service", "anonymous"]);

// Append-only and hash-chained: see server/audit/chain.ts for the record that is hashed and
// db/migrations for the triggers and grants that refuse UPDATE, DELETE and TRUNCATE.
export const auditEvents = pgTable(
  "audit_events",
  {
    seq: bigint({ mode: "number" }).primaryKey(),
    occurredAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    actorType: auditActorType().notNull(),
    actorId: text().notNull(),
    action: text().notNull(),
    targetType: text(),
    targetId: text(),
    outcome: auditOutcome().notNull(),
    correlationId: text(),
    ip: text(),
    userAgent: text(),
    details: jsonb().$type<Record<string, unknown>>().notNull(),
    prevHash: text().notNull(),
    hash: text().notNull(),
  },
  (t) => [
    index("audit_events_actor_idx").on(t.actorId, t.seq),
    index("audit_events_action_idx").on(t.action, t.seq),
    index("audit_events_target_idx").on(t.targetType, t.targetId, t.seq),
    index("audit_events_occurred_idx").on(t.occurredAt),
    check("audit_events_seq_positive", sql`${t.seq} > 0`),
    check("audit_events_hash_hex", sql`${t.hash} ~ '^[0-9a-f]{64}$' and ${t.prevHash} ~ '^[0-9a-f]{64}$'`),
  ],
);
