import Decimal from "decimal.js";
import { describe, expect, it } from "vitest";
import { MoneyDecimal } from "./decimal";
import { fromMinorUnits, isNegative, isPositive, isZero, sumAmounts, toMinorUnits } from "./minor-units";

const amounts = (...values: string[]) => values.map((value) => new MoneyDecimal(value));

describe("minor units", () => {
  it.each([
    ["12.34", "EUR", 1234n],
    ["-0.05", "EUR", -5n],
    ["1000", "JPY", 1000n],
    ["0.125", "BHD", 125n],
    ["1", "BTC", 100_000_000n],
    ["0", "EUR", 0n],
  ])("%s %s is %s minor units and back", (value, currency, minorUnits) => {
    expect(toMinorUnits(new MoneyDecimal(value), currency)).toBe(minorUnits);
    expect(fromMinorUnits(minorUnits, currency).eq(value)).toBe(true);
  });

  it("refuses a value with more decimals than the currency instead of truncating it", () => {
    expect(() => toMinorUnits(new MoneyDecimal("0.005"), "EUR")).toThrow(/at most 2 decimal places/);
  });
});

describe("sumAmounts", () => {
  it("is exact where a float is not", () => {
    expect(sumAmounts(amounts("0.10", "0.20"), "EUR").toString()).toBe("0.3");
  });

  it("is exact beyond any fixed precision, including values built with the global 20-digit Decimal", () => {
    const big = "99999999999999999999.99";
    const values = [...Array.from({ length: 1000 }, () => new Decimal(big)), new Decimal("0.01")];
    expect(sumAmounts(values, "EUR").toFixed(2)).toBe("99999999999999999999990.01");
  });

  it("is zero for no values, and refuses a value the currency cannot hold", () => {
    expect(sumAmounts([], "JPY").toString()).toBe("0");
    expect(() => sumAmounts(amounts("1", "0.5"), "JPY")).toThrow(/at most 0 decimal places/);
  });
});

describe("sign helpers treat zero as neither positive nor negative", () => {
  it.each([
    ["0", true, false, false],
    ["-0", true, false, false],
    ["0.01", false, true, false],
    ["-0.01", false, false, true],
  ])("%s", (value, zero, positive, negative) => {
    const amount = new MoneyDecimal(value);
    expect([isZero(amount), isPositive(amount), isNegative(amount)]).toEqual([zero, positive, negative]);
  });
});
