import type Decimal from "decimal.js";
import { requireCurrency } from "./currencies";
import { MoneyDecimal } from "./decimal";
import { assertCurrencyScale } from "./minor-units";

/**
 * The canonical string of an amount: exactly the currency's exponent of decimal places, a leading
 * minus for negatives, no separators ("10.00", "-3.50", "1000" JPY, "0.125" BHD). This is the
 * wire and storage form, and parseAmount accepts every string it produces. The value must already
 * fit the currency; an amount is never rounded on the way out.
 */
export function formatAmount(value: Decimal, currency: string): string {
  assertCurrencyScale(value, currency);
  const { exponent } = requireCurrency(currency);
  const amount = new MoneyDecimal(value);
  return (amount.isZero() ? amount.abs() : amount).toFixed(exponent);
}

/** The amount for people to read: formatAmount with a comma between thousands ("-1,250.00"). */
export function formatAmountDisplay(value: Decimal, currency: string): string {
  const canonical = formatAmount(value, currency);
  const sign = canonical.startsWith("-") ? "-" : "";
  const [integerDigits = "", fractionDigits] = canonical.slice(sign.length).split(".");
  const grouped = integerDigits.replace(/\B(?=(?:[0-9]{3})+$)/g, ",");
  return fractionDigits === undefined ? `${sign}${grouped}` : `${sign}${grouped}.${fractionDigits}`;
}
