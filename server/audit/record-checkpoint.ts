import { desc, eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { auditCheckpoints, auditEvents } from "@/db/schema";
import { appendAuditEvent } from "./append-audit-event";
import { signCheckpoint, type SignedCheckpoint } from "./checkpoints/checkpoint-message";
import { exportCheckpoint, type CheckpointExportResult, type CheckpointExportTargets } from "./checkpoints/export-checkpoint";
import type { SigningKey } from "./checkpoints/signing-key";

/** Advisory lock key that lets one checkpoint recorder run at a time (others skip their turn). */
export const checkpointLockKey = 7243101;

export type CheckpointOutcome =
  | { status: "recorded"; checkpoint: SignedCheckpoint; export: CheckpointExportResult; auditSeq: number }
  | { status: "unchanged"; seq: number }
  | { status: "busy" }
  | { status: "empty" };

export interface RecordCheckpointOptions {
  key: SigningKey;
  exportTo?: CheckpointExportTargets;
  /** Why it was recorded: "schedule" (the worker), "proof" (a proof bundle needed one), "demo". */
  trigger: string;
}

/**
 * Signs the chain head as it is read and keeps the signature: written outside the database first
 * (file, URL), then inserted into audit_checkpoints, then audited as `audit.checkpoint` by the
 * service actor in the same transaction. That audit record lands after the head that was signed,
 * so the next checkpoint covers it; the chain therefore always moves between checkpoints, and a
 * checkpoint age beyond the interval means the recorder is not running.
 *
 * Recorders racing: the first takes a transaction-scoped advisory lock and the others return
 * `busy` at once; seq is the table's primary key and the insert is ON CONFLICT DO NOTHING, so a
 * head that already has a checkpoint is never signed twice even by a recorder that skips the lock.
 * A checkpoint exported but not committed (a crash in between) is still a true statement about the
 * chain, so exporting first is safe.
 */
export async function recordCheckpoint(db: Database, options: RecordCheckpointOptions): Promise<CheckpointOutcome> {
  return db.transaction(async (tx) => {
    const [lock] = await tx.execute<{ locked: boolean }>(sql`select pg_try_advisory_xact_lock(${checkpointLockKey}) as locked`);
    if (!lock?.locked) return { status: "busy" } as const;
    const [head] = await tx.select({ seq: auditEvents.seq, hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1);
    if (!head) return { status: "empty" } as const;
    const [existing] = await tx.select({ seq: auditCheckpoints.seq }).from(auditCheckpoints).where(eq(auditCheckpoints.seq, head.seq));
    if (existing) return { status: "unchanged", seq: head.seq } as const;

    const checkpoint = signCheckpoint(options.key, head, new Date());
    const exported = await exportCheckpoint(checkpoint, options.exportTo ?? {});
    const inserted = await tx
      .insert(auditCheckpoints)
      .values({ ...checkpoint, signedAt: new Date(checkpoint.signedAt), exportedTo: exported.exportedTo })
      .onConflictDoNothing()
      .returning({ seq: auditCheckpoints.seq });
    if (inserted.length === 0) return { status: "unchanged", seq: head.seq } as const;
    const audited = await appendAuditEvent(tx, {
      actor: { type: "service", id: "audit-checkpointer" },
      action: "audit.checkpoint",
      outcome: "success",
      target: { type: "audit_checkpoint", id: String(checkpoint.seq) },
      details: { seq: checkpoint.seq, hash: checkpoint.hash, keyId: checkpoint.keyId, trigger: options.trigger, exportedTo: exported.exportedTo, exportFailures: exported.failures.length },
      request: { correlationId: null, ip: null, userAgent: null },
    });
    return { status: "recorded", checkpoint, export: exported, auditSeq: audited.seq } as const;
  });
}
