import { jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

// Small key/value facts about this installation, such as "demo data loaded".
export const systemMeta = pgTable("system_meta", {
  key: text().primaryKey(),
  value: jsonb().$type<Record<string, unknown>>().notNull(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
