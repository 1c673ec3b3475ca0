import { and, eq, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { approvalRequests } from "@/db/schema";
import { DomainError } from "../errors";
import { parseAmount } from "../money";
import { adjustableAccount, balanceChange } from "./create-adjustment-request";
import { loadActivePolicy, matchRule } from "./policy";
import type { AdjustmentFields } from "./schemas";

/** What the maker sees before submitting: balance now and after, the rule that applies, other pending requests. */
export async function previewAdjustment(db: Executor, makerId: string, input: Omit<AdjustmentFields, "justification" | "ticketRef">) {
  const account = await adjustableAccount(db, input.accountId, false);
  if (input.currency !== account.currency) throw new DomainError("VALIDATION", `currency must be ${account.currency}, the currency the account holds.`, { field: "currency" });
  const amount = parseAmount(input.amount, input.currency, { field: "amount" });
  const policy = await loadActivePolicy(db);
  const rule = matchRule(policy, { currency: input.currency, amount, reasonCode: input.reasonCode, accountType: account.type });
  const pending = await db
    .select({ id: approvalRequests.id, amount: approvalRequests.amount, direction: approvalRequests.direction, reasonCode: approvalRequests.reasonCode })
    .from(approvalRequests)
    .where(and(eq(approvalRequests.accountId, account.id), eq(approvalRequests.status, "pending"), sql`${approvalRequests.expiresAt} > now()`));
  const cap = policy.dailyCaps[input.currency];
  const [used] = await db.execute<{ total: string | null }>(sql`
    select sum(amount)::text as total from approval_requests
     where maker_id = ${makerId} and currency = ${input.currency} and status in ('pending', 'executed') and created_at >= date_trunc('day', now() at time zone 'UTC') at time zone 'UTC'`);
  const capLimit = cap ? parseAmount(cap, input.currency, { field: "dailyCap" }) : null;
  return {
    accountCode: account.code,
    accountCurrency: account.currency,
    balanceNow: account.balance,
    balanceAfter: account.balance.plus(balanceChange(input.direction, amount)),
    policyVersion: policy.version,
    policyRule: rule.id,
    policyRuleDescription: rule.description,
    approvalsRequired: rule.approvalsRequired,
    approverRoles: rule.approverRoles,
    dailyCapRemaining: capLimit ? capLimit.minus(used?.total ?? "0") : null,
    pendingForAccount: pending,
  };
}
