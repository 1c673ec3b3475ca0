import { createHmac } from "node:crypto";
import { and, count, eq, gt, lt, max } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { signInAttempts } from "@/db/schema";

export interface ThrottlePolicy {
  maxFailuresPerAccount: number;
  maxFailuresPerAddress: number;
  windowMinutes: number;
}

/** A keyed hash of the normalised email: attempts are counted per account without storing it. */
export function emailKey(email: string, secret: string): string {
  return createHmac("sha256", secret).update(email.trim().toLowerCase()).digest("hex");
}

export interface ThrottleState {
  throttled: boolean;
  retryAfterMinutes: number;
}

/**
 * An account is throttled after N failures inside the window since its last success; an address
 * after M failures inside the window whatever the account, which stops spraying one password
 * across many accounts.
 */
export async function checkThrottle(db: Executor, key: string, ip: string, policy: ThrottlePolicy, now = new Date()): Promise<ThrottleState> {
  const windowStart = new Date(now.getTime() - policy.windowMinutes * 60_000);
  const [lastSuccess] = await db
    .select({ at: max(signInAttempts.attemptedAt) })
    .from(signInAttempts)
    .where(and(eq(signInAttempts.emailKey, key), eq(signInAttempts.succeeded, true), gt(signInAttempts.attemptedAt, windowStart)));
  const accountSince = lastSuccess?.at && lastSuccess.at > windowStart ? lastSuccess.at : windowStart;
  const [accountFailures] = await db
    .select({ n: count() })
    .from(signInAttempts)
    .where(and(eq(signInAttempts.emailKey, key), eq(signInAttempts.succeeded, false), gt(signInAttempts.attemptedAt, accountSince)));
  const [addressFailures] = await db
    .select({ n: count() })
    .from(signInAttempts)
    .where(and(eq(signInAttempts.ip, ip), eq(signInAttempts.succeeded, false), gt(signInAttempts.attemptedAt, windowStart)));
  const throttled =
    (accountFailures?.n ?? 0) >= policy.maxFailuresPerAccount || (addressFailures?.n ?? 0) >= policy.maxFailuresPerAddress;
  return { throttled, retryAfterMinutes: policy.windowMinutes };
}

export async function recordAttempt(db: Executor, key: string, ip: string, succeeded: boolean): Promise<void> {
  await db.insert(signInAttempts).values({ emailKey: key, ip, succeeded });
}

/** Attempts older than a day no longer matter to any window; the worker prunes them. */
export async function pruneAttempts(db: Executor, now = new Date()): Promise<number> {
  const rows = await db
    .delete(signInAttempts)
    .where(lt(signInAttempts.attemptedAt, new Date(now.getTime() - 24 * 3_600_000)))
    .returning({ id: signInAttempts.id });
  return rows.length;
}
