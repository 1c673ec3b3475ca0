/**
 * The one money module. Amounts are Decimal values of MoneyDecimal, strings on the wire, and never
 * a JavaScript number. Shared with the browser, so nothing here may import server-only code.
 */
export { allocate, allocationPartsMax } from "./allocate";
export { currencies, currencyCodes, currencyExponentMax, findCurrency, requireCurrency } from "./currencies";
export type { Currency, CurrencyCode } from "./currencies";
export { MoneyDecimal } from "./decimal";
export { formatAmount, formatAmountDisplay } from "./format";
export { assertCurrencyScale, fromMinorUnits, isNegative, isPositive, isZero, sumAmounts, toMinorUnits } from "./minor-units";
export {
  amountFractionDigitsMax,
  amountIntegerDigitsMax,
  amountPattern,
  amountStringLengthMax,
  checkAmount,
  parseAmount,
} from "./parse";
export type { ParseAmountOptions } from "./parse";
export { defaultRounding, roundingModes, roundToCurrency } from "./rounding";
export type { RoundingMode } from "./rounding";
export { amountString, currencyCodeString } from "./schemas";
