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
