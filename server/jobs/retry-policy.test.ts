import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { attemptsExhausted, backoffCeilingMs, backoffDelayMs, type RetryPolicy } from "./retry-policy";

const policy: RetryPolicy = { maxAttempts: 8, baseDelayMs: 1_000, maxDelayMs: 60_000, attemptTimeoutMs: 5_000 };

describe("backoff with full jitter", () => {
  it("doubles the ceiling per attempt up to the cap", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 40].map((attempt) => backoffCeilingMs(policy, attempt))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
  });

  it("draws every delay between 0 and the ceiling, both ends reachable", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, draw) => {
        const delay = backoffDelayMs(policy, attempt, () => draw);
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(backoffCeilingMs(policy, attempt));
      }),
    );
    expect(backoffDelayMs(policy, 3, () => 0)).toBe(0);
    expect(backoffDelayMs(policy, 3, () => 0.999_999_999)).toBe(4_000);
  });

  it("spreads delays over the whole range (full jitter, not equal jitter)", () => {
    const delays = Array.from({ length: 2_000 }, () => backoffDelayMs(policy, 4));
    expect(Math.min(...delays)).toBeLessThan(800);
    expect(Math.max(...delays)).toBeGreaterThan(7_200);
    const mean = delays.reduce((sum, delay) => sum + delay, 0) / delays.length;
    expect(mean).toBeGreaterThan(3_500);
    expect(mean).toBeLessThan(4_500);
  });

  it("stops after the attempt limit, and never allows more than the global maximum", () => {
    expect(attemptsExhausted(policy, 7)).toBe(false);
    expect(attemptsExhausted(policy, 8)).toBe(true);
    expect(attemptsExhausted({ ...policy, maxAttempts: 1_000 }, 50)).toBe(true);
  });
});
