import { eq } from "drizzle-orm";
import type { Transaction } from "@/db/client";
import { staff } from "@/db/schema";
import type { AuditScope } from "../audit/audit-scope";
import type { Role } from "../auth/permissions";
import { DomainError } from "../errors";
import { findStaff, getStaffView, lockActiveAdmins } from "./queries";
import type { StaffView } from "./schemas";

/** Setting the role a member already has changes nothing and is still recorded as the request it was. */
export async function changeStaffRole(
  tx: Transaction,
  audit: AuditScope,
  actorId: string,
  input: { staffId: string; role: Role },
): Promise<StaffView> {
  audit.target("staff", input.staffId);
  if (input.staffId === actorId) {
    throw new DomainError("SELF_CHANGE_FORBIDDEN", "You cannot change your own role; ask another administrator.", { field: "staffId" });
  }
  const admins = await lockActiveAdmins(tx);
  const member = await findStaff(tx, input.staffId, { forUpdate: true });
  if (!member) throw new DomainError("NOT_FOUND", "No such staff member.", { field: "staffId" });
  if (member.role === "admin" && input.role !== "admin" && member.status === "active" && admins.length <= 1) {
    throw new DomainError("LAST_ADMIN", "This is the last active administrator; appoint another first.", { field: "role" });
  }
  audit.details({ from: member.role, to: input.role, changed: member.role !== input.role });
  if (member.role !== input.role) {
    await tx.update(staff).set({ role: input.role, updatedAt: new Date() }).where(eq(staff.id, input.staffId));
  }
  const view = await getStaffView(tx, input.staffId);
  if (!view) throw new Error("staff row vanished inside its transaction");
  return view;
}
