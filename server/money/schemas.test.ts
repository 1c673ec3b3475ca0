import { describe, expect, it } from "vitest";
import { z } from "zod";
import { amountString, currencyCodeString } from "./schemas";

describe("amount and currency schemas check spelling only, without trimming", () => {
  const schema = z.strictObject({ amount: amountString, currency: currencyCodeString });

  it.each(["10.00", "-3.50", "0", "0.125", "12345678901234567890.123456789012345678"])("accepts %j", (amount) => {
    expect(schema.parse({ amount, currency: "EUR" })).toEqual({ amount, currency: "EUR" });
  });

  it.each([" 10.00", "10.00 ", "1,000.00", "1e3", "+1", "007", ".5", "5.", "１０", "", "1".repeat(41)])(
    "refuses amount %j on the amount path",
    (amount) => {
      const result = schema.safeParse({ amount, currency: "EUR" });
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((issue) => issue.path.join("."))).toEqual(["amount"]);
    },
  );

  it.each(["eur", "EURO", "E1R", " EUR", ""])("refuses currency %j on the currency path", (currency) => {
    const result = schema.safeParse({ amount: "1.00", currency });
    expect(result.error?.issues.map((issue) => issue.path.join("."))).toEqual(["currency"]);
  });

  it("refuses a number: amounts are strings on the wire", () => {
    expect(schema.safeParse({ amount: 10, currency: "EUR" }).success).toBe(false);
  });
});
