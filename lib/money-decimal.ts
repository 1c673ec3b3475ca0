import Decimal from "decimal.js";

/**
 * The Decimal constructor for money, shared by db/ (NUMERIC columns), server/ (the money module)
 * and the wire transformer, so every amount in the system computes with the same configuration.
 * It is a clone so that no other code changing the global Decimal configuration can change how
 * amounts are computed. Forty significant digits cover a NUMERIC(38, 18) column with room to
 * spare; exponent notation is pushed out to the same range so that toString() of an amount never
 * produces "1e-7".
 *
 * decimal.js computes with the configuration of the receiver's constructor: a value built with the
 * global Decimal (precision 20) would round at 20 digits. Construction never rounds; only
 * arithmetic does.
 */
export const MoneyDecimal = Decimal.clone({
  precision: 40,
  rounding: Decimal.ROUND_HALF_EVEN,
  toExpNeg: -40,
  toExpPos: 40,
});
