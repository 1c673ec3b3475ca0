import type Decimal from "decimal.js";
import { assert } from "../errors";
import { requireCurrency } from "./currencies";
import { MoneyDecimal } from "./decimal";

/**
 * How a computed value (a fee, an interest accrual, a conversion) becomes an amount the currency
 * can hold. UP and DOWN are away from and toward zero; CEIL and FLOOR are toward plus and minus
 * infinity; HALF_UP rounds a tie away from zero; HALF_EVEN rounds a tie to the even neighbour
 * (banker's rounding, unbiased over many values).
 */
export const roundingModes = ["HALF_EVEN", "HALF_UP", "DOWN", "UP", "FLOOR", "CEIL"] as const;
export type RoundingMode = (typeof roundingModes)[number];

/** The mode to name at a call site that has no rule of its own. */
export const defaultRounding = "HALF_EVEN" satisfies RoundingMode;

const decimalRounding: Record<RoundingMode, Decimal.Rounding> = {
  HALF_EVEN: MoneyDecimal.ROUND_HALF_EVEN,
  HALF_UP: MoneyDecimal.ROUND_HALF_UP,
  DOWN: MoneyDecimal.ROUND_DOWN,
  UP: MoneyDecimal.ROUND_UP,
  FLOOR: MoneyDecimal.ROUND_FLOOR,
  CEIL: MoneyDecimal.ROUND_CEIL,
};

/**
 * Rounds to the currency's exponent with the mode named by the caller. There is deliberately no
 * default: the mode is part of the business rule at each call. Negative zero becomes zero.
 */
export function roundToCurrency(value: Decimal, currency: string, mode: RoundingMode): Decimal {
  const { exponent } = requireCurrency(currency);
  const rounding = decimalRounding[mode];
  assert(rounding !== undefined, `rounding mode ${String(mode)} is one of ${roundingModes.join(", ")}`);
  assert(value.isFinite(), "a value to round is finite");
  const rounded = new MoneyDecimal(value).toDecimalPlaces(exponent, rounding);
  return rounded.isZero() ? new MoneyDecimal(0) : rounded;
}
