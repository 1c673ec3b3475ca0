import { desc } from "drizzle-orm";
import type Decimal from "decimal.js";
import type { Executor } from "@/db/client";
import { approvalPolicies } from "@/db/schema";
import { parseAmount } from "../money";
import { type adjustmentReasons, policyDocumentSchema, type PolicyDocument, type PolicyRule } from "./schemas";

export { policyDocumentSchema, type PolicyDocument, type PolicyRule };

export interface ActivePolicy extends PolicyDocument {
  version: number;
}

/** The newest policy version is the active one; versions only ever grow. */
export async function loadActivePolicy(db: Executor): Promise<ActivePolicy> {
  const [row] = await db.select().from(approvalPolicies).orderBy(desc(approvalPolicies.version)).limit(1);
  if (!row) throw new Error("no approval policy: the migrations insert version 1");
  return { version: row.version, ...policyDocumentSchema.parse({ rules: row.rules, dailyCaps: row.dailyCaps, expiryHours: row.expiryHours }) };
}

/** The active policy for people to read: the document, when it took effect and the request that made it. */
export async function describeActivePolicy(db: Executor) {
  const [row] = await db.select().from(approvalPolicies).orderBy(desc(approvalPolicies.version)).limit(1);
  if (!row) throw new Error("no approval policy: the migrations insert version 1");
  const document = policyDocumentSchema.parse({ rules: row.rules, dailyCaps: row.dailyCaps, expiryHours: row.expiryHours });
  return { version: row.version, ...document, activatedAt: row.createdAt, requestId: row.requestId };
}

export interface RuleSubject {
  currency: string;
  amount: Decimal;
  reasonCode: (typeof adjustmentReasons)[number];
  accountType: "asset" | "liability" | "equity" | "income" | "expense";
}

/** The first rule whose every condition holds; the policy's catch-all rule guarantees one. */
export function matchRule(policy: PolicyDocument, subject: RuleSubject): PolicyRule {
  const rule = policy.rules.find((candidate) => {
    if (candidate.currency && candidate.currency !== subject.currency) return false;
    if (candidate.reasonCodes && !candidate.reasonCodes.includes(subject.reasonCode)) return false;
    if (candidate.accountTypes && !candidate.accountTypes.includes(subject.accountType)) return false;
    if (candidate.minAmount && subject.amount.lessThan(parseAmount(candidate.minAmount, subject.currency, { field: "minAmount", allowZero: true }))) return false;
    if (candidate.maxAmount && subject.amount.greaterThan(parseAmount(candidate.maxAmount, subject.currency, { field: "maxAmount", allowZero: true }))) return false;
    return true;
  });
  if (!rule) throw new Error("approval policy has no catch-all rule");
  return rule;
}
