import { sql } from "drizzle-orm";
import { bigint, check, index, pgEnum, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export const auditOutcome = pgEnum("audit_outcome", ["success", "denied", "failed"]);
export const auditActorType = pgEnum("audit_actor_type", ["staff", "service", "anonymous"]);

// details is text: the RFC 8785 canonical JSON of the details object, exactly the bytes the
// record's hash covers for that member (appendAuditEvent writes canonicalJson(details)), so the
// verifier can hash them as stored. Rows written before migration 0012 hold jsonb's text of their
// details, which is not canonical; for every row the hash covers the canonical JSON of
// JSON.parse(details), so those verify as before. In SQL read it as details::jsonb (the check
// keeps it a JSON object); through drizzle select auditDetails, which parses it.

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
    details: text().notNull(),
    prevHash: text().notNull(),
    hash: text().notNull(),
  },
  (t) => [
    index("audit_events_actor_idx").on(t.actorId, t.seq),
    index("audit_events_action_idx").on(t.action, t.seq),
    index("audit_events_target_idx").on(t.targetType, t.targetId, t.seq),
    index("audit_events_occurred_idx").on(t.occurredAt),
    check("audit_events_seq_positive", sql`${t.seq} > 0`),
    check("audit_events_details_object", sql`jsonb_typeof(${t.details}::jsonb) = 'object'`),
    check("audit_events_hash_hex", sql`${t.hash} ~ '^[0-9a-f]{64}$' and ${t.prevHash} ~ '^[0-9a-f]{64}$'`),
  ],
);

/** details as the object it holds, for drizzle selects. */
export const auditDetails = sql<Record<string, unknown>>`${auditEvents.details}`.mapWith((text: string) => JSON.parse(text) as Record<string, unknown>);
