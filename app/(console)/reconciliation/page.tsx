import type { Metadata } from "next";
import { Suspense } from "react";
import { ReconciliationRuns } from "@/components/recon/runs/reconciliation-runs";
import { MissingPermission } from "@/components/shell/missing-permission";
import { pageAccess } from "@/server/auth/page-access";

export const metadata: Metadata = { title: "Reconciliation" };

export default async function ReconciliationPage() {
  const access = await pageAccess("recon.read", "/reconciliation");
  if (!access.allowed) return <MissingPermission permission={access.permission} role={access.session.role} />;
  return (
    <Suspense>
      <ReconciliationRuns />
    </Suspense>
  );
}
