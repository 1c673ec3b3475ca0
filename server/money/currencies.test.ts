import { describe, expect, it } from "vitest";
import { currencies, currencyCodes, findCurrency, requireCurrency } from "./currencies";
import { expectDomainError } from "./test-helpers";

describe("currencies", () => {
  it.each([
    ["EUR", 2],
    ["USD", 2],
    ["GBP", 2],
    ["CHF", 2],
    ["SEK", 2],
    ["JPY", 0],
    ["BHD", 3],
    ["BTC", 8],
  ])("%s has exponent %i", (code, exponent) => {
    expect(requireCurrency(code).exponent).toBe(exponent);
  });

  it("lists each code once, upper case, with an exponent that fits NUMERIC(38, 18)", () => {
    expect(new Set(currencyCodes).size).toBe(currencies.length);
    for (const currency of currencies) {
      expect(currency.code).toMatch(/^[A-Z]{3}$/);
      expect(currency.exponent).toBeGreaterThanOrEqual(0);
      expect(currency.exponent).toBeLessThanOrEqual(18);
      expect(currency.name.length).toBeGreaterThan(0);
    }
  });

  it("lookup is exact: no case folding, no prototype keys", () => {
    expect(findCurrency("EUR")?.code).toBe("EUR");
    expect(findCurrency("eur")).toBeUndefined();
    expect(findCurrency("toString")).toBeUndefined();
    expectDomainError(() => requireCurrency("XXX", "currency"), "UNKNOWN_CURRENCY", "currency");
    expectDomainError(() => requireCurrency("usd", "toCurrency"), "UNKNOWN_CURRENCY", "toCurrency");
  });
});
