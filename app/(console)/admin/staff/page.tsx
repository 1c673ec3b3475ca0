import type { Metadata } from "next";
import { MissingPermission } from "@/components/shell/missing-permission";
import { StaffAdmin } from "@/components/staff/staff-admin";
import { pageAccess } from "@/server/auth/page-access";

export const metadata: Metadata = { title: "Staff" };

export default async function StaffPage() {
  const access = await pageAccess("staff.manage", "/admin/staff");
  if (!access.allowed) return <MissingPermission permission={access.permission} role={access.session.role} />;
  return <StaffAdmin currentStaffId={access.session.staffId} />;
}
