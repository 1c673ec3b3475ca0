import { and, eq, sql } from "drizzle-orm";
import type { Transaction } from "@/db/client";
import { deadLetterEdits, deadLetters } from "@/db/schema";
import type { AuditScope } from "../audit/audit-scope";
import { DomainError } from "../errors";
import { requeueJob } from "../jobs/requeue-job";

type DeadLetterRow = typeof deadLetters.$inferSelect;

export async function lockDeadLetter(tx: Transaction, id: string): Promise<DeadLetterRow> {
  const [row] = await tx.select().from(deadLetters).where(eq(deadLetters.id, id)).for("update");
  if (!row) throw new DomainError("NOT_FOUND", "No such dead letter.", { field: "id" });
  return row;
}

/** Makes a locked dead letter's job due again and marks the dead letter as replaying. */
export async function startReplay(tx: Transaction, row: DeadLetterRow, staffId: string): Promise<void> {
  await tx
    .update(deadLetters)
    .set({ status: "replaying", replayRequestedBy: staffId, replayRequestedAt: sql`now()`, updatedAt: sql`now()` })
    .where(eq(deadLetters.id, row.id));
  const requeued = await requeueJob(tx, row);
  if (!requeued) throw new Error(`dead letter ${row.id} is dead but its job is not`);
}

/**
 * Replays one dead letter with the SAME event id. The row lock serialises concurrent replays: the
 * first makes the job due again, the others find it already on its way (or done) and change
 * nothing, so ten clicks at once apply the effect once; the handlers' own dedupe (posting
 * idempotency key, processed_events) holds even beyond that.
 */
export async function replayDeadLetter(tx: Transaction, audit: AuditScope, staffId: string, input: { id: string }) {
  const row = await lockDeadLetter(tx, input.id);
  audit.target("dead_letter", row.id);
  audit.details({ handler: row.handler, eventType: row.eventType, errorClass: row.errorClass });
  if (row.status === "replaying" || row.status === "queued") {
    audit.details({ outcome: "already_in_progress" });
    return { id: row.id, status: row.status, outcome: "already_in_progress" as const };
  }
  if (row.status === "replayed") {
    audit.details({ outcome: "already_replayed" });
    return { id: row.id, status: row.status, outcome: "already_replayed" as const };
  }
  if (row.status === "discarded") throw new DomainError("NOT_DEAD", "This dead letter was discarded; it cannot be replayed.", { field: "id" });
  const [edit] = await tx.select({ id: deadLetterEdits.id }).from(deadLetterEdits).where(and(eq(deadLetterEdits.deadLetterId, row.id), eq(deadLetterEdits.status, "pending")));
  if (edit) throw new DomainError("EDIT_PENDING", "An edit of this payload awaits a second person's decision; it replays when approved.", { field: "id" });
  await startReplay(tx, row, staffId);
  audit.details({ outcome: "requeued" });
  return { id: row.id, status: "replaying" as const, outcome: "requeued" as const };
}
