import { describe, expect, it } from "vitest";
import { DomainError } from "../errors";
import { amountPattern, checkAmount } from "./parse";
import { MoneyDecimal } from "./decimal";

/**
 * checkAmount decides zero and negative from the text (no digit 1-9; a leading minus) instead of
 * building a Decimal. Here the verdict is compared with decimal.js's on a corpus, under each
 * combination of options, so that the shortcut can never drift from the value.
 */
const spellings = ["0", "-0", "0.00", "-0.00", "0.000000001", "-0.000000001", "1", "-1", "10.5", "-10.5", "0.01", "-0.01", "100", "1000000.00", "0.10", "-0.10", "1.001", "00", "1e3", ""];

function verdict(input: string, currency: string, options: { allowZero?: boolean; allowNegative?: boolean }): string {
  try {
    checkAmount(input, currency, options);
    return "ok";
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return error.message;
  }
}

describe("checkAmount", () => {
  for (const options of [{}, { allowZero: true }, { allowNegative: true }, { allowZero: true, allowNegative: true }]) {
    it(`accepts exactly the amounts decimal.js says are allowed (${JSON.stringify(options)})`, () => {
      for (const currency of ["EUR", "BTC", "JPY"]) {
        for (const input of spellings) {
          const result = verdict(input, currency, options);
          const fraction = input.split(".")[1] ?? "";
          const exponent = currency === "BTC" ? 8 : currency === "JPY" ? 0 : 2;
          if (!amountPattern.test(input) || fraction.length > exponent) {
            expect(result, `${input} ${currency}`).not.toBe("ok");
            continue;
          }
          const value = new MoneyDecimal(input);
          const allowed = value.isZero() ? !input.startsWith("-") && options.allowZero === true : !value.isNegative() || options.allowNegative === true;
          expect(result === "ok", `${input} ${currency}`).toBe(allowed);
          if (value.isZero() && input.startsWith("-")) expect(result).toBe("amount must not be negative zero.");
        }
      }
    });
  }
});
