import { sql } from "drizzle-orm";
import { bigint, bigserial, char, check, date, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { money } from "../columns";
import { staff } from "./staff";

/**
 * Reconciliation: provider statements in, runs that compare them with the ledger (and the ledger
 * with itself), differences out, and an exceptions workbench where finance works them. Statements,
 * runs, their matches and differences are facts: append-only (see the recon guards migration).
 * Only an exception's working state (status, assignee) changes, and every change is audited.
 */

export const statementImportStatus = pgEnum("statement_import_status", ["accepted", "rejected"]);

/**
 * One uploaded statement file. The same provider and content hash is the same import: a re-upload
 * answers with this row instead of writing a duplicate. A rejected import keeps its errors and no lines.
 */
export const statementImports = pgTable(
  "statement_imports",
  {
    id: uuid().primaryKey(),
    provider: text().notNull(),
    /** The column mapping the file was read with (server/recon/formats.ts). */
    format: text().notNull(),
    fileName: text().notNull(),
    /** SHA-256 of the file's bytes. */
    contentHash: text().notNull(),
    byteSize: bigint({ mode: "number" }).notNull(),
    status: statementImportStatus().notNull(),
    rowCount: integer().notNull(),
    acceptedRows: integer().notNull(),
    rejectedRows: integer().notNull(),
    /** The bad rows (row number, field, reason), capped; the count is rejectedRows. */
    errors: jsonb().$type<Array<{ row: number; field: string; reason: string }>>().notNull().default([]),
    /** The earliest and latest line dates, for choosing the ledger window a run compares. */
    periodFrom: date({ mode: "string" }),
    periodTo: date({ mode: "string" }),
    uploadedBy: uuid()
      .notNull()
      .references(() => staff.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("statement_imports_provider_hash_uq").on(t.provider, t.contentHash),
    index("statement_imports_created_idx").on(t.createdAt),
    check("statement_imports_hash_hex", sql`${t.contentHash} ~ '^[0-9a-f]{64}$'`),
    check("statement_imports_counts", sql`${t.acceptedRows} + ${t.rejectedRows} = ${t.rowCount} and ${t.rowCount} >= 0`),
  ],
);

export const statementLineKind = pgEnum("statement_line_kind", ["payment", "withdrawal", "refund", "chargeback", "fee", "settlement"]);

/**
 * One validated statement line, as the provider reported it. `reference` is the provider's payment
 * or withdrawal reference; a settlement line may cover several references (`covers`).
 *
 * `import_id` has no foreign key: a statement-level trigger (migration 0011) checks every inserted
 * line against its import, once per INSERT or COPY instead of once per row, and checks more than a
 * foreign key would (the import is accepted and of the line's provider). Imports are never
 * deleted or changed (their guards), so what the trigger saw at insert time stays true. Lines are
 * read by import (the unique index) and by id; nothing looks them up by provider and reference or
 * date, so they carry no such index.
 */
export const statementLines = pgTable(
  "statement_lines",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    importId: uuid().notNull(),
    /** The row number in the file (1 = first data row). */
    lineNo: integer().notNull(),
    provider: text().notNull(),
    reference: text().notNull(),
    kind: statementLineKind().notNull(),
    /** The provider's status for the item: e.g. paid, pending, failed. */
    status: text().notNull(),
    amount: money().notNull(),
    currency: char({ length: 3 }).notNull(),
    bookedOn: date({ mode: "string" }).notNull(),
    /** References of the items a settlement line pays out in one sum. */
    covers: text().array(),
    description: text(),
  },
  (t) => [
    uniqueIndex("statement_lines_import_line_uq").on(t.importId, t.lineNo),
  ],
);

export const reconScope = pgEnum("recon_scope", ["payments", "withdrawals", "ledger"]);
export const reconRunMode = pgEnum("recon_run_mode", ["recorded", "dry_run"]);
export const reconRunTrigger = pgEnum("recon_run_trigger", ["manual", "schedule"]);
export const reconRunStatus = pgEnum("recon_run_status", ["completed", "failed"]);

/**
 * One reconciliation run, written once when it has finished: its parameters (tolerances, window,
 * thresholds), its inputs (statement imports, ledger window) and its summary. Runs are never
 * changed; two runs are compared by their differences' fingerprints.
 */
export const reconRuns = pgTable(
  "recon_runs",
  {
    id: uuid().primaryKey(),
    scope: reconScope().notNull(),
    mode: reconRunMode().notNull(),
    trigger: reconRunTrigger().notNull(),
    status: reconRunStatus().notNull(),
    provider: text(),
    parameters: jsonb().$type<Record<string, unknown>>().notNull(),
    importIds: uuid().array().notNull().default(sql`'{}'::uuid[]`),
    windowFrom: timestamp({ withTimezone: true }),
    windowTo: timestamp({ withTimezone: true }),
    /** Counts and sums per class and currency, matched share: what the report's summary shows. */
    summary: jsonb().$type<Record<string, unknown>>().notNull(),
    failureReason: text(),
    requestedBy: text().notNull(),
    startedAt: timestamp({ withTimezone: true }).notNull(),
    finishedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [
    index("recon_runs_scope_finished_idx").on(t.scope, t.finishedAt),
    index("recon_runs_finished_idx").on(t.finishedAt),
  ],
);

export const reconMatchMethod = pgEnum("recon_match_method", ["reference", "amount_date", "settlement"]);

/** A statement line matched to a ledger transaction in a run (a settlement line matches several). */
export const reconMatches = pgTable(
  "recon_matches",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    runId: uuid()
      .notNull()
      .references(() => reconRuns.id),
    lineId: bigint({ mode: "number" })
      .notNull()
      .references(() => statementLines.id),
    transactionId: uuid().notNull(),
    method: reconMatchMethod().notNull(),
  },
  (t) => [index("recon_matches_run_idx").on(t.runId, t.lineId), index("recon_matches_transaction_idx").on(t.transactionId)],
);

export const reconDifferenceClass = pgEnum("recon_difference_class", [
  "missing_in_ledger",
  "missing_at_provider",
  "amount_mismatch",
  "currency_mismatch",
  "status_mismatch",
  "duplicate_at_provider",
  "balance_mismatch",
  "trial_balance",
  "stuck_payment",
  "stuck_withdrawal",
]);

/**
 * A difference a run found. `fingerprint` identifies the same difference across runs (class plus
 * the references involved), so a later run finding it again does not open a second exception.
 */
export const reconDifferences = pgTable(
  "recon_differences",
  {
    id: uuid().primaryKey(),
    runId: uuid()
      .notNull()
      .references(() => reconRuns.id),
    class: reconDifferenceClass().notNull(),
    fingerprint: text().notNull(),
    provider: text(),
    reference: text(),
    lineId: bigint({ mode: "number" }).references(() => statementLines.id),
    transactionId: uuid(),
    accountId: uuid(),
    currency: char({ length: 3 }),
    /** What the provider (or the cached balance) says. */
    statementAmount: money(),
    /** What the ledger says. */
    ledgerAmount: money(),
    /** The absolute amount at stake, in `currency`. */
    amount: money(),
    occurredOn: date({ mode: "string" }),
    details: jsonb().$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    index("recon_differences_run_class_idx").on(t.runId, t.class, t.occurredOn),
    index("recon_differences_fingerprint_idx").on(t.fingerprint),
  ],
);

export const reconExceptionStatus = pgEnum("recon_exception_status", ["open", "investigating", "explained", "resolved"]);

/**
 * A difference that needs a person. Opened by a recorded run (never by a dry run), one per
 * fingerprint while unresolved. Resolving with a ledger fix links the maker-checker adjustment
 * (`approval_request_id`); the exception resolves only when that adjustment executes.
 */
export const reconExceptions = pgTable(
  "recon_exceptions",
  {
    id: uuid().primaryKey(),
    fingerprint: text().notNull(),
    class: reconDifferenceClass().notNull(),
    status: reconExceptionStatus().notNull().default("open"),
    /** The difference that opened it and the newest run that still found it. */
    differenceId: uuid()
      .notNull()
      .references(() => reconDifferences.id),
    firstRunId: uuid()
      .notNull()
      .references(() => reconRuns.id),
    lastRunId: uuid()
      .notNull()
      .references(() => reconRuns.id),
    provider: text(),
    reference: text(),
    accountId: uuid(),
    transactionId: uuid(),
    currency: char({ length: 3 }),
    amount: money(),
    assigneeId: uuid().references(() => staff.id),
    approvalRequestId: uuid(),
    resolution: text(),
    openedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("recon_exceptions_open_fingerprint_uq").on(t.fingerprint).where(sql`${t.status} <> 'resolved'`),
    index("recon_exceptions_status_idx").on(t.status, t.openedAt),
    index("recon_exceptions_assignee_idx").on(t.assigneeId, t.status),
    index("recon_exceptions_class_idx").on(t.class, t.status, t.openedAt),
  ],
);

/** The exception's comment thread and status history; append-only. */
export const reconExceptionNotes = pgTable(
  "recon_exception_notes",
  {
    id: uuid().primaryKey(),
    exceptionId: uuid()
      .notNull()
      .references(() => reconExceptions.id),
    authorId: text().notNull(),
    /** comment, or the change it records: status, assign, adjustment_raised, resolved. */
    kind: text().notNull(),
    body: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("recon_exception_notes_exception_idx").on(t.exceptionId, t.createdAt)],
);
