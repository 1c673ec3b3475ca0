import { and, eq, inArray, notExists, sql } from "drizzle-orm";
import { uuidv7 } from "uuidv7";
import type { Transaction } from "@/db/client";
import { deadLetterEdits, deadLetters, replayBatches } from "@/db/schema";
import type { AuditScope } from "../audit/audit-scope";
import { DomainError } from "../errors";
import { filterClauses } from "./queries";
import { replayManyMax, type ReplayManyInput } from "./schemas";

/**
 * Replays the selected dead letters, or all dead ones matching a filter, as one batch. Nothing is
 * requeued here: the items are marked `queued` under the batch, and the worker releases them at
 * the batch's rate. Items with a pending edit are left out (they replay when the edit is approved).
 * A filter matching more than the limit is refused rather than cut silently.
 */
export async function replayDeadLetters(tx: Transaction, audit: AuditScope, staffId: string, input: ReplayManyInput) {
  const selection = input.ids ? [inArray(deadLetters.id, input.ids), eq(deadLetters.status, "dead")] : filterClauses({ ...input.filter, status: ["dead"] });
  const noPendingEdit = notExists(
    tx.select({ id: deadLetterEdits.id }).from(deadLetterEdits).where(and(eq(deadLetterEdits.deadLetterId, deadLetters.id), eq(deadLetterEdits.status, "pending"))),
  );
  const matching = await tx
    .select({ id: deadLetters.id })
    .from(deadLetters)
    .where(and(...selection, noPendingEdit))
    .orderBy(deadLetters.deadLetteredAt, deadLetters.id)
    .limit(replayManyMax + 1)
    .for("update", { of: deadLetters, skipLocked: true });
  if (matching.length > replayManyMax) {
    throw new DomainError("TOO_MANY_MATCHES", `More than ${replayManyMax} dead letters match; narrow the filter.`, { field: "filter" });
  }
  if (matching.length === 0) throw new DomainError("NOT_FOUND", "No dead letter matches (only dead ones without a pending edit are replayed).", { field: input.ids ? "ids" : "filter" });
  const batchId = uuidv7();
  await tx.insert(replayBatches).values({ id: batchId, requestedBy: staffId, filter: input.ids ? { ids: input.ids.length } : { ...input.filter }, total: matching.length, ratePerSecond: input.ratePerSecond });
  await tx
    .update(deadLetters)
    .set({ status: "queued", replayBatchId: batchId, replayRequestedBy: staffId, replayRequestedAt: sql`now()`, updatedAt: sql`now()` })
    .where(inArray(deadLetters.id, matching.map((row) => row.id)));
  audit.target("replay_batch", batchId);
  audit.details({ total: matching.length, ratePerSecond: input.ratePerSecond, selection: input.ids ? "ids" : "filter", filter: input.filter ?? null });
  return { batchId, total: matching.length };
}

/** Stops a bulk replay: items not yet released go back to dead; items already in flight finish. */
export async function cancelReplay(tx: Transaction, audit: AuditScope, staffId: string, input: { batchId: string }) {
  const [batch] = await tx.select().from(replayBatches).where(eq(replayBatches.id, input.batchId)).for("update");
  if (!batch) throw new DomainError("NOT_FOUND", "No such replay batch.", { field: "batchId" });
  audit.target("replay_batch", batch.id);
  if (batch.status !== "running") throw new DomainError("NOT_PENDING", `This replay is already ${batch.status}.`, { field: "batchId" });
  const reverted = await tx
    .update(deadLetters)
    .set({ status: "dead", replayBatchId: null, updatedAt: sql`now()` })
    .where(and(eq(deadLetters.replayBatchId, batch.id), eq(deadLetters.status, "queued")))
    .returning({ id: deadLetters.id });
  await tx
    .update(replayBatches)
    .set({ status: "cancelled", cancelledBy: staffId, finishedAt: sql`now()`, cancelledCount: reverted.length })
    .where(eq(replayBatches.id, batch.id));
  audit.details({ cancelled: reverted.length });
  return { batchId: batch.id, status: "cancelled" as const, cancelled: reverted.length };
}
