import { describe, expect, it } from "vitest";
import { adjustmentPossibility, suggestedDirection } from "./adjustment-plan";

const open = { status: "open" as const, accountId: "0190a000-0000-7000-8000-000000000001", currency: "EUR", amount: "10.00" };

describe("adjust the ledger: direction and possibility", () => {
  it("credits a customer credited less than the provider collected, debits one credited more", () => {
    expect(suggestedDirection("payments", "100.00", "90.00")).toBe("credit");
    expect(suggestedDirection("payments", "90.00", "100.00")).toBe("debit");
    expect(suggestedDirection("payments", "42.00", null)).toBe("credit");
  });

  it("debits a customer who received more in a payout than the ledger debited", () => {
    expect(suggestedDirection("withdrawals", "-50.00", "-40.00")).toBe("debit");
    expect(suggestedDirection("withdrawals", "40.00", "50.00")).toBe("credit");
  });

  it("suggests nothing for ledger checks, equal figures or a missing statement figure", () => {
    expect(suggestedDirection("ledger", "200.00", "199.00")).toBeNull();
    expect(suggestedDirection("payments", "12.00", "12.00")).toBeNull();
    expect(suggestedDirection("payments", null, "12.00")).toBeNull();
  });

  it("refuses resolved exceptions, standing requests, and differences without an account or amount", () => {
    expect(adjustmentPossibility(open, null, "payments", "100.00", "90.00")).toEqual({ possible: true, reason: null, suggestedDirection: "credit" });
    expect(adjustmentPossibility(open, "rejected", "payments", "100.00", "90.00").possible).toBe(true);
    expect(adjustmentPossibility(open, "pending", "payments", null, null)).toMatchObject({ possible: false, reason: "The linked adjustment is pending." });
    expect(adjustmentPossibility(open, "executed", "payments", null, null).possible).toBe(false);
    expect(adjustmentPossibility({ ...open, status: "resolved" }, null, "payments", null, null).reason).toBe("The exception is resolved.");
    expect(adjustmentPossibility({ ...open, accountId: null }, null, "payments", null, null).reason).toMatch(/no customer account/);
    expect(adjustmentPossibility({ ...open, amount: null }, null, "payments", null, null).reason).toMatch(/no amount/);
    expect(adjustmentPossibility({ ...open, amount: "0.00" }, null, "payments", null, null).reason).toMatch(/zero/);
  });
});
