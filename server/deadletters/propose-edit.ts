import { and, eq } from "drizzle-orm";
import { uuidv7 } from "uuidv7";
import type { Transaction } from "@/db/client";
import { deadLetterEdits } from "@/db/schema";
import type { AuditScope } from "../audit/audit-scope";
import { DomainError } from "../errors";
import { requestHash } from "../idempotency/idempotency";
import { EventSchemaError, parseWebhookEvent } from "../ingest/events";
import { JobError } from "../jobs/job-error";
import { parseOutboxEvent } from "../jobs/outbox-events";
import { editablePathsOf } from "./edit-paths";
import { payloadsOf } from "./queries";
import { lockDeadLetter } from "./replay-dead-letter";
import type { ProposeEditInput } from "./schemas";

type Json = Record<string, unknown>;

function valueAt(payload: Json, path: string): unknown {
  return path.split(".").reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as Json)[key] : undefined), payload);
}

function withValue(payload: Json, path: string, value: string): Json {
  const [head = "", ...rest] = path.split(".");
  if (rest.length === 0) return { ...payload, [head]: value };
  const child = payload[head];
  return { ...payload, [head]: withValue(child && typeof child === "object" ? (child as Json) : {}, rest.join("."), value) };
}

/** The edited payload must be one the handler accepts; otherwise the edit is refused, naming the problem. */
function checkEdited(source: "inbox" | "outbox", eventType: string, edited: Json): void {
  try {
    if (source === "inbox") parseWebhookEvent(edited);
    else parseOutboxEvent(eventType, edited);
  } catch (error) {
    if (error instanceof EventSchemaError || error instanceof JobError) {
      throw new DomainError("VALIDATION", `The edited payload is still invalid: ${error.message}`, { field: "changes" });
    }
    throw error;
  }
}

/**
 * Proposes a change to a dead letter's payload. Nothing is replayed yet: a second person, never the
 * editor, must approve the edit, and the approval binds to the edited payload's hash. The original
 * payload, the edited one and the diff are kept.
 */
export async function proposeEdit(tx: Transaction, audit: AuditScope, staffId: string, input: ProposeEditInput) {
  const row = await lockDeadLetter(tx, input.id);
  audit.target("dead_letter", row.id);
  if (row.status !== "dead") throw new DomainError("NOT_DEAD", `This dead letter is ${row.status}; only a dead one can be edited.`, { field: "id" });
  const [pending] = await tx.select({ id: deadLetterEdits.id }).from(deadLetterEdits).where(and(eq(deadLetterEdits.deadLetterId, row.id), eq(deadLetterEdits.status, "pending")));
  if (pending) throw new DomainError("EDIT_PENDING", "Another edit of this payload awaits a decision.", { field: "id" });

  const editable = editablePathsOf(row.source, row.eventType);
  const payloads = await payloadsOf(tx, row);
  const original = payloads.editedPayload ?? payloads.payload;
  let edited = original;
  const diff: { path: string; before: unknown; after: unknown }[] = [];
  input.changes.forEach((change, index) => {
    if (!editable.includes(change.path)) {
      const allowed = editable.length > 0 ? `editable: ${editable.join(", ")}` : "nothing in this payload is editable";
      throw new DomainError("VALIDATION", `${change.path} cannot be edited (${allowed}).`, { field: `changes.${index}.path` });
    }
    const before = valueAt(original, change.path) ?? null;
    if (before === change.value) return;
    diff.push({ path: change.path, before, after: change.value });
    edited = withValue(edited, change.path, change.value);
  });
  if (diff.length === 0) throw new DomainError("VALIDATION", "The changes leave the payload as it is.", { field: "changes" });
  checkEdited(row.source, row.eventType, edited);

  const id = uuidv7();
  const payloadHash = requestHash(edited);
  await tx.insert(deadLetterEdits).values({ id, deadLetterId: row.id, editorId: staffId, reason: input.reason, originalPayload: original, editedPayload: edited, diff, payloadHash });
  audit.details({ editId: id, paths: diff.map((entry) => entry.path), reason: input.reason });
  return { editId: id, payloadHash, diff };
}
