import { sql } from "drizzle-orm";
import { bigint, bigserial, boolean, check, index, integer, jsonb, numeric, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

/**
 * Integrity monitoring: thresholds as versioned data (a new version only through an approved
 * monitor_threshold request), readings as history, alerts with their own history, and the audit
 * chain's signed checkpoints and verification results. History tables are append-only (see the
 * monitoring guards migration); an alert's working state is the only thing that changes.
 */

export const monitorState = pgEnum("monitor_state", ["ok", "warning", "critical", "unknown"]);

/**
 * A monitor's thresholds, versioned: the highest version per monitor is in force. Values are
 * measurements (counts, seconds, amounts), compared as exact decimals: a reading at or beyond
 * `critical` is critical, else at or beyond `warning` is warning. `params` holds the monitor's own
 * settings (for example the minutes after which a withdrawal counts as stuck).
 */
export const monitorThresholds = pgTable(
  "monitor_thresholds",
  {
    monitor: text().notNull(),
    version: integer().notNull(),
    warning: numeric().notNull(),
    critical: numeric().notNull(),
    /** above: larger values are worse; below: smaller values are worse. */
    direction: text().notNull().default("above"),
    params: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    createdBy: text().notNull(),
    /** The approved request that made this version (null for the defaults). */
    requestId: uuid(),
  },
  (t) => [
    primaryKey({ columns: [t.monitor, t.version] }),
    check("monitor_thresholds_direction", sql`${t.direction} in ('above', 'below')`),
    check("monitor_thresholds_version_positive", sql`${t.version} > 0`),
  ],
);

/** One check of one monitor: the value, the state it meant, and the evidence behind it. */
export const monitorReadings = pgTable(
  "monitor_readings",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    monitor: text().notNull(),
    value: numeric(),
    state: monitorState().notNull(),
    thresholdVersion: integer(),
    /** What the value is made of, and where the list behind it lives (never PII). */
    details: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    checkedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("monitor_readings_monitor_checked_idx").on(t.monitor, t.checkedAt), index("monitor_readings_checked_idx").on(t.checkedAt)],
);

export const alertSeverity = pgEnum("alert_severity", ["warning", "critical"]);
export const alertStatus = pgEnum("alert_status", ["open", "acknowledged", "resolved"]);

/**
 * An alert: opened when a monitor crosses a threshold, one per monitor while not resolved (a later
 * crossing updates `last_seen` and may raise the severity). Acknowledge and resolve carry comments.
 */
export const alerts = pgTable(
  "alerts",
  {
    id: uuid().primaryKey(),
    monitor: text().notNull(),
    severity: alertSeverity().notNull(),
    status: alertStatus().notNull().default("open"),
    summary: text().notNull(),
    /** The console path of the evidence (the mismatched accounts, the stuck withdrawals, ...). */
    evidenceHref: text(),
    lastValue: numeric(),
    firstSeenAt: timestamp({ withTimezone: true }).notNull(),
    lastSeenAt: timestamp({ withTimezone: true }).notNull(),
    /** When the monitor was last back to ok while this alert was open (null while it is failing). */
    clearedAt: timestamp({ withTimezone: true }),
    acknowledgedBy: uuid(),
    acknowledgedAt: timestamp({ withTimezone: true }),
    resolvedBy: text(),
    resolvedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("alerts_monitor_unresolved_uq").on(t.monitor).where(sql`${t.status} <> 'resolved'`),
    index("alerts_status_idx").on(t.status, t.lastSeenAt),
    index("alerts_first_seen_idx").on(t.firstSeenAt),
  ],
);

/** An alert's history: opened, escalated, acknowledged, cleared, resolved, notified; append-only. */
export const alertEvents = pgTable(
  "alert_events",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    alertId: uuid()
      .notNull()
      .references(() => alerts.id),
    kind: text().notNull(),
    actor: text().notNull(),
    comment: text(),
    severity: alertSeverity(),
    value: numeric(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("alert_events_alert_idx").on(t.alertId, t.at)],
);

/**
 * A signed checkpoint of the audit chain head. `message` is the exact UTF-8 text that was signed
 * (canonical JSON of seq, hash, time and key id); `signature` is its Ed25519 signature in base64.
 */
export const auditCheckpoints = pgTable(
  "audit_checkpoints",
  {
    seq: bigint({ mode: "number" }).primaryKey(),
    hash: text().notNull(),
    signedAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    keyId: text().notNull(),
    message: text().notNull(),
    signature: text().notNull(),
    /** Where else it was written (file path or URL), when it was. */
    exportedTo: text(),
  },
  (t) => [
    index("audit_checkpoints_signed_idx").on(t.signedAt),
    check("audit_checkpoints_hash_hex", sql`${t.hash} ~ '^[0-9a-f]{64}$'`),
  ],
);

/** A full verification of the audit chain and its result. */
export const auditVerifications = pgTable(
  "audit_verifications",
  {
    id: uuid().primaryKey(),
    startedAt: timestamp({ withTimezone: true }).notNull(),
    finishedAt: timestamp({ withTimezone: true }).notNull(),
    ok: boolean().notNull(),
    records: bigint({ mode: "number" }).notNull(),
    headSeq: bigint({ mode: "number" }),
    firstBrokenSeq: bigint({ mode: "number" }),
    reason: text(),
    checkpointsChecked: integer().notNull().default(0),
    trigger: text().notNull(),
  },
  (t) => [index("audit_verifications_finished_idx").on(t.finishedAt)],
);

/** A repeat delivery of a provider event already in the inbox: the duplicate-delivery monitor counts these. */
export const webhookDuplicates = pgTable(
  "webhook_duplicates",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    provider: text().notNull(),
    eventId: text().notNull(),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("webhook_duplicates_received_idx").on(t.receivedAt)],
);
