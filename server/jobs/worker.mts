/**
 * The worker process (npm run worker; npm start runs it beside the web server). Four loops:
 * - inbox: claims provider events and turns each into its ledger effect (server/ingest);
 * - outbox: claims outbox events and delivers them to the handlers (projection, subscribers);
 * - replays: releases bulk-replayed dead letters at each batch's rate, once a second;
 * - monitors, every MONITOR_INTERVAL_SECONDS: checks the integrity monitors and opens, escalates or
 *   clears alerts (server/monitoring; one checker at a time across workers); the full ledger
 *   verification behind the ledger monitors is reused for LEDGER_VERIFY_INTERVAL_SECONDS;
 * - reconciliation, every minute: records the scheduled reconciliation runs that are due
 *   (RECON_SCHEDULE_*_MINUTES; payments every 5, withdrawals every 15, ledger daily by default);
 * - housekeeping, every minute: marks timed-out sessions revoked, expires approval requests past
 *   their deadline (audited), prunes throttle and idempotency records past retention, and monitor
 *   readings past MONITOR_READINGS_RETENTION_DAYS (audited);
 * - audit checkpoints, every AUDIT_CHECKPOINT_MINUTES: signs the audit chain head (needs
 *   AUDIT_SIGNING_KEY) and writes it to AUDIT_CHECKPOINT_FILE / AUDIT_CHECKPOINT_URL;
 * - audit verification, every AUDIT_VERIFY_MINUTES: the whole chain against the stored
 *   checkpoints, recorded in audit_verifications for the monitors.
 * Inbox and outbox loops poll, and wake early on a NOTIFY from the insert triggers (the outbox's
 * comes from one transaction at a time: migration 0013). SIGTERM or SIGINT stops claiming, lets
 * in-flight work finish (bounded), releases unfinished claims and exits.
 * SIGKILL loses nothing either: claims are leases that run out.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { expireRequests } from "../approvals/expire-requests";
import { trustedKeys } from "../audit/checkpoints/signing-key";
import { runFullVerification } from "../audit/checkpoints/verify-with-checkpoints";
import { recordCheckpoint } from "../audit/record-checkpoint";
import { pruneAttempts } from "../auth/throttle";
import { expireStaleSessions } from "../auth/sessions";
import { database } from "../db";
import { auditTrustedKeys, env } from "../env";
import { pruneIdempotencyKeys } from "../idempotency/idempotency";
import { applyInboxBatch, claimInboxBatch, releaseInboxClaims, type ClaimedInbox } from "../ingest/process-inbox";
import { logger } from "../log";
import { pruneMonitorReadings } from "../monitoring/prune-readings";
import { ledgerVerificationCache, runChecks } from "../monitoring/run-checks";
import { reconDefaultsFromEnv } from "../recon/env-defaults";
import { runDueReconciliations } from "../recon/scheduled-runs";
import { dispatchOutboxBatch, releaseOutboxClaims } from "./dispatch-outbox";
import { outboxHandlers } from "./handlers/registry";
import { releaseQueuedReplays } from "./requeue-job";
import { returnOrphanedReplays } from "./return-orphaned-replays";
import type { WorkerOptions } from "./worker-options";

const housekeepingIntervalMs = 60_000;
const replayIntervalMs = 1_000;
const reconciliationIntervalMs = 60_000;
const shutdownGraceMs = 15_000;

const config = env();
const options: WorkerOptions = {
  workerId: `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`,
  batchSize: config.WORKER_BATCH_SIZE,
  concurrency: config.WORKER_CONCURRENCY,
  leaseMs: config.WORKER_LEASE_MS,
};
/** The monitors' full ledger verification is reused for LEDGER_VERIFY_INTERVAL_SECONDS. */
const ledgerCache = ledgerVerificationCache(config.LEDGER_VERIFY_INTERVAL_SECONDS);
const handlers = outboxHandlers({ subscribers: config.OUTBOX_SUBSCRIBERS, signingSecret: config.OUTBOX_SIGNING_SECRET, alertWebhookUrl: config.ALERT_WEBHOOK_URL });

