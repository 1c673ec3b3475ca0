import type Decimal from "decimal.js";
import { assert } from "../errors";
import { requireCurrency } from "./currencies";
import { MoneyDecimal } from "./decimal";

/**
 * Asserts that `value` is an amount `currency` can hold: finite, with no more decimal places than
 * the exponent. Values that reach formatting, summing or allocation were parsed or rounded
 * already, so excess precision here is a programmer error, never something to round away.
 */
export function assertCurrencyScale(value: Decimal, currency: string): void {
  const { code, exponent } = requireCurrency(currency);
  assert(value.isFinite(), `an amount in ${code} is finite`);
  assert(
    value.decimalPlaces() <= exponent,
    `an amount in ${code} has at most ${exponent} decimal places; round it with roundToCurrency first`,
  );
}

/** The amount as an exact count of minor units (cents, satoshis): 12.34 EUR is 1234n. */
export function toMinorUnits(value: Decimal, currency: string): bigint {
  assertCurrencyScale(value, currency);
  const { exponent } = requireCurrency(currency);
  return BigInt(new MoneyDecimal(value).toFixed(exponent).replace(".", ""));
}

/** The amount that is exactly `minorUnits` minor units of `currency`: 1234n EUR is 12.34. */
export function fromMinorUnits(minorUnits: bigint, currency: string): Decimal {
  const { exponent } = requireCurrency(currency);
  return new MoneyDecimal(`${minorUnits}e-${exponent}`);
}

/**
 * The exact sum of amounts of one currency. It adds whole minor units as bigints, so no sum is
 * ever rounded, however many values or digits it has. The empty sum is zero.
 */
export function sumAmounts(values: readonly Decimal[], currency: string): Decimal {
  let totalMinorUnits = 0n;
  for (const value of values) totalMinorUnits += toMinorUnits(value, currency);
  return fromMinorUnits(totalMinorUnits, currency);
}

/** True when the amount is zero (of either sign). */
export function isZero(value: Decimal): boolean {
  return value.isZero();
}

/** Strictly greater than zero. Decimal#isPositive() is true for zero, so it is not used for money. */
export function isPositive(value: Decimal): boolean {
  return value.greaterThan(0);
}

/** Strictly less than zero. */
export function isNegative(value: Decimal): boolean {
  return value.lessThan(0);
}
