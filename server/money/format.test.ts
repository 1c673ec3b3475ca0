import Decimal from "decimal.js";
import { describe, expect, it } from "vitest";
import { MoneyDecimal } from "./decimal";
import { formatAmount, formatAmountDisplay } from "./format";

describe("formatAmount writes exactly the currency's exponent of decimals", () => {
  const cases: Array<[value: string, currency: string, canonical: string, display: string]> = [
    ["10", "EUR", "10.00", "10.00"],
    ["-3.5", "EUR", "-3.50", "-3.50"],
    ["0", "EUR", "0.00", "0.00"],
    ["-0", "EUR", "0.00", "0.00"],
    ["1250", "EUR", "1250.00", "1,250.00"],
    ["-1234567.89", "USD", "-1234567.89", "-1,234,567.89"],
    ["1000", "JPY", "1000", "1,000"],
    ["999", "JPY", "999", "999"],
    ["-1000000", "JPY", "-1000000", "-1,000,000"],
    ["0.125", "BHD", "0.125", "0.125"],
    ["1234.5", "BHD", "1234.500", "1,234.500"],
    ["0.00000001", "BTC", "0.00000001", "0.00000001"],
    ["21000000", "BTC", "21000000.00000000", "21,000,000.00000000"],
    ["99999999999999999999.99", "GBP", "99999999999999999999.99", "99,999,999,999,999,999,999.99"],
  ];

  it.each(cases)("%s %s is %j and shows as %j", (value, currency, canonical, display) => {
    expect(formatAmount(new MoneyDecimal(value), currency)).toBe(canonical);
    expect(formatAmountDisplay(new MoneyDecimal(value), currency)).toBe(display);
  });

  it("formats values built with the global Decimal without exponent notation or float rounding", () => {
    expect(formatAmount(new Decimal("0.00000001"), "BTC")).toBe("0.00000001");
    expect(formatAmount(new Decimal("12345678901234567890.12"), "EUR")).toBe("12345678901234567890.12");
  });

  it("refuses to round on the way out: a value with more decimals than the currency is a programmer error", () => {
    expect(() => formatAmount(new MoneyDecimal("1.005"), "EUR")).toThrow(/at most 2 decimal places/);
    expect(() => formatAmount(new MoneyDecimal("1.5"), "JPY")).toThrow(/at most 0 decimal places/);
    expect(() => formatAmount(new MoneyDecimal(NaN), "EUR")).toThrow(/finite/);
    expect(() => formatAmount(new MoneyDecimal(Infinity), "EUR")).toThrow(/finite/);
  });
});