let stopping = false;
const wakers = new Map<string, () => void>();
/** Loops notified while they were busy: new work arrived after their last claim, so they do not pause. */
const notified = new Set<string>();

function wake(loop: string): void {
  const waker = wakers.get(loop);
  if (waker) waker();
  else notified.add(loop);
}

/** Waits `ms`, or less when woken by a notification or by shutdown. */
function pause(loop: string, ms: number): Promise<void> {
  if (notified.delete(loop)) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      wakers.delete(loop);
      resolve();
    }
    wakers.set(loop, done);
  });
}

/** Runs `step` until shutdown; a full batch runs again at once, otherwise the loop pauses. */
async function run(loop: string, step: () => Promise<{ busy: boolean }>, idleMs: number): Promise<void> {
  while (!stopping) {
    let busy = false;
    try {
      busy = (await step()).busy;
    } catch (error) {
      logger.error({ err: error, loop }, "worker loop failed; retrying after a pause");
    }
    if (!stopping && !busy) await pause(loop, idleMs);
  }
}

async function housekeeping(): Promise<{ busy: boolean }> {
  const { db } = database();
  const expired = await expireStaleSessions(db, { idleMinutes: config.SESSION_IDLE_MINUTES, maxHours: config.SESSION_MAX_HOURS });
  const attempts = await pruneAttempts(db);
  const keys = await pruneIdempotencyKeys(db);
  const requests = await expireRequests(db);
  const orphans = await returnOrphanedReplays(db, handlers.map((handler) => handler.name));
  const readings = await pruneMonitorReadings(db, config.MONITOR_READINGS_RETENTION_DAYS);
  if (expired + attempts + keys + requests + orphans + readings > 0) logger.info({ expired, attempts, keys, requests, orphans, readings }, "housekeeping");
  return { busy: false };
}

async function auditCheckpoint(): Promise<{ busy: boolean }> {
  const key = config.AUDIT_SIGNING_KEY;
  if (!key) return { busy: false };
  const outcome = await recordCheckpoint(database().db, {
    key,
    exportTo: { file: config.AUDIT_CHECKPOINT_FILE, url: config.AUDIT_CHECKPOINT_URL },
    trigger: "schedule",
  });
  if (outcome.status !== "recorded") return { busy: false };
  const { seq, keyId } = outcome.checkpoint;
  logger.info({ seq, keyId, exportedTo: outcome.export.exportedTo }, "audit checkpoint recorded");
  for (const failure of outcome.export.failures) logger.warn({ target: failure.target, error: failure.error, seq }, "audit checkpoint export failed");
  return { busy: false };
}

async function auditVerification(): Promise<{ busy: boolean }> {
  const { result } = await runFullVerification(database().db, { keys: trustedKeys(auditTrustedKeys()), trigger: "schedule" });
  const fields = { records: result.checked, headSeq: result.headSeq, checkpoints: result.checkpointsChecked, elapsedMs: Math.round(result.elapsedMs) };
  if (result.ok) logger.info(fields, "audit chain verified");
  else logger.error({ ...fields, firstBreak: result.firstBreak }, "audit chain verification FAILED");
  return { busy: false };
}

/** The first checkpoint is signed before the first verification, so that verification checks it too. */
async function auditLoops(): Promise<void> {
  const checkpointMs = config.AUDIT_CHECKPOINT_MINUTES * 60_000;
  try {
    await auditCheckpoint();
  } catch (error) {
    logger.error({ err: error, loop: "audit-checkpoint" }, "worker loop failed; retrying after a pause");
  }
  await Promise.all([
    (async () => {
      if (!stopping) await pause("audit-checkpoint", checkpointMs);
      await run("audit-checkpoint", auditCheckpoint, checkpointMs);
    })(),
    run("audit-verification", auditVerification, config.AUDIT_VERIFY_MINUTES * 60_000),
  ]);
}

let inboxPrefetch: Promise<ClaimedInbox> | null = null;

