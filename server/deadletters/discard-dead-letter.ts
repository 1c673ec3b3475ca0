import { and, eq, sql } from "drizzle-orm";
import type { Transaction } from "@/db/client";
import { deadLetterEdits, deadLetters } from "@/db/schema";
import type { AuditScope } from "../audit/audit-scope";
import { DomainError } from "../errors";
import { closeDiscardedJob } from "../jobs/requeue-job";
import { lockDeadLetter } from "./replay-dead-letter";

/**
 * Discards a dead letter with a reason: kept and marked, never deleted (the database refuses
 * deletes), and final. A pending edit of it is cancelled with it.
 */
export async function discardDeadLetter(tx: Transaction, audit: AuditScope, staffId: string, input: { id: string; reason: string }) {
  const row = await lockDeadLetter(tx, input.id);
  audit.target("dead_letter", row.id);
  audit.details({ handler: row.handler, eventType: row.eventType, errorClass: row.errorClass, reason: input.reason });
  if (row.status !== "dead") throw new DomainError("NOT_DEAD", `This dead letter is ${row.status}; only a dead one can be discarded.`, { field: "id" });
  await tx
    .update(deadLetterEdits)
    .set({ status: "cancelled", decidedAt: sql`now()`, decisionComment: "dead letter discarded" })
    .where(and(eq(deadLetterEdits.deadLetterId, row.id), eq(deadLetterEdits.status, "pending")));
  await tx
    .update(deadLetters)
    .set({ status: "discarded", discardedBy: staffId, discardedAt: sql`now()`, discardReason: input.reason, updatedAt: sql`now()` })
    .where(eq(deadLetters.id, row.id));
  await closeDiscardedJob(tx, row);
  return { id: row.id, status: "discarded" as const };
}
