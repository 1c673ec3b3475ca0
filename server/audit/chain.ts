import { createHash } from "node:crypto";
import canonicalize from "canonicalize";

/** The hash a chain starts from: seq 1 links to 32 zero bytes. */
export const genesisHash = "0".repeat(64);

export type AuditActorType = "staff" | "service" | "anonymous";
export type AuditOutcome = "success" | "denied" | "failed";

/**
 * Exactly the fields that are hashed, in the shape any independent tool rebuilds from a row:
 * hash = SHA-256( bytes(prev_hash) || UTF-8( RFC 8785 canonical JSON of this object ) ).
 * occurredAt is the ISO 8601 UTC form with milliseconds; absent optional fields are null.
 */
export interface HashedAuditRecord {
  seq: number;
  occurredAt: string;
  actorType: AuditActorType;
  actorId: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  outcome: AuditOutcome;
  correlationId: string | null;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown>;
}

export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error("value has no canonical JSON form");
  return text;
}

export function chainHash(prevHash: string, record: HashedAuditRecord): string {
  return createHash("sha256").update(Buffer.from(prevHash, "hex")).update(canonicalJson(record), "utf8").digest("hex");
}
