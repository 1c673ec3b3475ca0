import type { Transaction } from "@/db/client";
import type { AuditScope } from "../audit/audit-scope";
import { canonicalJson } from "../audit/chain";
import { insertChangeRequest } from "./change-request";
import { loadActivePolicy } from "./policy";
import type { PolicyDocument } from "./schemas";

/** Changing the policy is itself a request: two distinct checkers (compliance or admin), neither the maker. */
export const policyChangeRule = { id: "policy-change-four-eyes", approvalsRequired: 2, approverRoles: ["compliance", "admin"] } as const;

export async function proposePolicyChange(tx: Transaction, audit: AuditScope, makerId: string, input: { justification: string; policy: PolicyDocument }) {
  const current = await loadActivePolicy(tx);
  const { requestId: id, payloadHash: hash } = await insertChangeRequest(tx, {
    kind: "policy_change",
    makerId,
    justification: input.justification,
    rule: policyChangeRule,
    policy: current,
    change: { basedOnVersion: current.version, policy: JSON.parse(canonicalJson(input.policy)) as unknown },
  });
  audit.target("approval_request", id);
  audit.details({ kind: "policy_change", basedOnVersion: current.version, rules: input.policy.rules.length, payloadHash: hash });
  return { requestId: id, payloadHash: hash, approvalsRequired: 2, policyRule: policyChangeRule.id, warnings: [] as string[] };
}
