import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { percentile, summarizeLatencies } from "./stats";

describe("percentile", () => {
  it("uses the nearest rank: p50 of 1..10 is 5, p95 is 10, p10 is 1", () => {
    const samples = Array.from({ length: 10 }, (_, index) => index + 1);
    expect(percentile(samples, 50)).toBe(5);
    expect(percentile(samples, 95)).toBe(10);
    expect(percentile(samples, 10)).toBe(1);
  });

  it("always returns an observed sample with at least p% of samples at or below it", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 200 }), fc.integer({ min: 1, max: 100 }), (samples, p) => {
        const sorted = [...samples].sort((a, b) => a - b);
        const value = percentile(sorted, p);
        expect(sorted).toContain(value);
        expect(sorted.filter((sample) => sample <= value).length / sorted.length).toBeGreaterThanOrEqual(p / 100);
      }),
      { verbose: true },
    );
  });

  it("refuses a percentile outside (0, 100]", () => {
    expect(() => percentile([1], 0)).toThrow(/outside/);
    expect(() => percentile([1], 101)).toThrow(/outside/);
  });
});

describe("summarizeLatencies", () => {
  it("does not reorder the caller's samples", () => {
    const samples = [3, 1, 2];
    expect(summarizeLatencies(samples)).toMatchObject({ count: 3, p50Ms: 2, maxMs: 3, meanMs: 2 });
    expect(samples).toEqual([3, 1, 2]);
  });
});
