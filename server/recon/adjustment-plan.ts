import { MoneyDecimal } from "../money";

export interface AdjustableException {
  status: "open" | "investigating" | "explained" | "resolved";
  accountId: string | null;
  currency: string | null;
  amount: string | null;
}

/** Approval states in which the linked request still stands: a second one must not be raised. */
const standingApprovalStatuses = new Set(["pending", "executed"]);

/**
 * The direction that closes the gap, taking the provider's figure as the truth: on payments a
 * customer credited less than the provider collected gets the gap credited; on withdrawals a
 * customer debited less than the provider paid out gets it debited. Null when the run's scope
 * says nothing about a customer balance (the ledger checks) or a figure is missing.
 */
export function suggestedDirection(scope: string, statementAmount: string | null, ledgerAmount: string | null): "credit" | "debit" | null {
  if (statementAmount === null || (scope !== "payments" && scope !== "withdrawals")) return null;
  const gap = new MoneyDecimal(statementAmount).abs().minus(new MoneyDecimal(ledgerAmount ?? "0").abs());
  if (gap.isZero()) return null;
  const providerSaysMore = gap.greaterThan(0);
  if (scope === "payments") return providerSaysMore ? "credit" : "debit";
  return providerSaysMore ? "debit" : "credit";
}

/** Why "Adjust the ledger" cannot raise a request for this exception, or null when it can. */
export function adjustmentRefusal(exception: AdjustableException, linkedApprovalStatus: string | null): string | null {
  if (exception.status === "resolved") return "The exception is resolved.";
  if (linkedApprovalStatus !== null && standingApprovalStatuses.has(linkedApprovalStatus)) return `The linked adjustment is ${linkedApprovalStatus}.`;
  if (exception.accountId === null) return "The difference names no customer account to adjust.";
  if (exception.currency === null || exception.amount === null) return "The difference has no amount in one currency.";
  if (!new MoneyDecimal(exception.amount).greaterThan(0)) return "The difference amount is zero.";
  return null;
}

/** What the detail page shows about "Adjust the ledger": possible or why not, and the suggested direction. */
export function adjustmentPossibility(exception: AdjustableException, linkedApprovalStatus: string | null, scope: string, statementAmount: string | null, ledgerAmount: string | null) {
  const reason = adjustmentRefusal(exception, linkedApprovalStatus);
  if (reason !== null) return { possible: false, reason, suggestedDirection: null };
  return { possible: true, reason: null, suggestedDirection: suggestedDirection(scope, statementAmount, ledgerAmount) };
}

