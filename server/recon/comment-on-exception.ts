import type { Transaction } from "@/db/client";
import type { AuditScope } from "../audit/audit-scope";
import { appendNotes } from "./exception-notes";
import { lockException } from "./exception-queries";

/** A comment on the exception's thread; resolved exceptions take comments too (a later finding). */
export async function commentOnException(tx: Transaction, audit: AuditScope, actorId: string, input: { id: string; body: string }) {
  audit.target("recon_exception", input.id);
  audit.details({ length: input.body.length });
  const exception = await lockException(tx, input.id);
  await appendNotes(tx, [{ exceptionId: exception.id, authorId: actorId, kind: "comment", body: input.body }]);
  return { id: exception.id };
}
