import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { RunReport } from "@/components/recon/report/run-report";
import { MissingPermission } from "@/components/shell/missing-permission";
import { uuidPattern } from "@/lib/uuid";
import { pageAccess } from "@/server/auth/page-access";

export const metadata: Metadata = { title: "Reconciliation report" };

export default async function ReconciliationRunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!uuidPattern.test(id)) notFound();
  const access = await pageAccess("recon.read", `/reconciliation/runs/${id}`);
  if (!access.allowed) return <MissingPermission permission={access.permission} role={access.session.role} />;
  return (
    <Suspense>
      <RunReport runId={id.toLowerCase()} />
    </Suspense>
  );
}
