import { eq, sql } from "drizzle-orm";
import type { Transaction } from "@/db/client";
import { deadLetterEdits } from "@/db/schema";
import type { AuditScope } from "../audit/audit-scope";
import { DomainError } from "../errors";
import { requestHash } from "../idempotency/idempotency";
import { applyEditedPayload } from "../jobs/requeue-job";
import { lockDeadLetter, startReplay } from "./replay-dead-letter";

export interface EditDecision {
  editId: string;
  payloadHash: string;
  decision: "approve" | "reject";
  comment?: string | undefined;
}

/**
 * A second person's decision on a payload edit. The editor never decides (checked here and by
 * the database), the decision binds to the hash the decider reviewed, and an approval replays the
 * dead letter with the edited payload in the same transaction. The dead letter is locked before
 * the edit, in the order discard and propose use, so concurrent actions cannot deadlock.
 */
export async function decideEdit(tx: Transaction, audit: AuditScope, staffId: string, input: EditDecision) {
  const [found] = await tx.select({ deadLetterId: deadLetterEdits.deadLetterId }).from(deadLetterEdits).where(eq(deadLetterEdits.id, input.editId));
  if (!found) throw new DomainError("NOT_FOUND", "No such edit.", { field: "editId" });
  const row = await lockDeadLetter(tx, found.deadLetterId);
  const [edit] = await tx.select().from(deadLetterEdits).where(eq(deadLetterEdits.id, input.editId)).for("update");
  if (!edit) throw new DomainError("NOT_FOUND", "No such edit.", { field: "editId" });
  audit.target("dead_letter", row.id);
  audit.details({ editId: edit.id, decision: input.decision, paths: edit.diff.map((entry) => entry.path) });
  if (edit.status !== "pending") throw new DomainError("NOT_PENDING", `This edit is already ${edit.status}.`, { field: "editId" });
  if (edit.editorId === staffId) throw new DomainError("SELF_APPROVAL_FORBIDDEN", "You proposed this edit; someone else must decide it.", { field: "editId" });
  if (input.payloadHash !== edit.payloadHash) throw new DomainError("PAYLOAD_MISMATCH", "The edit is not the one you reviewed; reload it.", { field: "payloadHash" });
  if (requestHash(edit.editedPayload) !== edit.payloadHash) {
    throw new DomainError("PAYLOAD_MISMATCH", "The stored edit does not match its hash: it was altered after it was proposed.", { field: "payloadHash" });
  }
  if (input.decision === "reject") {
    if (!input.comment) throw new DomainError("VALIDATION", "A rejection needs a comment saying why.", { field: "comment" });
    await tx.update(deadLetterEdits).set({ status: "rejected", deciderId: staffId, decidedAt: sql`now()`, decisionComment: input.comment }).where(eq(deadLetterEdits.id, edit.id));
    return { editId: edit.id, status: "rejected" as const, replay: null };
  }
  if (row.status !== "dead") throw new DomainError("NOT_DEAD", `The dead letter is ${row.status}; the edit can no longer be applied.`, { field: "editId" });
  await tx.update(deadLetterEdits).set({ status: "approved", deciderId: staffId, decidedAt: sql`now()`, decisionComment: input.comment ?? null }).where(eq(deadLetterEdits.id, edit.id));
  await applyEditedPayload(tx, row, edit.id, edit.editedPayload);
  await startReplay(tx, row, staffId);
  return { editId: edit.id, status: "approved" as const, replay: "requeued" as const };
}
