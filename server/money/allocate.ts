import type Decimal from "decimal.js";
import { assert, DomainError } from "../errors";
import { MoneyDecimal } from "./decimal";
import { fromMinorUnits, toMinorUnits } from "./minor-units";

export const allocationPartsMax = 10_000;

function refuse(problem: string): DomainError {
  return new DomainError("INVALID_ALLOCATION", `Cannot split the amount: ${problem}`);
}

/** The ratios as non-negative bigints over one common power of ten, so shares are exact. */
function integerWeights(parts: number | readonly Decimal[]): bigint[] {
  if (typeof parts === "number") {
    if (!Number.isInteger(parts) || parts < 1 || parts > allocationPartsMax) {
      throw refuse(`the number of parts must be a whole number from 1 to ${allocationPartsMax}.`);
    }
    return Array.from({ length: parts }, () => 1n);
  }
  if (parts.length < 1 || parts.length > allocationPartsMax) {
    throw refuse(`there must be from 1 to ${allocationPartsMax} ratios.`);
  }
  const ratios = parts.map((ratio) => new MoneyDecimal(ratio));
  if (ratios.some((ratio) => !ratio.isFinite() || ratio.isNegative())) {
    throw refuse("every ratio must be a finite number that is zero or more.");
  }
  if (ratios.every((ratio) => ratio.isZero())) throw refuse("at least one ratio must be above zero.");
  const scale = Math.max(...ratios.map((ratio) => ratio.decimalPlaces()));
  return ratios.map((ratio) => BigInt(ratio.toFixed(scale).replace(".", "")));
}

/**
 * Splits `total` into parts that always sum exactly to it at the currency's precision: by count
 * (`parts` equal shares) or by ratios (`[1, 1, 2]` gives a quarter, a quarter and a half).
 *
 * The rule, in minor units of the absolute total: each part first gets the floor of its exact
 * share; the minor units left over go one each to the parts with the largest fractional
 * remainder, ties broken by the lowest index. So 10.00 in three is 3.34 + 3.33 + 3.33, and every
 * part is less than one minor unit from its exact share. A negative total is split as its absolute
 * value and every part negated, so allocate(-x) is allocate(x) negated. Parts with a zero ratio
 * get zero. The arithmetic is on bigints, so no share is ever rounded by a precision limit.
 */
export function allocate(total: Decimal, parts: number | readonly Decimal[], currency: string): Decimal[] {
  const weights = integerWeights(parts);
  const totalMinorUnits = toMinorUnits(total, currency);
  const sign = totalMinorUnits < 0n ? -1n : 1n;
  const magnitude = totalMinorUnits * sign;
  const weightSum = weights.reduce((sum, weight) => sum + weight, 0n);

  const shares = weights.map((weight, index) => ({
    index,
    units: (magnitude * weight) / weightSum,
    remainder: (magnitude * weight) % weightSum,
  }));
  let leftover = magnitude - shares.reduce((sum, share) => sum + share.units, 0n);
  const byRemainder = [...shares].sort((a, b) =>
    a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
  );
  for (const share of byRemainder) {
    if (leftover === 0n) break;
    share.units += 1n;
    leftover -= 1n;
  }
  assert(leftover === 0n, "fewer minor units are left over than there are parts");
  assert(shares.reduce((sum, share) => sum + share.units, 0n) === magnitude, "the parts sum to the total");
  return shares.map((share) => fromMinorUnits(share.units * sign, currency));
}
