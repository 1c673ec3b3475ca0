import type { AuditOutcome } from "./chain";

export interface AuditRecordRequest {
  action: string;
  outcome?: AuditOutcome;
  target?: { type: string; id: string } | null;
  details?: Record<string, unknown>;
}

/** Where a use case says what its audit records are about; the mutation builder writes them. */
export interface AuditScope {
  target(type: string, id: string): void;
  details(details: Record<string, unknown>): void;
  /** A further step of the same action (an execution after the final approval, say), recorded after the main record in the same transaction. */
  record(extra: AuditRecordRequest): void;
}

export interface CollectedAudit {
  target: { type: string; id: string } | null;
  details: Record<string, unknown>;
  extras: AuditRecordRequest[];
}

/** An AuditScope that collects what a use case says, for the caller to write when the work succeeds. */
export function collectingAuditScope(): { audit: AuditScope; collected: CollectedAudit } {
  const collected: CollectedAudit = { target: null, details: {}, extras: [] };
  const audit: AuditScope = {
    target: (type, id) => void (collected.target = { type, id }),
    details: (value) => void (collected.details = { ...collected.details, ...value }),
    record: (extra) => void collected.extras.push(extra),
  };
  return { audit, collected };
}
