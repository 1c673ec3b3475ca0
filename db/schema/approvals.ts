import { sql } from "drizzle-orm";
import { char, check, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { money } from "../columns";
import { staff } from "./staff";

export const approvalKind = pgEnum("approval_kind", ["adjustment", "policy_change", "monitor_threshold"]);
export const approvalStatus = pgEnum("approval_status", ["pending", "executed", "rejected", "cancelled", "expired", "failed"]);
export const approvalDecision = pgEnum("approval_decision", ["approve", "reject"]);
export const adjustmentReason = pgEnum("adjustment_reason", ["goodwill", "bonus_correction", "void_bet", "chargeback", "reconciliation_fix", "other"]);
export const adjustmentDirection = pgEnum("adjustment_direction", ["credit", "debit"]);

/**
 * Versioned approval policy: rules and caps are data. A version becomes active only through an
 * approved policy_change request; rows are never edited.
 */
export const approvalPolicies = pgTable("approval_policies", {
  version: integer().primaryKey(),
  rules: jsonb().$type<unknown[]>().notNull(),
  dailyCaps: jsonb().$type<Record<string, string>>().notNull(),
  expiryHours: integer().notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  createdBy: text().notNull(),
  /** The approved request that activated this version (null for the initial policy). */
  requestId: uuid(),
});

/**
 * A request for something no single person may do alone. `payload` is the canonical request and
 * `payload_hash` its SHA-256: approvals bind to the hash, and what executes is the payload.
 * The adjustment columns are copies of payload fields, kept for the queues' filters.
 */
export const approvalRequests = pgTable(
  "approval_requests",
  {
    id: uuid().primaryKey(),
    kind: approvalKind().notNull(),
    status: approvalStatus().notNull().default("pending"),
    makerId: uuid()
      .notNull()
      .references(() => staff.id),
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    payloadHash: text().notNull(),
    policyVersion: integer().notNull(),
    policyRule: text().notNull(),
    approvalsRequired: integer().notNull(),
    approverRoles: text().array().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    decidedAt: timestamp({ withTimezone: true }),
    failureReason: text(),
    /** What execution produced: a ledger transaction id, or an activated policy version. */
    resultRef: text(),
    accountId: uuid(),
    currency: char({ length: 3 }),
    amount: money(),
    direction: adjustmentDirection(),
    reasonCode: adjustmentReason(),
    reconExceptionId: uuid(),
    /** The balance of the account when the request was made, for the checker's drift view. */
    balanceAtRequest: money(),
  },
  (t) => [
    index("approval_requests_status_idx").on(t.status, t.createdAt),
    index("approval_requests_maker_idx").on(t.makerId, t.createdAt),
    index("approval_requests_account_idx").on(t.accountId, t.status),
    uniqueIndex("approval_requests_result_uq").on(t.kind, t.resultRef),
    check("approval_requests_approvals_range", sql`${t.approvalsRequired} between 1 and 2`),
    check("approval_requests_hash_hex", sql`${t.payloadHash} ~ '^[0-9a-f]{64}$'`),
  ],
);

/** One decision per checker per request; the database refuses the maker and a stale payload hash. */
export const approvalDecisions = pgTable(
  "approval_decisions",
  {
    id: uuid().primaryKey(),
    requestId: uuid()
      .notNull()
      .references(() => approvalRequests.id),
    approverId: uuid()
      .notNull()
      .references(() => staff.id),
    decision: approvalDecision().notNull(),
    comment: text(),
    payloadHash: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("approval_decisions_one_per_checker_uq").on(t.requestId, t.approverId)],
);
