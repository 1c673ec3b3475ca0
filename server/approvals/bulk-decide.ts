import type { Transaction } from "@/db/client";
import { collectingAuditScope, type AuditScope } from "../audit/audit-scope";
import { DomainError } from "../errors";
import { decideRequest, type Checker } from "./decide-request";

/**
 * Decides several requests, each in its own savepoint with its own audit records: one refusal
 * (already decided, self-approval, expired) does not undo the others. The maker-checker rules are
 * exactly those of a single decision, because each item IS a single decision.
 */
export async function bulkDecide(
  tx: Transaction,
  audit: AuditScope,
  checker: Checker,
  input: { items: { requestId: string; payloadHash: string }[]; decision: "approve" | "reject"; comment?: string | undefined },
) {
  const results = [];
  for (const item of input.items) {
    const scope = itemScope();
    try {
      const result = await tx.transaction((savepoint) => decideRequest(savepoint, scope.audit, checker, { ...item, decision: input.decision, comment: input.comment }, "adjustment"));
      scope.flush(audit, "success");
      results.push({ requestId: item.requestId, ok: true, status: result.status, code: null, message: null });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      scope.flush(audit, error.code === "SELF_APPROVAL_FORBIDDEN" || error.code === "ROLE_NOT_ALLOWED" ? "denied" : "failed", { error: error.code, message: error.message });
      results.push({ requestId: item.requestId, ok: false, status: null, code: error.code, message: error.message });
    }
  }
  audit.target("approval_bulk", `${input.items.length} requests`);
  audit.details({ decision: input.decision, succeeded: results.filter((result) => result.ok).length, failed: results.filter((result) => !result.ok).length });
  return { results };
}

/** Collects one item's audit records, written after the bulk's own record as separate steps. */
function itemScope() {
  const { audit, collected } = collectingAuditScope();
  return {
    audit,
    flush(parent: AuditScope, outcome: "success" | "failed" | "denied", failure: Record<string, unknown> = {}) {
      parent.record({ action: "approval.decide", outcome, target: collected.target, details: { ...collected.details, ...failure, bulk: true } });
      if (outcome === "success") for (const extra of collected.extras) parent.record({ ...extra, target: extra.target ?? collected.target });
    },
  };
}