/**
 * A full batch means more is waiting, so the next claim runs while this batch is applied: the
 * claim's round trip and commit overlap the work, and the worker holds claims for as long as work
 * remains (a SIGKILL leaves them to their lease).
 */
async function inbox(): Promise<{ busy: boolean }> {
  const { db } = database();
  const prefetched = inboxPrefetch;
  inboxPrefetch = null;
  const claimed = await (prefetched ?? claimInboxBatch(db, options));
  inboxPrefetch = claimed.length === options.batchSize && !stopping ? claimInboxBatch(db, options) : null;
  inboxPrefetch?.catch(() => undefined);
  const result = await applyInboxBatch(db, claimed, options);
  if (result.claimed > 0) logger.debug({ ...result }, "inbox batch");
  return { busy: inboxPrefetch !== null };
}

async function outbox(): Promise<{ busy: boolean }> {
  const result = await dispatchOutboxBatch(database().db, handlers, options);
  if (result.claimed > 0) logger.debug({ ...result }, "outbox batch");
  return { busy: result.claimed >= options.batchSize };
}

async function replays(): Promise<{ busy: boolean }> {
  const released = await database().db.transaction((tx) => releaseQueuedReplays(tx));
  if (released > 0) logger.info({ released }, "replays released");
  return { busy: false };
}

async function monitors(): Promise<{ busy: boolean }> {
  const run = await runChecks(database().db, { ledgerCache });
  const changes = run.results.filter((result) => result.alertChange && result.alertChange !== "seen");
  if (changes.length > 0) logger.warn({ changes: changes.map((result) => ({ monitor: result.monitor, state: result.state, change: result.alertChange })) }, "monitor alerts changed");
  return { busy: false };
}

async function reconciliation(): Promise<{ busy: boolean }> {
  const schedule = { payments: config.RECON_SCHEDULE_PAYMENTS_MINUTES, withdrawals: config.RECON_SCHEDULE_WITHDRAWALS_MINUTES, ledger: config.RECON_SCHEDULE_LEDGER_MINUTES };
  const runs = await runDueReconciliations(database().db, schedule, reconDefaultsFromEnv());
  for (const run of runs) logger.info({ ...run }, "scheduled reconciliation run recorded");
  return { busy: false };
}

async function listen(): Promise<void> {
  const { sql } = database();
  await sql.listen("countersign_inbox", () => wake("inbox"));
  await sql.listen("countersign_outbox", () => wake("outbox"));
}

async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal, workerId: options.workerId }, "worker stopping: finishing in-flight work");
  for (const wake of [...wakers.values()]) wake();
  const finished = await Promise.race([loops.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), shutdownGraceMs))]);
  try {
    const { db } = database();
    // A claim still on its way would otherwise commit after the release and wait out its lease.
    await inboxPrefetch?.catch(() => undefined);
    const released = (await releaseInboxClaims(db, options.workerId)) + (await releaseOutboxClaims(db, options.workerId));
    logger.info({ finished, released }, "worker stopped");
  } finally {
    await database().close();
    process.exit(0);
  }
}

logger.info({ workerId: options.workerId, handlers: handlers.map((handler) => handler.name), batchSize: options.batchSize, leaseMs: options.leaseMs }, "worker started");
if (!config.AUDIT_SIGNING_KEY) logger.warn("AUDIT_SIGNING_KEY is not set: no audit checkpoints are recorded");
await listen().catch((error: unknown) => logger.warn({ err: error }, "LISTEN failed; polling only"));
const loops = Promise.all([
  run("inbox", inbox, config.WORKER_POLL_MS),
  run("outbox", outbox, config.WORKER_POLL_MS),
  run("replays", replays, replayIntervalMs),
  run("housekeeping", housekeeping, housekeepingIntervalMs),
  auditLoops(),
  run("monitors", monitors, config.MONITOR_INTERVAL_SECONDS * 1000),
  run("reconciliation", reconciliation, reconciliationIntervalMs),
]);
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
