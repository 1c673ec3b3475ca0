import { sql } from "drizzle-orm";
import { date, index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { uuidv7 } from "uuidv7";

export const kycStatus = pgEnum("kyc_status", ["pending", "verified", "rejected", "expired"]);

/** A platform customer. Nothing personal lives here: see customer_pii. */
export const customers = pgTable(
  "customers",
  {
    id: uuid().primaryKey().$defaultFn(() => uuidv7()),
    /** The platform's own reference for the customer, as providers and support quote it. */
    externalRef: text().notNull(),
    kycStatus: kycStatus().notNull().default("pending"),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("customers_external_ref_uq").on(t.externalRef)],
);

/**
 * Personal data, keyed by customer id and copied nowhere else, so it can be erased or
 * pseudonymised without touching a single ledger row.
 */
export const customerPii = pgTable(
  "customer_pii",
  {
    customerId: uuid()
      .primaryKey()
      .references(() => customers.id),
    fullName: text().notNull(),
    email: text().notNull(),
    dateOfBirth: date({ mode: "string" }).notNull(),
    country: text().notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("customer_pii_email_idx").on(sql`lower(${t.email})`)],
);
