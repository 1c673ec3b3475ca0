import { desc } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { auditCheckpoints, auditVerifications } from "@/db/schema";
import type { CheckpointStatus } from "./schemas";

/** The latest signed checkpoint and the latest full verification, for the audit page's header. */
export async function getCheckpointStatus(db: Executor): Promise<CheckpointStatus> {
  const [checkpoint] = await db
    .select({ seq: auditCheckpoints.seq, signedAt: auditCheckpoints.signedAt, keyId: auditCheckpoints.keyId, exportedTo: auditCheckpoints.exportedTo })
    .from(auditCheckpoints)
    .orderBy(desc(auditCheckpoints.seq))
    .limit(1);
  const [verification] = await db
    .select({
      finishedAt: auditVerifications.finishedAt,
      ok: auditVerifications.ok,
      records: auditVerifications.records,
      headSeq: auditVerifications.headSeq,
      firstBrokenSeq: auditVerifications.firstBrokenSeq,
      reason: auditVerifications.reason,
      checkpointsChecked: auditVerifications.checkpointsChecked,
      trigger: auditVerifications.trigger,
    })
    .from(auditVerifications)
    .orderBy(desc(auditVerifications.finishedAt))
    .limit(1);
  return { checkpoint: checkpoint ?? null, verification: verification ?? null };
}
