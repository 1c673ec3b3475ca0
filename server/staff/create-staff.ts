import type { Transaction } from "@/db/client";
import { staff } from "@/db/schema";
import type { AuditScope } from "../audit/audit-scope";
import { hashPassword } from "../auth/password";
import { DomainError } from "../errors";
import { emailTaken, getStaffView } from "./queries";
import type { CreateStaffInput, StaffView } from "./schemas";

export async function createStaff(tx: Transaction, audit: AuditScope, input: CreateStaffInput): Promise<StaffView> {
  if (await emailTaken(tx, input.email)) {
    throw new DomainError("EMAIL_TAKEN", "A staff account with this email already exists.", { field: "email" });
  }
  const passwordHash = await hashPassword(input.initialPassword);
  const [row] = await tx
    .insert(staff)
    .values({ email: input.email, displayName: input.displayName, role: input.role, passwordHash })
    .returning({ id: staff.id });
  if (!row) throw new Error("staff insert returned no row");
  audit.target("staff", row.id);
  audit.details({ role: input.role });
  const view = await getStaffView(tx, row.id);
  if (!view) throw new Error("created staff row not readable");
  return view;
}
