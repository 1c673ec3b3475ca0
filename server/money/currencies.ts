import { assert, DomainError } from "../errors";

export type Currency = {
  /** ISO 4217 alphabetic code, upper case. */
  readonly code: string;
  /** Number of digits after the decimal point in the minor unit: 2 for EUR, 0 for JPY. */
  readonly exponent: number;
  readonly name: string;
};

/**
 * The currencies Countersign handles. The currencies table is seeded from this list, so a change
 * here is a change to what money can exist. Exponents come from ISO 4217 and are at most 18, the
 * scale of the NUMERIC(38, 18) amount columns.
 */
export const currencies = [
  { code: "EUR", exponent: 2, name: "Euro" },
  { code: "USD", exponent: 2, name: "US Dollar" },
  { code: "GBP", exponent: 2, name: "Pound Sterling" },
  { code: "CHF", exponent: 2, name: "Swiss Franc" },
  { code: "SEK", exponent: 2, name: "Swedish Krona" },
  { code: "JPY", exponent: 0, name: "Yen" },
  { code: "BHD", exponent: 3, name: "Bahraini Dinar" },
  // BTC is not an ISO 4217 currency: it is an asset code in common use that follows the same
  // three-letter shape. Its exponent of 8 is the satoshi, the smallest unit the network records.
  { code: "BTC", exponent: 8, name: "Bitcoin" },
] as const satisfies readonly Currency[];

export type CurrencyCode = (typeof currencies)[number]["code"];

export const currencyCodes: readonly CurrencyCode[] = currencies.map((currency) => currency.code);

/** The largest exponent a currency may have: the scale of the amount columns. */
export const currencyExponentMax = 18;

const currencyByCode: ReadonlyMap<string, Currency> = new Map(currencies.map((currency) => [currency.code, currency]));

for (const currency of currencies) {
  assert(/^[A-Z]{3}$/.test(currency.code), `currency code ${currency.code} is three upper-case letters`);
  assert(
    Number.isInteger(currency.exponent) && currency.exponent >= 0 && currency.exponent <= currencyExponentMax,
    `currency ${currency.code} has an exponent between 0 and ${currencyExponentMax}`,
  );
}

/** The currency with this exact code, or undefined. Codes are case-sensitive: "eur" is not EUR. */
export function findCurrency(code: string): Currency | undefined {
  return currencyByCode.get(code);
}

/**
 * The currency with this exact code. An unknown code is an expected failure (it usually arrives
 * from a request or a provider's file), so it is a DomainError naming the field. Lower-case codes
 * are refused rather than upper-cased: ISO 4217 codes are upper case, and accepting "eur" would
 * let two spellings of one currency reach idempotency hashes and reports.
 */
export function requireCurrency(code: string, field = "currency"): Currency {
  const currency = typeof code === "string" ? currencyByCode.get(code) : undefined;
  if (currency) return currency;
  const upper = typeof code === "string" ? code.toUpperCase() : "";
  const hint = upper !== code && currencyByCode.has(upper) ? ` Currency codes are upper case: use ${upper}.` : "";
  throw new DomainError("UNKNOWN_CURRENCY", `${field} is not a supported currency code.${hint}`, { field });
}
