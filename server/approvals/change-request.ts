import { uuidv7 } from "uuidv7";
import type { Transaction } from "@/db/client";
import { approvalRequests } from "@/db/schema";
import { payloadHash } from "./payload";
import type { loadActivePolicy } from "./policy";

export interface ChangeRule {
  id: string;
  approvalsRequired: number;
  approverRoles: readonly string[];
}

/**
 * A change of configuration (the approval policy itself, a monitor's thresholds) proposed as an
 * approval request under its own fixed rule. The payload carries the request id, the maker, the
 * justification and the time, and its hash binds the approvals to exactly these bytes; it expires
 * with the policy in force. Nothing changes until the request executes.
 */
export async function insertChangeRequest(
  tx: Transaction,
  request: { kind: "policy_change" | "monitor_threshold"; makerId: string; justification: string; rule: ChangeRule; policy: Awaited<ReturnType<typeof loadActivePolicy>>; change: Record<string, unknown> },
): Promise<{ requestId: string; payloadHash: string }> {
  const id = uuidv7();
  const createdAt = new Date();
  const payload = { ...request.change, kind: request.kind, requestId: id, justification: request.justification, makerId: request.makerId, createdAt: createdAt.toISOString() };
  const hash = payloadHash(payload);
  await tx.insert(approvalRequests).values({
    id,
    kind: request.kind,
    makerId: request.makerId,
    payload,
    payloadHash: hash,
    policyVersion: request.policy.version,
    policyRule: request.rule.id,
    approvalsRequired: request.rule.approvalsRequired,
    approverRoles: [...request.rule.approverRoles],
    createdAt,
    expiresAt: new Date(createdAt.getTime() + request.policy.expiryHours * 3_600_000),
  });
  return { requestId: id, payloadHash: hash };
}
