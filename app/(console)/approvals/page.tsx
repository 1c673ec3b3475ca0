import type { Metadata } from "next";
import { Suspense } from "react";
import { ApprovalsQueue } from "@/components/approvals/approvals-queue";
import { MissingPermission } from "@/components/shell/missing-permission";
import { pageAccess } from "@/server/auth/page-access";
import { can } from "@/server/auth/permissions";

export const metadata: Metadata = { title: "Approvals" };

export default async function ApprovalsPage() {
  const access = await pageAccess("adjustment.read", "/approvals");
  if (!access.allowed) return <MissingPermission permission={access.permission} role={access.session.role} />;
  const { session } = access;
  return (
    <Suspense>
      <ApprovalsQueue viewer={{ staffId: session.staffId, canApprove: can(session.role, "adjustment.approve"), canCreate: can(session.role, "adjustment.create") }} />
    </Suspense>
  );
}
