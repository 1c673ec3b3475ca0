import type Decimal from "decimal.js";
import { DomainError } from "../errors";
import { requireCurrency } from "./currencies";
import { MoneyDecimal } from "./decimal";

/**
 * Amounts are stored in NUMERIC(38, 18) columns: 38 digits, 18 of them after the point, so at most
 * 20 before it. Anything longer would overflow the column (or, for the scale, be rounded by
 * PostgreSQL), so it is refused here first.
 */
export const amountIntegerDigitsMax = 20;
export const amountFractionDigitsMax = 18;
/** Sign, integer digits, point, fraction digits. */
export const amountStringLengthMax = 1 + amountIntegerDigitsMax + 1 + amountFractionDigitsMax;

/**
 * The only accepted spelling of an amount: an optional minus, then "0" or digits without a leading
 * zero, then optionally a point and one or more digits. ASCII digits only. Refused on purpose: a
 * plus sign, leading zeros ("007"), a bare point (".5", "5."), exponents ("1e3"), thousands or
 * other separators ("1,000.00", "1 000"), surrounding whitespace, hexadecimal ("0x10"), NaN and
 * Infinity, and non-ASCII digits (full-width "１０", Arabic-Indic "١٠").
 */
export const amountPattern = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/;
const nonZeroDigit = /[1-9]/;

export type ParseAmountOptions = {
  /** Named in the error; "amount" unless told. */
  field?: string;
  /** Named in an unknown-currency error; "currency" unless told. */
  currencyField?: string;
  allowNegative?: boolean;
  allowZero?: boolean;
};

function invalid(field: string, problem: string): DomainError {
  return new DomainError("INVALID_AMOUNT", `${field} ${problem}`, { field });
}

/**
 * Parses a decimal string into an exact amount of `currency`. It never rounds: a string with more
 * decimal places than the currency's exponent is refused, even when the extra digits are zeros
 * ("0.005" and "1.000" in EUR, "1.5" and "1.0" in JPY). Fewer places are accepted ("10.5" EUR).
 * "-0" is refused in every spelling. Zero and negative amounts are refused unless the options
 * allow them. Every refusal is a DomainError naming the field.
 */
export function parseAmount(input: string, currency: string, options: ParseAmountOptions = {}): Decimal {
  checkAmount(input, currency, options);
  return new MoneyDecimal(input);
}

/**
 * parseAmount's checks without building the Decimal, for a caller that only needs the verdict
 * (a statement import checks a million amounts). Throws exactly what parseAmount throws. Once the
 * text matches amountPattern it is plain ASCII digits, so it is zero exactly when it has no digit
 * 1-9, and negative exactly when it starts with a minus.
 */
export function checkAmount(input: string, currency: string, options: ParseAmountOptions = {}): void {
  const field = options.field ?? "amount";
  const { code, exponent } = requireCurrency(currency, options.currencyField ?? "currency");
  if (typeof input !== "string" || input.length === 0) throw invalid(field, "is required.");
  if (input.length > amountStringLengthMax) {
    throw invalid(field, `is too long: at most ${amountIntegerDigitsMax} digits before the point.`);
  }
  if (!amountPattern.test(input)) {
    throw invalid(
      field,
      "must be a plain decimal number such as 1250.00: digits 0-9, an optional leading minus and a point, " +
        "with no spaces, plus sign, leading zeros, separators or exponent.",
    );
  }
  // Lengths only (no substrings): the pattern has matched, so there is at most one point.
  const point = input.indexOf(".");
  const integerLength = (point < 0 ? input.length : point) - (input.startsWith("-") ? 1 : 0);
  const fractionLength = point < 0 ? 0 : input.length - point - 1;
  if (integerLength > amountIntegerDigitsMax) {
    throw invalid(field, `is too large: at most ${amountIntegerDigitsMax} digits before the point.`);
  }
  if (fractionLength > exponent) {
    const allowed = exponent === 0 ? "no decimal places" : `at most ${exponent} decimal places`;
    throw new DomainError(
      "PRECISION_EXCEEDED",
      `${field} has ${fractionLength} decimal ${fractionLength === 1 ? "place" : "places"}; ${code} amounts have ${allowed}. Amounts are never rounded.`,
      { field },
    );
  }
  if (!nonZeroDigit.test(input)) {
    if (input.startsWith("-")) throw invalid(field, "must not be negative zero.");
    if (!options.allowZero) throw invalid(field, options.allowNegative ? "must not be zero." : "must be greater than zero.");
  } else if (input.startsWith("-") && !options.allowNegative) {
    throw invalid(field, options.allowZero ? "must not be negative." : "must be greater than zero.");
  }
}
