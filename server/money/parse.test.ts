import { describe, expect, it } from "vitest";
import { amountStringLengthMax, parseAmount } from "./parse";
import { expectDomainError } from "./test-helpers";

describe("parseAmount refuses every malformed or ambiguous spelling, naming the field", () => {
  const malformed: Array<[label: string, input: string]> = [
    ["exponent overflow", "1e309"],
    ["exponent notation", "1e3"],
    ["NaN", "NaN"],
    ["Infinity", "Infinity"],
    ["negative Infinity", "-Infinity"],
    ["thousands separator", "1,000.00"],
    ["decimal comma", "10,50"],
    ["space separator", "1 000"],
    ["full-width digits", "１０"],
    ["Arabic-Indic digits", "١٠"],
    ["Devanagari digits", "१०"],
    ["whitespace only", " "],
    ["leading space", " 10"],
    ["trailing space", "10 "],
    ["trailing newline", "10\n"],
    ["non-breaking space", "10\u00a0"],
    ["hexadecimal", "0x10"],
    ["binary", "0b1"],
    ["bare leading point", ".5"],
    ["bare trailing point", "5."],
    ["point only", "."],
    ["plus sign", "+10"],
    ["double minus", "--1"],
    ["minus only", "-"],
    ["leading zero", "007"],
    ["leading zero before point", "00.50"],
    ["negative leading zero", "-01"],
    ["two points", "1.2.3"],
    ["letters", "ten"],
    ["currency symbol", "€10"],
    ["code suffix", "10 EUR"],
    ["unicode minus", "\u221210"],
    ["underscore separator", "1_000"],
  ];

  it.each(malformed)("%s (%j) is INVALID_AMOUNT on the default field", (_label, input) => {
    expectDomainError(() => parseAmount(input, "EUR", { allowNegative: true, allowZero: true }), "INVALID_AMOUNT", "amount");
  });

  it.each(malformed)("%s (%j) names the caller's field", (_label, input) => {
    expectDomainError(() => parseAmount(input, "EUR", { field: "feeAmount" }), "INVALID_AMOUNT", "feeAmount");
  });

  it("the empty string is refused as missing", () => {
    const error = expectDomainError(() => parseAmount("", "EUR"), "INVALID_AMOUNT", "amount");
    expect(error.message).toBe("amount is required.");
  });

  it.each(["-0", "-0.0", "-0.00"])("negative zero %j is refused even when negatives and zero are allowed", (input) => {
    const error = expectDomainError(
      () => parseAmount(input, "EUR", { allowNegative: true, allowZero: true }),
      "INVALID_AMOUNT",
      "amount",
    );
    expect(error.message).toContain("negative zero");
  });

  it("the largest column-sized amount (20 integer digits) is accepted and one digit more is refused", () => {
    const twentyDigits = "9".repeat(20);
    expect(parseAmount(`${twentyDigits}.99`, "EUR").toFixed(2)).toBe(`${twentyDigits}.99`);
    expect(parseAmount(`-${twentyDigits}`, "JPY", { allowNegative: true }).toFixed(0)).toBe(`-${twentyDigits}`);
    const error = expectDomainError(() => parseAmount(`1${twentyDigits}`, "JPY"), "INVALID_AMOUNT", "amount");
    expect(error.message).toContain("at most 20 digits");
  });

  it("a string longer than any column allows is refused before pattern matching", () => {
    const error = expectDomainError(() => parseAmount("1".repeat(10_000), "EUR"), "INVALID_AMOUNT", "amount");
    expect(error.message).toContain("too long");
    expect(amountStringLengthMax).toBe(40);
  });

  it("a value that is not a string at run time is refused, not coerced", () => {
    expectDomainError(() => parseAmount(10 as unknown as string, "EUR"), "INVALID_AMOUNT", "amount");
  });
});

describe("parseAmount never rounds: more decimal places than the currency has is PRECISION_EXCEEDED", () => {
  const tooPrecise: Array<[input: string, currency: string]> = [
    ["0.005", "EUR"],
    ["10.001", "USD"],
    ["1.000", "EUR"],
    ["0.999", "GBP"],
    ["1.5", "JPY"],
    ["1.0", "JPY"],
    ["100.00", "JPY"],
    ["0.0001", "BHD"],
    ["1.125", "CHF"],
    ["0.000000001", "BTC"],
    ["-0.005", "SEK"],
  ];

  it.each(tooPrecise)("%j in %s", (input, currency) => {
    const error = expectDomainError(
      () => parseAmount(input, currency, { field: "amount", allowNegative: true }),
      "PRECISION_EXCEEDED",
      "amount",
    );
    expect(error.message).toContain(currency);
    expect(error.message).toContain("never rounded");
  });
});

describe("parseAmount refuses unknown currencies on the currency field", () => {
  it.each(["XXX", "eur", "Eur", "", "EURO", "EU", " EUR", "__proto__", "constructor"])("%j", (currency) => {
    expectDomainError(() => parseAmount("10.00", currency), "UNKNOWN_CURRENCY", "currency");
  });

  it("suggests the upper-case code for a lower-case one, and names the caller's currency field", () => {
    const error = expectDomainError(
      () => parseAmount("10.00", "eur", { currencyField: "settlementCurrency" }),
      "UNKNOWN_CURRENCY",
      "settlementCurrency",
    );
    expect(error.message).toContain("use EUR");
  });
});

describe("parseAmount sign rules", () => {
  it("refuses zero unless allowZero", () => {
    expectDomainError(() => parseAmount("0.00", "EUR"), "INVALID_AMOUNT", "amount");
    expectDomainError(() => parseAmount("0", "JPY", { allowNegative: true }), "INVALID_AMOUNT", "amount");
    expect(parseAmount("0.00", "EUR", { allowZero: true }).isZero()).toBe(true);
    expect(parseAmount("0", "EUR", { allowZero: true }).isZero()).toBe(true);
  });

  it("refuses negatives unless allowNegative", () => {
    const error = expectDomainError(() => parseAmount("-3.50", "EUR"), "INVALID_AMOUNT", "amount");
    expect(error.message).toBe("amount must be greater than zero.");
    expectDomainError(() => parseAmount("-3.50", "EUR", { allowZero: true }), "INVALID_AMOUNT", "amount");
    expect(parseAmount("-3.50", "EUR", { allowNegative: true }).toFixed(2)).toBe("-3.50");
  });
});

describe("parseAmount accepts canonical and shorter spellings exactly", () => {
  const good: Array<[input: string, currency: string, expected: string]> = [
    ["10.00", "EUR", "10"],
    ["10.5", "EUR", "10.5"],
    ["10", "EUR", "10"],
    ["0.01", "EUR", "0.01"],
    ["1000", "JPY", "1000"],
    ["0.125", "BHD", "0.125"],
    ["0.00000001", "BTC", "0.00000001"],
    ["20999999.99999999", "BTC", "20999999.99999999"],
    ["12345678901234567890.12", "USD", "12345678901234567890.12"],
  ];

  it.each(good)("%j in %s is exactly %s", (input, currency, expected) => {
    expect(parseAmount(input, currency).toString()).toBe(expected);
  });
});
