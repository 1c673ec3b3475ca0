import { and, asc, eq, gte, lte } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { auditCheckpoints, auditEvents } from "@/db/schema";
import type { HashedAuditRecord } from "./chain";
import { InexactNumberError, parseExactJson } from "./exact-json";
import { checkpointChain } from "./checkpoints/checkpoint-message";
import type { TrustedKeys } from "./checkpoints/signing-key";

export const proofFormat = "countersign-audit-proof/1";
/** The longest chain segment a bundle carries; a record further from its checkpoint is refused. */
export const proofSegmentRowsMax = 10_000;

export interface ProofSegmentLink {
  /** The hashed record exactly as chain.ts hashes it (its canonical JSON is what the hash covers). */
  record: HashedAuditRecord;
  prevHash: string;
  hash: string;
}

/**
 * Everything needed to check one audit record offline with only Node's crypto
 * (scripts/verify-proof.mjs): the record and its hash, the chain from it to the first signed
 * checkpoint at or after it, that checkpoint (signed message and signature) and the public key.
 */
export interface ProofBundle {
  format: typeof proofFormat;
  chain: typeof checkpointChain;
  seq: number;
  record: HashedAuditRecord;
  hash: string;
  segment: ProofSegmentLink[];
  checkpoint: { seq: number; hash: string; signedAt: string; keyId: string; message: string; signature: string };
  publicKey: { keyId: string; pem: string };
  generatedAt: string;
}

export type ProofOutcome =
  | { status: "ok"; bundle: ProofBundle }
  | { status: "not_found" }
  | { status: "not_covered" }
  | { status: "segment_too_long"; checkpointSeq: number; rows: number }
  | { status: "unknown_key"; keyId: string }
  /** A stored record's details hold a number the hash cannot cover (see exact-json.ts): tampered. */
  | { status: "altered"; recordSeq: number; token: string };

/** Builds the proof bundle of the record at `seq` from the first checkpoint that covers it. */
export async function buildProofBundle(db: Executor, seq: number, keys: TrustedKeys, segmentRowsMax = proofSegmentRowsMax): Promise<ProofOutcome> {
  const [exists] = await db.select({ seq: auditEvents.seq }).from(auditEvents).where(eq(auditEvents.seq, seq));
  if (!exists) return { status: "not_found" };
  const [checkpoint] = await db.select().from(auditCheckpoints).where(gte(auditCheckpoints.seq, seq)).orderBy(asc(auditCheckpoints.seq)).limit(1);
  if (!checkpoint) return { status: "not_covered" };
  const rows = checkpoint.seq - seq + 1;
  if (rows > segmentRowsMax) return { status: "segment_too_long", checkpointSeq: checkpoint.seq, rows };
  const key = keys.get(checkpoint.keyId);
  if (!key) return { status: "unknown_key", keyId: checkpoint.keyId };

  const stored = await db
    .select()
    .from(auditEvents)
    .where(and(gte(auditEvents.seq, seq), lte(auditEvents.seq, checkpoint.seq)))
    .orderBy(asc(auditEvents.seq));
  // The bundle carries details as parsed values, so a number JSON.parse would round (the stored text
  // then differs from what the hash covers) must refuse the bundle, never hand over the rounded value.
  const segment: ProofSegmentLink[] = [];
  for (const row of stored) {
    let details: Record<string, unknown>;
    try {
      details = parseExactJson(row.details) as Record<string, unknown>;
    } catch (error) {
      if (error instanceof InexactNumberError) return { status: "altered", recordSeq: row.seq, token: error.token.slice(0, 40) };
      throw error;
    }
    segment.push({
      record: {
        seq: row.seq,
        occurredAt: row.occurredAt.toISOString(),
        actorType: row.actorType,
        actorId: row.actorId,
        action: row.action,
        targetType: row.targetType,
        targetId: row.targetId,
        outcome: row.outcome,
        correlationId: row.correlationId,
        ip: row.ip,
        userAgent: row.userAgent,
        details,
      },
      prevHash: row.prevHash,
      hash: row.hash,
    });
  }
  const first = segment[0] as ProofSegmentLink;
  return {
    status: "ok",
    bundle: {
      format: proofFormat,
      chain: checkpointChain,
      seq,
      record: first.record,
      hash: first.hash,
      segment,
      checkpoint: {
        seq: checkpoint.seq,
        hash: checkpoint.hash,
        signedAt: checkpoint.signedAt.toISOString(),
        keyId: checkpoint.keyId,
        message: checkpoint.message,
        signature: checkpoint.signature,
      },
      publicKey: { keyId: key.keyId, pem: key.publicKeyPem },
      generatedAt: new Date().toISOString(),
    },
  };
}
