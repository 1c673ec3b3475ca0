import { sql } from "drizzle-orm";
import type { Database, Executor, Transaction } from "@/db/client";
import { monitorReadings } from "@/db/schema";
import { appendAuditEvent } from "../audit/append-audit-event";
import type { AuditRecordRequest } from "../audit/audit-scope";
import { pipelineHealth } from "../deadletters/pipeline-health";
import { verifyLedger } from "../ledger/verify-ledger";
import { logger } from "../log";
import { applySighting, checkerActor, type AlertChange } from "./alert-lifecycle";
import { evaluate, type MonitorState } from "./evaluate";
import { monitors, type CheckedLedger, type Measurement, type MonitorDefinition, type SharedMeasures } from "./monitors";
import { activeThresholds, ensureDefaultThresholds } from "./thresholds";

/** Serialises checks across workers and operators: a check that finds one running is skipped. */
const checkLockKey = 7243300;

export interface MonitorResult {
  monitor: string;
  state: MonitorState;
  value: string | null;
  thresholdVersion: number;
  alertId: string | null;
  alertChange: AlertChange;
}

export interface CheckRun {
  skipped: boolean;
  checkedAt: Date;
  results: MonitorResult[];
}

function memo<T>(compute: () => Promise<T>): () => Promise<T> {
  let promise: Promise<T> | undefined;
  return () => (promise ??= compute());
}

/**
 * The worker's last full ledger verification, reused by its checks for `maxAgeMs`: the verification
 * scans every entry, which at scale costs more than a check interval. Owned by the caller (one per
 * worker process and database), never shared between databases.
 */
export interface LedgerVerificationCache {
  maxAgeMs: number;
  last: { verification: CheckedLedger; finishedAt: number } | null;
}

export function ledgerVerificationCache(maxAgeSeconds: number): LedgerVerificationCache {
  return { maxAgeMs: maxAgeSeconds * 1000, last: null };
}

function sharedMeasures(db: Executor, cache: LedgerVerificationCache | undefined): SharedMeasures {
  const ledger = async (): Promise<CheckedLedger> => {
    if (cache?.last && Date.now() - cache.last.finishedAt < cache.maxAgeMs) return cache.last.verification;
    const verification = { ...(await verifyLedger(db)), verifiedAt: new Date().toISOString() };
    if (cache) cache.last = { verification, finishedAt: Date.now() };
    return verification;
  };
  return { ledger: memo(ledger), pipeline: memo(() => pipelineHealth(db)) };
}

export interface CheckOptions {
  /** Reuse a recent ledger verification from here (the worker); without it the ledger is verified now. */
  ledgerCache?: LedgerVerificationCache;
}

/**
 * A measurement runs in a savepoint: a monitor whose query fails reads as unknown (and is logged)
 * without aborting the check of the others.
 */
async function measure(tx: Transaction, monitor: MonitorDefinition, params: Record<string, number>, shared: SharedMeasures): Promise<Measurement> {
  try {
    return await tx.transaction((savepoint) => monitor.measure({ db: savepoint, params, shared }));
  } catch (error) {
    logger.error({ err: error, monitor: monitor.key }, "monitor measurement failed");
    return { value: null, summary: "The measurement failed; see the application log.", details: { failed: true }, evidenceHref: null };
  }
}

/**
 * One check of every monitor in the caller's transaction: measure, store the reading, judge it
 * against the thresholds in force, move the alert. Audit records for alert changes go to `record`
 * so the caller writes them as the last statements of the transaction, under its own actor.
 */
export async function checkMonitors(tx: Transaction, record: (audit: AuditRecordRequest) => void, options: CheckOptions = {}): Promise<CheckRun> {
  const checkedAt = new Date();
  const [lock] = await tx.execute<{ locked: boolean }>(sql`select pg_try_advisory_xact_lock(${checkLockKey}) as locked`);
  if (!lock?.locked) return { skipped: true, checkedAt, results: [] };
  await ensureDefaultThresholds(tx);
  const thresholds = await activeThresholds(tx);
  const shared = sharedMeasures(tx, options.ledgerCache);
  const results: MonitorResult[] = [];
  for (const monitor of monitors) {
    const threshold = thresholds.get(monitor.key);
    if (!threshold) throw new Error(`monitor ${monitor.key} has no threshold after ensureDefaultThresholds`);
    const measurement = await measure(tx, monitor, { ...monitor.defaults.params, ...threshold.params }, shared);
    const state = measurement.forcedState ?? evaluate(measurement.value, threshold);
    await tx.insert(monitorReadings).values({
      monitor: monitor.key,
      value: measurement.value,
      state,
      thresholdVersion: threshold.version,
      details: { summary: measurement.summary, evidenceHref: measurement.evidenceHref, ...measurement.details },
      checkedAt,
    });
    const alert = await applySighting(tx, { monitor: monitor.key, title: monitor.title, state, measurement, at: checkedAt }, record);
    results.push({ monitor: monitor.key, state, value: measurement.value, thresholdVersion: threshold.version, alertId: alert.alertId, alertChange: alert.change });
  }
  return { skipped: false, checkedAt, results };
}

/** The worker's check: one transaction, alert changes audited under the monitor's service actor. */
export async function runChecks(db: Database, options: CheckOptions = {}): Promise<CheckRun> {
  return db.transaction(async (tx) => {
    const records: AuditRecordRequest[] = [];
    const run = await checkMonitors(tx, (entry) => records.push(entry), options);
    for (const entry of records) {
      await appendAuditEvent(tx, {
        actor: { type: "service", id: checkerActor.replace("service:", "") },
        action: entry.action,
        outcome: entry.outcome ?? "success",
        target: entry.target ?? null,
        details: entry.details ?? {},
        request: { correlationId: null, ip: null, userAgent: null },
      });
    }
    return run;
  });
}
