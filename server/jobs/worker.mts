/**
 * The worker process (npm run worker; npm start runs it beside the web server). Every minute it marks
 * timed-out sessions revoked, expires approval requests past their deadline (audited), and prunes
 * throttle and idempotency records past their retention. Each task is bounded and logged with counts only.
 */
import { expireRequests } from "../approvals/expire-requests";
import { pruneAttempts } from "../auth/throttle";
import { expireStaleSessions } from "../auth/sessions";
import { database } from "../db";
import { env } from "../env";
import { pruneIdempotencyKeys } from "../idempotency/idempotency";
import { logger } from "../log";

const intervalMs = 60_000;
let stopping = false;
let timer: NodeJS.Timeout | undefined;

async function housekeeping(): Promise<void> {
  const { db } = database();
  const config = env();
  const expired = await expireStaleSessions(db, { idleMinutes: config.SESSION_IDLE_MINUTES, maxHours: config.SESSION_MAX_HOURS });
  const attempts = await pruneAttempts(db);
  const keys = await pruneIdempotencyKeys(db);
  const requests = await expireRequests(db);
  if (expired + attempts + keys + requests > 0) logger.info({ expired, attempts, keys, requests }, "housekeeping");
}

async function loop(): Promise<void> {
  if (stopping) return;
  try {
    await housekeeping();
  } catch (error) {
    logger.error({ err: error }, "housekeeping failed; retrying next interval");
  }
  if (!stopping) timer = setTimeout(() => void loop(), intervalMs);
}

async function shutdown(signal: string): Promise<void> {
  stopping = true;
  if (timer) clearTimeout(timer);
  logger.info({ signal }, "worker stopping");
  await database().close();
  process.exit(0);
}

process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
logger.info("worker started");
void loop();
