import type { Database } from "@/db/client";
import type { StaffSession } from "../auth/sessions";
import { can } from "../auth/permissions";
import { recordAuditEvent, type RequestMeta } from "./append-audit-event";
import type { SigningKey, TrustedKeys } from "./checkpoints/signing-key";
import type { CheckpointExportTargets } from "./checkpoints/export-checkpoint";
import { buildProofBundle, proofSegmentRowsMax, type ProofBundle, type ProofOutcome } from "./proof-bundle";
import { recordCheckpoint } from "./record-checkpoint";

export interface ProofExportContext {
  db: Database;
  session: StaffSession;
  request: RequestMeta;
  keys: TrustedKeys;
  /** When set, a record no checkpoint covers yet gets one on demand (audited as audit.checkpoint). */
  signingKey?: SigningKey;
  exportTo?: CheckpointExportTargets;
}

export type ProofExportResult =
  | { status: 200; bundle: ProofBundle }
  | { status: 400 | 403 | 404 | 409; code: string; message: string; field?: string };

const seqPattern = /^[1-9][0-9]{0,14}$/;
const busyRetries = 5;
const busyWaitMs = 200;

/**
 * One proof bundle for one staff member: permission audit.read (a refusal is audited), the seq
 * checked, a checkpoint recorded on demand when none covers the record yet, and the download
 * audited as audit.proof_export with the record and checkpoint it proves.
 */
export async function exportProof(context: ProofExportContext, seqText: string): Promise<ProofExportResult> {
  const { db, session, request } = context;
  const actor = { type: "staff" as const, id: session.staffId };
  if (!can(session.role, "audit.read")) {
    await recordAuditEvent(db, { actor, action: "access.denied", outcome: "denied", target: { type: "audit_proof", id: seqText.slice(0, 20) }, details: { permission: "audit.read" }, request });
    return { status: 403, code: "FORBIDDEN", message: `The ${session.role} role lacks the audit.read permission.` };
  }
  if (!seqPattern.test(seqText)) return { status: 400, code: "BAD_REQUEST", message: "seq: must be a positive whole number", field: "seq" };
  const seq = Number.parseInt(seqText, 10);
  const outcome = await buildWithCheckpoint(context, seq);
  if (outcome.status !== "ok") return refusal(outcome, seq);
  await recordAuditEvent(db, {
    actor,
    action: "audit.proof_export",
    outcome: "success",
    target: { type: "audit_event", id: String(seq) },
    details: { seq, checkpointSeq: outcome.bundle.checkpoint.seq, segmentRows: outcome.bundle.segment.length, keyId: outcome.bundle.checkpoint.keyId },
    request,
  });
  return { status: 200, bundle: outcome.bundle };
}

async function buildWithCheckpoint(context: ProofExportContext, seq: number): Promise<ProofOutcome> {
  let outcome = await buildProofBundle(context.db, seq, context.keys);
  for (let attempt = 0; outcome.status === "not_covered" && context.signingKey && attempt < busyRetries; attempt += 1) {
    const recorded = await recordCheckpoint(context.db, { key: context.signingKey, exportTo: context.exportTo, trigger: "proof" });
    // Another recorder holds the lock: its checkpoint will cover the record in a moment.
    if (recorded.status === "busy") await new Promise((resolve) => setTimeout(resolve, busyWaitMs));
    outcome = await buildProofBundle(context.db, seq, context.keys);
  }
  return outcome;
}

function refusal(outcome: Exclude<ProofOutcome, { status: "ok" }>, seq: number): ProofExportResult {
  switch (outcome.status) {
    case "not_found":
      return { status: 404, code: "NOT_FOUND", message: `No audit record with seq ${seq}.`, field: "seq" };
    case "not_covered":
      return { status: 409, code: "NOT_CHECKPOINTED", message: `No signed checkpoint covers record ${seq} yet, and none can be signed here (AUDIT_SIGNING_KEY is not set). Try again after the worker's next checkpoint.` };
    case "segment_too_long":
      return { status: 409, code: "SEGMENT_TOO_LONG", message: `Record ${seq} is ${outcome.rows} records before its checkpoint (seq ${outcome.checkpointSeq}); a proof carries at most ${proofSegmentRowsMax}.` };
    case "unknown_key":
      return { status: 409, code: "UNKNOWN_KEY", message: `The checkpoint covering record ${seq} is signed by key ${outcome.keyId}, which is not configured here (AUDIT_TRUSTED_PUBLIC_KEYS).` };
    case "altered":
      return { status: 409, code: "RECORD_ALTERED", message: `Audit record ${outcome.recordSeq} holds the number ${outcome.token} in its details, which its hash cannot cover: the stored record was altered. Run npm run audit:verify and treat the chain as broken there.` };
  }
}
