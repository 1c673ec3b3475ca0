import { describe, expect, it } from "vitest";
import { MoneyDecimal } from "./decimal";
import { defaultRounding, roundToCurrency, type RoundingMode } from "./rounding";

describe("roundToCurrency rounds with the mode named at the call", () => {
  // Columns: value, currency, then HALF_EVEN, HALF_UP, DOWN, UP, FLOOR, CEIL.
  const table: Array<[string, string, string, string, string, string, string, string]> = [
    ["1.005", "EUR", "1", "1.01", "1", "1.01", "1", "1.01"],
    ["1.015", "EUR", "1.02", "1.02", "1.01", "1.02", "1.01", "1.02"],
    ["1.025", "EUR", "1.02", "1.03", "1.02", "1.03", "1.02", "1.03"],
    ["-1.005", "EUR", "-1", "-1.01", "-1", "-1.01", "-1.01", "-1"],
    ["2.5", "JPY", "2", "3", "2", "3", "2", "3"],
    ["-2.5", "JPY", "-2", "-3", "-2", "-3", "-3", "-2"],
    ["0.0005", "BHD", "0", "0.001", "0", "0.001", "0", "0.001"],
    ["0.000000015", "BTC", "0.00000002", "0.00000002", "0.00000001", "0.00000002", "0.00000001", "0.00000002"],
    ["3.33", "EUR", "3.33", "3.33", "3.33", "3.33", "3.33", "3.33"],
  ];
  const modes: RoundingMode[] = ["HALF_EVEN", "HALF_UP", "DOWN", "UP", "FLOOR", "CEIL"];

  it.each(table)("%s %s", (value, currency, ...expected) => {
    const actual = modes.map((mode) => roundToCurrency(new MoneyDecimal(value), currency, mode).toString());
    expect(actual).toEqual(expected);
  });

  it("the default mode is banker's rounding", () => {
    expect(defaultRounding).toBe("HALF_EVEN");
    expect(roundToCurrency(new MoneyDecimal("0.125"), "EUR", defaultRounding).toString()).toBe("0.12");
  });

  it("never returns negative zero", () => {
    const rounded = roundToCurrency(new MoneyDecimal("-0.004"), "EUR", "HALF_EVEN");
    expect(rounded.isZero() && !rounded.isNegative()).toBe(true);
  });

  it("rounds a 40-digit product without losing digits to a global precision", () => {
    const product = new MoneyDecimal("12345678901234567890.12").times("1.5");
    expect(roundToCurrency(product, "EUR", "HALF_EVEN").toFixed(2)).toBe("18518518351851851835.18");
  });

  it("refuses an unknown mode", () => {
    expect(() => roundToCurrency(new MoneyDecimal(1), "EUR", "NEAREST" as RoundingMode)).toThrow(/rounding mode/);
  });
});
