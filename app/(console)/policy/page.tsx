import type { Metadata } from "next";
import { PolicyAdmin } from "@/components/approvals/policy-admin";
import { MissingPermission } from "@/components/shell/missing-permission";
import { pageAccess } from "@/server/auth/page-access";

export const metadata: Metadata = { title: "Approval policy" };

export default async function PolicyPage() {
  const access = await pageAccess("policy.manage", "/policy");
  if (!access.allowed) return <MissingPermission permission={access.permission} role={access.session.role} />;
  return <PolicyAdmin />;
}
