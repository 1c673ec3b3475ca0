import type { Metadata } from "next";
import { Suspense } from "react";
import { ExceptionsWorkbench } from "@/components/recon/exceptions/exceptions-workbench";
import { MissingPermission } from "@/components/shell/missing-permission";
import { pageAccess } from "@/server/auth/page-access";

export const metadata: Metadata = { title: "Reconciliation exceptions" };

export default async function ReconciliationExceptionsPage() {
  const access = await pageAccess("recon.read", "/reconciliation/exceptions");
  if (!access.allowed) return <MissingPermission permission={access.permission} role={access.session.role} />;
  return (
    <Suspense>
      <ExceptionsWorkbench />
    </Suspense>
  );
}
