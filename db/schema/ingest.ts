import { sql } from "drizzle-orm";
import { char, check, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { money } from "../columns";
import { customers } from "./customers";

export const inboxStatus = pgEnum("inbox_status", ["pending", "processed", "dead", "discarded"]);

/**
 * Provider events as they arrived, one row per (provider, event id): a repeat delivery finds the
 * row and writes nothing. `payload` is the verified body and never changes (a trigger refuses it);
 * an approved edit from the dead-letter workbench goes to `edited_payload`, which the processor then
 * uses instead. The worker claims due rows with a lease (`claimed_until`): a crashed worker's rows
 * become due again when the lease runs out.
 */
export const webhookInbox = pgTable(
  "webhook_inbox",
  {
    id: uuid().primaryKey(),
    provider: text().notNull(),
    eventId: text().notNull(),
    eventType: text().notNull(),
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    /** SHA-256 of the raw body: the same event id with another body is refused, not stored. */
    payloadHash: text().notNull(),
    editedPayload: jsonb().$type<Record<string, unknown>>(),
    editId: uuid(),
    correlationId: text().notNull(),
    /** The provider's webhook-timestamp. */
    sentAt: timestamp({ withTimezone: true }).notNull(),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    status: inboxStatus().notNull().default("pending"),
    /** Attempts in the current run; a replay starts a new run at zero. */
    attempts: integer().notNull().default(0),
    run: integer().notNull().default(0),
    availableAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    claimedUntil: timestamp({ withTimezone: true }),
    claimedBy: text(),
    processedAt: timestamp({ withTimezone: true }),
    /** What processing did: posted, recorded (no ledger effect), duplicate (the business fact was already applied). */
    outcome: text(),
    ledgerTransactionId: uuid(),
    lastErrorClass: text(),
    lastError: text(),
  },
  (t) => [
    uniqueIndex("webhook_inbox_provider_event_uq").on(t.provider, t.eventId),
    index("webhook_inbox_due_idx").on(t.availableAt, t.id).where(sql`${t.status} = 'pending'`),
    index("webhook_inbox_received_idx").on(t.receivedAt),
    index("webhook_inbox_correlation_idx").on(t.correlationId),
    check("webhook_inbox_attempts_range", sql`${t.attempts} >= 0 and ${t.run} >= 0`),
  ],
);

export const paymentStatus = pgEnum("provider_payment_status", ["succeeded", "failed"]);

/** Deposits as the provider reported them; unique on the provider's payment id as a second line of defence. */
export const providerPayments = pgTable(
  "provider_payments",
  {
    id: uuid().primaryKey(),
    provider: text().notNull(),
    paymentId: text().notNull(),
    customerId: uuid()
      .notNull()
      .references(() => customers.id),
    amount: money().notNull(),
    currency: char({ length: 3 }).notNull(),
    method: text(),
    status: paymentStatus().notNull(),
    failureCode: text(),
    occurredAt: timestamp({ withTimezone: true }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    ledgerTransactionId: uuid(),
    lastEventId: text().notNull(),
  },
  (t) => [
    uniqueIndex("provider_payments_provider_payment_uq").on(t.provider, t.paymentId),
    index("provider_payments_customer_idx").on(t.customerId, t.createdAt),
    index("provider_payments_status_idx").on(t.status, t.updatedAt),
    check("provider_payments_amount_positive", sql`${t.amount} > 0`),
  ],
);

export const withdrawalStatus = pgEnum("provider_withdrawal_status", ["requested", "paid", "failed"]);

/**
 * Payouts: requested reserves the funds in the customer's withdrawal_hold account; paid sends them
 * to provider clearing; failed releases them to the wallet. A withdrawal still `requested` long
 * after `requested_at` is a stuck one.
 */
export const providerWithdrawals = pgTable(
  "provider_withdrawals",
  {
    id: uuid().primaryKey(),
    provider: text().notNull(),
    withdrawalId: text().notNull(),
    customerId: uuid()
      .notNull()
      .references(() => customers.id),
    amount: money().notNull(),
    currency: char({ length: 3 }).notNull(),
    status: withdrawalStatus().notNull(),
    requestedAt: timestamp({ withTimezone: true }).notNull(),
    settledAt: timestamp({ withTimezone: true }),
    failureCode: text(),
    holdTransactionId: uuid().notNull(),
    settleTransactionId: uuid(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastEventId: text().notNull(),
  },
  (t) => [
    uniqueIndex("provider_withdrawals_provider_withdrawal_uq").on(t.provider, t.withdrawalId),
    index("provider_withdrawals_status_idx").on(t.status, t.requestedAt),
    index("provider_withdrawals_customer_idx").on(t.customerId, t.requestedAt),
    check("provider_withdrawals_amount_positive", sql`${t.amount} > 0`),
  ],
);

export const betStatus = pgEnum("provider_bet_status", ["placed", "won", "rolled_back"]);

/** Bets by the game provider's bet id, so a win or a rollback finds the posting it refers to. */
export const providerBets = pgTable(
  "provider_bets",
  {
    id: uuid().primaryKey(),
    provider: text().notNull(),
    betId: text().notNull(),
    customerId: uuid()
      .notNull()
      .references(() => customers.id),
    amount: money().notNull(),
    currency: char({ length: 3 }).notNull(),
    game: text(),
    status: betStatus().notNull(),
    placedAt: timestamp({ withTimezone: true }).notNull(),
    settledAt: timestamp({ withTimezone: true }),
    winAmount: money(),
    betTransactionId: uuid().notNull(),
    winTransactionId: uuid(),
    rollbackTransactionId: uuid(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("provider_bets_provider_bet_uq").on(t.provider, t.betId),
    index("provider_bets_customer_idx").on(t.customerId, t.placedAt),
    check("provider_bets_amount_positive", sql`${t.amount} > 0`),
  ],
);
