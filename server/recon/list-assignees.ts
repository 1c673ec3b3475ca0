import { and, asc, eq, inArray } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { staff } from "@/db/schema";
import { rolesWith } from "../auth/permissions";

/** Active staff who may work exceptions: whom an exception can be assigned to. */
export async function listAssignees(db: Executor) {
  return db
    .select({ id: staff.id, displayName: staff.displayName })
    .from(staff)
    .where(and(eq(staff.status, "active"), inArray(staff.role, rolesWith("recon.run"))))
    .orderBy(asc(staff.displayName))
    .limit(500);
}
