import { and, eq, gte, inArray, sql } from "drizzle-orm";
import { uuidv7 } from "uuidv7";
import type { Executor, Transaction } from "@/db/client";
import { accountBalances, accounts, approvalRequests } from "@/db/schema";
import type { AuditScope } from "../audit/audit-scope";
import { DomainError } from "../errors";
import { formatAmount, MoneyDecimal, parseAmount, requireCurrency } from "../money";
import { payloadHash } from "./payload";
import { loadActivePolicy, matchRule } from "./policy";
import type { AdjustmentFields } from "./schemas";

export interface Maker {
  staffId: string;
}

/** The account an adjustment may touch: a customer's open account, with its balance, locked. */
export async function adjustableAccount(tx: Executor, accountId: string, lock: boolean) {
  const query = tx
    .select({ id: accounts.id, code: accounts.code, type: accounts.type, purpose: accounts.purpose, currency: accounts.currency, customerId: accounts.customerId, status: accounts.status, balance: accountBalances.balance })
    .from(accounts)
    .innerJoin(accountBalances, eq(accountBalances.accountId, accounts.id))
    .where(eq(accounts.id, accountId));
  // NO KEY UPDATE serialises requests for one account without blocking postings' foreign-key checks.
  const [account] = lock ? await query.for("no key update", { of: accounts }) : await query;
  if (!account) throw new DomainError("NOT_FOUND", "No account with this id.", { field: "accountId" });
  if (!account.customerId) throw new DomainError("VALIDATION", "Manual adjustments apply to customer accounts only.", { field: "accountId" });
  return account;
}

/** The signed change to the customer's balance: a credit raises it, a debit lowers it. */
export function balanceChange(direction: "credit" | "debit", amount: InstanceType<typeof MoneyDecimal>) {
  return direction === "credit" ? amount : amount.negated();
}

/**
 * A maker's adjustment request. What the checker will approve is fixed here: the canonical payload
 * and its hash, the policy version and rule that decide how many approvals it needs, and the
 * balance at this moment (so the checker sees any drift). Double-click safe through the
 * procedure's idempotency key; a duplicate pending request (same account, amount, direction and
 * reason) is refused; the maker's daily cap per currency holds.
 */
export async function createAdjustmentRequest(tx: Transaction, audit: AuditScope, maker: Maker, input: AdjustmentFields) {
  const account = await adjustableAccount(tx, input.accountId, true);
  if (input.currency !== account.currency) {
    throw new DomainError("VALIDATION", `currency must be ${account.currency}, the currency the account holds.`, { field: "currency" });
  }
  requireCurrency(input.currency);
  const amount = parseAmount(input.amount, input.currency, { field: "amount" });
  const policy = await loadActivePolicy(tx);
  const rule = matchRule(policy, { currency: input.currency, amount, reasonCode: input.reasonCode, accountType: account.type });
  await checkDailyCap(tx, maker, input.currency, amount, policy.dailyCaps[input.currency]);

  const pending = await tx
    .select({ id: approvalRequests.id, amount: approvalRequests.amount, direction: approvalRequests.direction, reasonCode: approvalRequests.reasonCode })
    .from(approvalRequests)
    .where(and(eq(approvalRequests.accountId, account.id), eq(approvalRequests.status, "pending"), sql`${approvalRequests.expiresAt} > now()`));
  const duplicate = pending.find((other) => other.amount?.equals(amount) && other.direction === input.direction && other.reasonCode === input.reasonCode);
  if (duplicate) {
    throw new DomainError("DUPLICATE_PENDING", `An identical adjustment for this account is already pending (${duplicate.id}).`, { field: "amount" });
  }

  const id = uuidv7();
  const createdAt = new Date();
  const payload = {
    kind: "adjustment",
    requestId: id,
    accountId: account.id,
    direction: input.direction,
    amount: formatAmount(amount, input.currency),
    currency: input.currency,
    reasonCode: input.reasonCode,
    justification: input.justification,
    ticketRef: input.ticketRef,
    reconExceptionId: input.reconExceptionId ?? null,
    makerId: maker.staffId,
    policyVersion: policy.version,
    createdAt: createdAt.toISOString(),
  };
  const hash = payloadHash(payload);
  await tx.insert(approvalRequests).values({
    id,
    kind: "adjustment",
    makerId: maker.staffId,
    payload,
    payloadHash: hash,
    policyVersion: policy.version,
    policyRule: rule.id,
    approvalsRequired: rule.approvalsRequired,
    approverRoles: rule.approverRoles,
    createdAt,
    expiresAt: new Date(createdAt.getTime() + policy.expiryHours * 3_600_000),
    accountId: account.id,
    currency: input.currency,
    amount,
    direction: input.direction,
    reasonCode: input.reasonCode,
    reconExceptionId: input.reconExceptionId ?? null,
    balanceAtRequest: account.balance,
  });
  audit.target("approval_request", id);
  audit.details({
    kind: "adjustment",
    accountId: account.id,
    direction: input.direction,
    amount: payload.amount,
    currency: input.currency,
    reasonCode: input.reasonCode,
    ticketRef: input.ticketRef,
    payloadHash: hash,
    policyVersion: policy.version,
    policyRule: rule.id,
    approvalsRequired: rule.approvalsRequired,
  });
  const warnings = pending.map((other) => `Another adjustment for this account is pending: ${other.id}.`);
  return { requestId: id, payloadHash: hash, approvalsRequired: rule.approvalsRequired, policyRule: rule.id, warnings };
}

async function checkDailyCap(tx: Transaction, maker: Maker, currency: string, amount: InstanceType<typeof MoneyDecimal>, cap: string | undefined): Promise<void> {
  if (!cap) return;
  const dayStart = new Date(new Date().toISOString().slice(0, 10) + "T00:00:00.000Z");
  const [used] = await tx
    .select({ total: sql<string | null>`sum(${approvalRequests.amount})::text` })
    .from(approvalRequests)
    .where(and(eq(approvalRequests.makerId, maker.staffId), eq(approvalRequests.currency, currency), gte(approvalRequests.createdAt, dayStart), inArray(approvalRequests.status, ["pending", "executed"])));
  const limit = parseAmount(cap, currency, { field: "dailyCap" });
  const total = new MoneyDecimal(used?.total ?? "0").plus(amount);
  if (total.greaterThan(limit)) {
    const remaining = MoneyDecimal.max(limit.minus(new MoneyDecimal(used?.total ?? "0")), 0);
    throw new DomainError("DAILY_CAP_EXCEEDED", `This exceeds your daily cap of ${formatAmount(limit, currency)} ${currency}; ${formatAmount(remaining, currency)} ${currency} remains today.`, { field: "amount" });
  }
}
