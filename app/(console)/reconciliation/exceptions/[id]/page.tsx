import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ExceptionDetailView } from "@/components/recon/exceptions/exception-detail";
import { MissingPermission } from "@/components/shell/missing-permission";
import { uuidPattern } from "@/lib/uuid";
import { pageAccess } from "@/server/auth/page-access";

export const metadata: Metadata = { title: "Reconciliation exception" };

export default async function ReconciliationExceptionPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!uuidPattern.test(id)) notFound();
  const access = await pageAccess("recon.read", `/reconciliation/exceptions/${id}`);
  if (!access.allowed) return <MissingPermission permission={access.permission} role={access.session.role} />;
  return <ExceptionDetailView id={id.toLowerCase()} />;
}
