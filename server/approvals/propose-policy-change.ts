import { uuidv7 } from "uuidv7";
import type { Transaction } from "@/db/client";
import { approvalRequests } from "@/db/schema";
import type { AuditScope } from "../audit/audit-scope";
import { canonicalJson } from "../audit/chain";
import { payloadHash } from "./payload";
import { loadActivePolicy } from "./policy";
import type { PolicyDocument } from "./schemas";

/** Changing the policy is itself a request: two distinct checkers (compliance or admin), neither the maker. */
export const policyChangeRule = { id: "policy-change-four-eyes", approvalsRequired: 2, approverRoles: ["compliance", "admin"] } as const;

export async function proposePolicyChange(tx: Transaction, audit: AuditScope, makerId: string, input: { justification: string; policy: PolicyDocument }) {
  const current = await loadActivePolicy(tx);
  const id = uuidv7();
  const createdAt = new Date();
  const payload = {
    kind: "policy_change",
    requestId: id,
    basedOnVersion: current.version,
    policy: JSON.parse(canonicalJson(input.policy)) as unknown,
    justification: input.justification,
    makerId,
    createdAt: createdAt.toISOString(),
  };
  const hash = payloadHash(payload);
  await tx.insert(approvalRequests).values({
    id,
    kind: "policy_change",
    makerId,
    payload,
    payloadHash: hash,
    policyVersion: current.version,
    policyRule: policyChangeRule.id,
    approvalsRequired: policyChangeRule.approvalsRequired,
    approverRoles: [...policyChangeRule.approverRoles],
    createdAt,
    expiresAt: new Date(createdAt.getTime() + current.expiryHours * 3_600_000),
  });
  audit.target("approval_request", id);
  audit.details({ kind: "policy_change", basedOnVersion: current.version, rules: input.policy.rules.length, payloadHash: hash });
  return { requestId: id, payloadHash: hash, approvalsRequired: 2, policyRule: policyChangeRule.id, warnings: [] as string[] };
}
