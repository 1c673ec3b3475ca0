import { index, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

// One row per (scope, key): written in the same transaction as the effect, so a concurrent twin
// blocks on the primary key until the first commits and then replays its stored response.
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    scope: text().notNull(),
    key: text().notNull(),
    requestHash: text().notNull(),
    response: jsonb(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: "idempotency_keys_pk", columns: [t.scope, t.key] }), index("idempotency_keys_created_idx").on(t.createdAt)],
);
