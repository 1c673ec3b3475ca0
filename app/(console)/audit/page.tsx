import type { Metadata } from "next";
import { Suspense } from "react";
import { AuditExplorer } from "@/components/audit/audit-explorer";
import { MissingPermission } from "@/components/shell/missing-permission";
import { pageAccess } from "@/server/auth/page-access";

export const metadata: Metadata = { title: "Audit trail" };

export default async function AuditPage() {
  const access = await pageAccess("audit.read", "/audit");
  if (!access.allowed) return <MissingPermission permission={access.permission} role={access.session.role} />;
  return (
    <Suspense>
      <AuditExplorer />
    </Suspense>
  );
}
