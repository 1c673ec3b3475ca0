import { eq } from "drizzle-orm";
import type { Transaction } from "@/db/client";
import { staff } from "@/db/schema";
import type { AuditScope } from "../audit/audit-scope";
import { revokeSessionsOf } from "../auth/sessions";
import { DomainError } from "../errors";
import { findStaff, getStaffView, lockActiveAdmins } from "./queries";
import type { StaffView } from "./schemas";

/** Disabling ends every open session of the member at once; their next request is signed out. */
export async function disableStaff(
  tx: Transaction,
  audit: AuditScope,
  actorId: string,
  input: { staffId: string; reason: string },
): Promise<StaffView> {
  audit.target("staff", input.staffId);
  if (input.staffId === actorId) {
    throw new DomainError("SELF_CHANGE_FORBIDDEN", "You cannot disable your own account.", { field: "staffId" });
  }
  const admins = await lockActiveAdmins(tx);
  const member = await findStaff(tx, input.staffId, { forUpdate: true });
  if (!member) throw new DomainError("NOT_FOUND", "No such staff member.", { field: "staffId" });
  if (member.role === "admin" && member.status === "active" && admins.length <= 1) {
    throw new DomainError("LAST_ADMIN", "This is the last active administrator; appoint another first.", { field: "staffId" });
  }
  const wasActive = member.status === "active";
  if (wasActive) {
    await tx.update(staff).set({ status: "disabled", disabledAt: new Date(), updatedAt: new Date() }).where(eq(staff.id, input.staffId));
  }
  const sessionsRevoked = await revokeSessionsOf(tx, input.staffId, "staff_disabled");
  audit.details({ reason: input.reason, changed: wasActive, sessionsRevoked });
  const view = await getStaffView(tx, input.staffId);
  if (!view) throw new Error("staff row vanished inside its transaction");
  return view;
}
