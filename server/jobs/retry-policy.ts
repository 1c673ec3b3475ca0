/**
 * How often and how patiently a job is retried: exponential backoff with full jitter (a delay drawn
 * uniformly between 0 and min(cap, base * 2^(attempt - 1))), a bounded number of attempts, and a
 * timeout per attempt. Full jitter spreads retries of many jobs that failed together, so they do
 * not come back as one wave.
 */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  attemptTimeoutMs: number;
}

export const attemptsMax = 50;

/** The ceiling of the jittered delay after the given attempt (1 = the first attempt failed). */
export function backoffCeilingMs(policy: RetryPolicy, attempt: number): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
}

/** A delay in [0, ceiling]; `random` returns a value in [0, 1) like Math.random. */
export function backoffDelayMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * (backoffCeilingMs(policy, attempt) + 1));
}

/** True when the failed attempt was the last one allowed. */
export function attemptsExhausted(policy: RetryPolicy, attempt: number): boolean {
  return attempt >= Math.min(policy.maxAttempts, attemptsMax);
}

/**
 * The inbox waits longest: a rollback may arrive before the bet it names, and a withdrawal's
 * outcome before its request. Eight attempts with a one-minute cap wait about two minutes on average.
 */
export const inboxPolicy: RetryPolicy = { maxAttempts: 8, baseDelayMs: 1_000, maxDelayMs: 60_000, attemptTimeoutMs: 10_000 };
export const projectionPolicy: RetryPolicy = { maxAttempts: 10, baseDelayMs: 500, maxDelayMs: 60_000, attemptTimeoutMs: 10_000 };
export const subscriberPolicy: RetryPolicy = { maxAttempts: 8, baseDelayMs: 2_000, maxDelayMs: 300_000, attemptTimeoutMs: 5_000 };
