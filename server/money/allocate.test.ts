import { describe, expect, it } from "vitest";
import { allocate, allocationPartsMax } from "./allocate";
import { MoneyDecimal } from "./decimal";
import { formatAmount } from "./format";
import { expectDomainError } from "./test-helpers";

const decimals = (...values: string[]) => values.map((value) => new MoneyDecimal(value));

function split(total: string, parts: number | string[], currency: string): string[] {
  const ratios = typeof parts === "number" ? parts : decimals(...parts);
  return allocate(new MoneyDecimal(total), ratios, currency).map((part) => formatAmount(part, currency));
}

describe("allocate: floor each share, then one minor unit each by largest remainder, ties to the lowest index", () => {
  it.each<[total: string, parts: number | string[], currency: string, expected: string[]]>([
    ["10.00", 3, "EUR", ["3.34", "3.33", "3.33"]],
    ["0.01", 3, "EUR", ["0.01", "0.00", "0.00"]],
    ["0.02", 3, "EUR", ["0.01", "0.01", "0.00"]],
    ["-10.00", 3, "EUR", ["-3.34", "-3.33", "-3.33"]],
    ["-0.01", 3, "EUR", ["-0.01", "0.00", "0.00"]],
    ["100", 3, "JPY", ["34", "33", "33"]],
    ["10.00", ["1", "1", "2"], "EUR", ["2.50", "2.50", "5.00"]],
    ["0.05", ["1", "1", "2"], "EUR", ["0.01", "0.01", "0.03"]],
    ["0.00000001", 2, "BTC", ["0.00000001", "0.00000000"]],
    ["0.00", 4, "EUR", ["0.00", "0.00", "0.00", "0.00"]],
    ["123.45", 1, "EUR", ["123.45"]],
    ["123.45", ["7"], "EUR", ["123.45"]],
    ["0.03", ["0", "1", "1"], "EUR", ["0.00", "0.02", "0.01"]],
    ["1.000", ["0", "0", "3"], "BHD", ["0.000", "0.000", "1.000"]],
    ["1.00", ["0.3", "0.7"], "EUR", ["0.30", "0.70"]],
    ["1.00", ["1", "2"], "EUR", ["0.33", "0.67"]],
    ["100.00", ["33.333", "33.333", "33.334"], "USD", ["33.33", "33.33", "33.34"]],
    ["99999999999999999999.99", 7, "EUR", ["14285714285714285714.29", "14285714285714285714.29", "14285714285714285714.29", "14285714285714285714.28", "14285714285714285714.28", "14285714285714285714.28", "14285714285714285714.28"]],
  ])("%s over %j in %s", (total, parts, currency, expected) => {
    const actual = split(total, parts, currency);
    expect(actual).toEqual(expected);
    const sum = actual.reduce((acc, part) => acc.plus(part), new MoneyDecimal(0));
    expect(sum.eq(total)).toBe(true);
  });

  it("gives the leftover unit by remainder, not by position: 0.05 by [1, 2] is 0.02 + 0.03", () => {
    expect(split("0.05", ["1", "2"], "EUR")).toEqual(["0.02", "0.03"]);
  });

  it("never produces negative zero parts", () => {
    const parts = allocate(new MoneyDecimal("-0.01"), 3, "EUR");
    expect(parts.map((part) => part.isNegative())).toEqual([true, false, false]);
  });

  it("splits into the maximum number of parts", () => {
    const parts = allocate(new MoneyDecimal("100.00"), allocationPartsMax, "EUR");
    expect(parts).toHaveLength(allocationPartsMax);
    expect(parts.every((part) => part.eq("0.01"))).toBe(true);
  });
});

describe("allocate refuses a split that cannot be made", () => {
  it.each<[label: string, parts: number | string[]]>([
    ["zero parts", 0],
    ["negative parts", -1],
    ["fractional parts", 1.5],
    ["NaN parts", Number.NaN],
    ["infinite parts", Number.POSITIVE_INFINITY],
    ["too many parts", allocationPartsMax + 1],
    ["no ratios", []],
    ["all-zero ratios", ["0", "0"]],
    ["a negative ratio", ["1", "-1", "2"]],
    ["a NaN ratio", ["1", "NaN"]],
    ["an infinite ratio", ["1", "Infinity"]],
  ])("%s", (_label, parts) => {
    const ratios = typeof parts === "number" ? parts : decimals(...parts);
    expectDomainError(() => allocate(new MoneyDecimal("10.00"), ratios, "EUR"), "INVALID_ALLOCATION");
  });

  it("refuses too many ratios", () => {
    const ratios = Array.from({ length: allocationPartsMax + 1 }, () => new MoneyDecimal(1));
    expectDomainError(() => allocate(new MoneyDecimal("10.00"), ratios, "EUR"), "INVALID_ALLOCATION");
  });

  it("refuses a total the currency cannot hold instead of rounding it", () => {
    expect(() => allocate(new MoneyDecimal("10.005"), 3, "EUR")).toThrow(/at most 2 decimal places/);
  });

  it("refuses an unknown currency", () => {
    expectDomainError(() => allocate(new MoneyDecimal("10.00"), 3, "XXX"), "UNKNOWN_CURRENCY", "currency");
  });
});
