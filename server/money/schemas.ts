import { z } from "zod";
import { amountPattern, amountStringLengthMax } from "./parse";

/**
 * Schemas carry amounts as strings and check only their spelling, with no trimming. The use case
 * then calls parseAmount(input.amount, input.currency, { field: "amount" }), which knows the
 * currency's exponent and the sign rules, and whose DomainError names the field. Keeping the value
 * a string in the schema means the exact text the operator approved is what gets hashed.
 */
export const amountString = z
  .string()
  .max(amountStringLengthMax, `must be at most ${amountStringLengthMax} characters`)
  .regex(amountPattern, "must be a plain decimal number such as 1250.00");

/** Three upper-case letters; parseAmount and requireCurrency decide whether the code is supported. */
export const currencyCodeString = z.string().regex(/^[A-Z]{3}$/, "must be a three-letter upper-case currency code");
