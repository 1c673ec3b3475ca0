import { sql } from "drizzle-orm";
import { boolean, index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid, bigserial } from "drizzle-orm/pg-core";
import { uuidv7 } from "uuidv7";

export const staffRole = pgEnum("staff_role", ["support", "compliance", "finance", "operations", "auditor", "admin"]);
export const staffStatus = pgEnum("staff_status", ["active", "disabled"]);

export const staff = pgTable(
  "staff",
  {
    id: uuid().primaryKey().$defaultFn(() => uuidv7()),
    email: text().notNull(),
    displayName: text().notNull(),
    role: staffRole().notNull(),
    status: staffStatus().notNull().default("active"),
    passwordHash: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    disabledAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex("staff_email_lower_uq").on(sql`lower(${t.email})`)],
);

// One row per signed-in browser. The JWT carries only this id, so revoking the row (sign-out,
// disabled account, idle or absolute timeout) ends access on the next request.
export const staffSessions = pgTable(
  "staff_sessions",
  {
    id: uuid().primaryKey().$defaultFn(() => uuidv7()),
    staffId: uuid()
      .notNull()
      .references(() => staff.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp({ withTimezone: true }),
    revokedReason: text(),
    ip: text(),
    userAgent: text(),
  },
  (t) => [index("staff_sessions_staff_idx").on(t.staffId, t.createdAt)],
);

// Failed and successful sign-in attempts for throttling. The address is kept, the typed email is
// not: only a keyed hash of it, so a mistyped password-as-email never lands in the database.
export const signInAttempts = pgTable(
  "sign_in_attempts",
  {
    id: bigserial({ mode: "bigint" }).primaryKey(),
    emailKey: text().notNull(),
    ip: text().notNull(),
    succeeded: boolean().notNull(),
    attemptedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("sign_in_attempts_email_idx").on(t.emailKey, t.attemptedAt),
    index("sign_in_attempts_ip_idx").on(t.ip, t.attemptedAt),
  ],
);
