import { and, asc, eq, inArray } from "drizzle-orm";
import type { Transaction } from "@/db/client";
import { reconExceptions, staff } from "@/db/schema";
import type { AuditScope } from "../audit/audit-scope";
import { can } from "../auth/permissions";
import { DomainError } from "../errors";
import { appendNotes } from "./exception-notes";

/**
 * Assigns (or unassigns, with a null assignee) one or many exceptions in one transaction. The rows
 * are locked in id order, so two people assigning overlapping sets run one after the other and
 * the later one wins visibly (both are audited with the previous assignee). A resolved exception,
 * or an id that does not exist, refuses the whole batch: nothing is written.
 */
export async function assignExceptions(tx: Transaction, audit: AuditScope, actorId: string, input: { ids: string[]; assigneeId: string | null }) {
  const ids = [...new Set(input.ids)].sort();
  audit.target("recon_exceptions", ids.length === 1 ? (ids[0] ?? "") : `${ids.length} exceptions`);
  audit.details({ ids, assigneeId: input.assigneeId });
  const assignee = input.assigneeId ? await assignableStaff(tx, input.assigneeId) : null;
  const rows = await tx
    .select({ id: reconExceptions.id, status: reconExceptions.status, assigneeId: reconExceptions.assigneeId })
    .from(reconExceptions)
    .where(inArray(reconExceptions.id, ids))
    .orderBy(asc(reconExceptions.id))
    .for("update");
  const missing = ids.filter((id) => !rows.some((row) => row.id === id));
  if (missing.length > 0) throw new DomainError("NOT_FOUND", `No such exception: ${missing.join(", ")}.`, { field: "ids" });
  const resolved = rows.filter((row) => row.status === "resolved");
  if (resolved.length > 0) throw new DomainError("CONFLICT", `Resolved exceptions cannot be reassigned: ${resolved.map((row) => row.id).join(", ")}.`, { field: "ids" });

  const changed = rows.filter((row) => row.assigneeId !== input.assigneeId);
  if (changed.length > 0) {
    const updated = await tx
      .update(reconExceptions)
      .set({ assigneeId: input.assigneeId, updatedAt: new Date() })
      .where(and(inArray(reconExceptions.id, changed.map((row) => row.id)), inArray(reconExceptions.status, ["open", "investigating", "explained"])))
      .returning({ id: reconExceptions.id });
    if (updated.length !== changed.length) throw new Error("locked unresolved exceptions stay unresolved");
    const body = assignee ? `Assigned to ${assignee.displayName}.` : "Unassigned.";
    await appendNotes(tx, changed.map((row) => ({ exceptionId: row.id, authorId: actorId, kind: "assign" as const, body })));
  }
  audit.details({ changed: changed.map((row) => ({ id: row.id, from: row.assigneeId })), unchanged: rows.length - changed.length });
  return { assigneeId: input.assigneeId, changed: changed.length, unchanged: rows.length - changed.length };
}

/** Exceptions go to active staff who may work them. */
async function assignableStaff(tx: Transaction, staffId: string) {
  const [member] = await tx.select({ id: staff.id, displayName: staff.displayName, role: staff.role, status: staff.status }).from(staff).where(eq(staff.id, staffId));
  if (!member) throw new DomainError("NOT_FOUND", "No staff member with this id.", { field: "assigneeId" });
  if (member.status !== "active") throw new DomainError("VALIDATION", "This staff member is disabled.", { field: "assigneeId" });
  if (!can(member.role, "recon.run")) throw new DomainError("VALIDATION", `The ${member.role} role cannot work reconciliation exceptions.`, { field: "assigneeId" });
  return member;
}
