import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  char,
  check,
  date,
  foreignKey,
  index,
  jsonb,
  pgEnum,
  pgTable,
  smallint,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { uuidv7 } from "uuidv7";
import { money } from "../columns";
import { customers } from "./customers";

export const currencies = pgTable(
  "currencies",
  {
    code: char({ length: 3 }).primaryKey(),
    exponent: smallint().notNull(),
    name: text().notNull(),
  },
  (t) => [check("currencies_exponent_range", sql`${t.exponent} between 0 and 18`), check("currencies_code_upper", sql`${t.code} ~ '^[A-Z]{3}$'`)],
);

export const accountType = pgEnum("account_type", ["asset", "liability", "equity", "income", "expense"]);
export const accountStatus = pgEnum("account_status", ["open", "frozen", "closed"]);
/**
 * What an account is for. Customer purposes have an owner; system purposes have none.
 * wallet: the customer's spendable balance. withdrawal_hold: funds reserved for a pending payout.
 */
export const accountPurpose = pgEnum("account_purpose", [
  "wallet",
  "withdrawal_hold",
  "provider_clearing",
  "house_cash",
  "game_revenue",
  "bonus_expense",
  "fee_income",
  "adjustments",
  "suspense",
]);

/** The chart of accounts. */
export const accounts = pgTable(
  "accounts",
  {
    id: uuid().primaryKey().$defaultFn(() => uuidv7()),
    code: text().notNull(),
    name: text().notNull(),
    type: accountType().notNull(),
    purpose: accountPurpose().notNull(),
    currency: char({ length: 3 })
      .notNull()
      .references(() => currencies.code),
    customerId: uuid().references(() => customers.id),
    status: accountStatus().notNull().default("open"),
    /** System accounts may run negative (a clearing account that is owed); customer accounts never. */
    allowNegative: boolean().notNull().default(false),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("accounts_code_uq").on(t.code),
    unique("accounts_id_currency_uq").on(t.id, t.currency),
    uniqueIndex("accounts_customer_purpose_currency_uq").on(t.customerId, t.purpose, t.currency).where(sql`${t.customerId} is not null`),
    index("accounts_customer_idx").on(t.customerId),
    check(
      "accounts_owner_matches_purpose",
      sql`(${t.purpose} in ('wallet', 'withdrawal_hold')) = (${t.customerId} is not null)`,
    ),
    check("accounts_customer_never_negative", sql`${t.customerId} is null or not ${t.allowNegative}`),
  ],
);

/**
 * The cached balance: a read model of the entries, updated in the posting's transaction under a
 * row lock and checked by ledger:verify. `balance` is on the account's normal side (credit for
 * liabilities, equity and income; debit for assets and expenses).
 */
export const accountBalances = pgTable(
  "account_balances",
  {
    accountId: uuid()
      .primaryKey()
      .references(() => accounts.id),
    currency: char({ length: 3 }).notNull(),
    balance: money().notNull(),
    /** Number of entries posted to the account; the account_seq of the newest entry. */
    entryCount: bigint({ mode: "number" }).notNull().default(0),
    allowNegative: boolean().notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check("account_balances_non_negative", sql`${t.allowNegative} or ${t.balance} >= 0`)],
);

export const transactionKind = pgEnum("transaction_kind", [
  "deposit",
  "withdrawal",
  "bet",
  "win",
  "bonus",
  "rollback",
  "adjustment",
  "fee",
  "reversal",
]);
export const initiatorType = pgEnum("initiator_type", ["staff", "service"]);

/** Append-only: the database refuses UPDATE, DELETE and TRUNCATE (see the ledger guards migration). */
export const ledgerTransactions = pgTable(
  "ledger_transactions",
  {
    id: uuid().primaryKey(),
    kind: transactionKind().notNull(),
    idempotencyKey: text().notNull(),
    /** SHA-256 of the canonical posting request; the same key with another hash is a conflict. */
    requestHash: text().notNull(),
    externalReference: text(),
    correlationId: text(),
    initiatorType: initiatorType().notNull(),
    initiatedBy: text().notNull(),
    /** The headline amount: total debits, for single-currency transactions (null otherwise). */
    amount: money(),
    currency: char({ length: 3 }),
    description: text(),
    occurredAt: timestamp({ withTimezone: true }).notNull(),
    bookedAt: timestamp({ withTimezone: true }).notNull(),
    valueDate: date({ mode: "string" }).notNull(),
    metadata: jsonb().$type<Record<string, string>>().notNull().default({}),
    /** The transaction this one corrects (reversal, rollback); at most one correction each. */
    reversesTransactionId: uuid(),
  },
  (t) => [
    uniqueIndex("ledger_transactions_idempotency_key_uq").on(t.idempotencyKey),
    // Partial where the column is mostly null: a null is never looked up (every lookup is an
    // equality, which implies not null) nor conflicts, so a posting without the value adds no entry.
    uniqueIndex("ledger_transactions_reverses_uq").on(t.reversesTransactionId).where(sql`${t.reversesTransactionId} is not null`),
    foreignKey({ name: "ledger_transactions_reverses_fk", columns: [t.reversesTransactionId], foreignColumns: [t.id] }),
    // Ascending on purpose: Drizzle's .desc() emits DESC NULLS LAST, which ORDER BY ... DESC (NULLS
    // FIRST) cannot use; an ascending index scanned backwards serves newest-first exactly.
    index("ledger_transactions_occurred_idx").on(t.occurredAt, t.id),
    index("ledger_transactions_booked_idx").on(t.bookedAt, t.id),
    index("ledger_transactions_kind_occurred_idx").on(t.kind, t.occurredAt, t.id),
    index("ledger_transactions_external_ref_idx").on(t.externalReference).where(sql`${t.externalReference} is not null`),
    index("ledger_transactions_correlation_idx").on(t.correlationId).where(sql`${t.correlationId} is not null`),
    index("ledger_transactions_metadata_idx").using("gin", sql`${t.metadata} jsonb_path_ops`),
    check("ledger_transactions_amount_positive", sql`${t.amount} is null or ${t.amount} > 0`),
  ],
);

/** Append-only. amount is signed: positive is a debit, negative a credit; per transaction and currency they sum to zero. */
export const ledgerEntries = pgTable(
  "ledger_entries",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    transactionId: uuid()
      .notNull()
      .references(() => ledgerTransactions.id),
    accountId: uuid().notNull(),
    currency: char({ length: 3 }).notNull(),
    amount: money().notNull(),
    /** 1, 2, 3... per account in posting order; with balanceAfter it is the account's statement. */
    accountSeq: bigint({ mode: "number" }).notNull(),
    /** The account's normal-side balance right after this entry. */
    balanceAfter: money().notNull(),
    bookedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [
    foreignKey({ name: "ledger_entries_account_currency_fk", columns: [t.accountId, t.currency], foreignColumns: [accounts.id, accounts.currency] }),
    uniqueIndex("ledger_entries_account_seq_uq").on(t.accountId, t.accountSeq),
    index("ledger_entries_transaction_idx").on(t.transactionId),
    index("ledger_entries_account_booked_idx").on(t.accountId, t.bookedAt),
    check("ledger_entries_amount_nonzero", sql`${t.amount} <> 0`),
  ],
);
