import type { Metadata } from "next";
import { StatementImportDetail } from "@/components/recon/statements/statement-import-detail";
import { MissingPermission } from "@/components/shell/missing-permission";
import { pageAccess } from "@/server/auth/page-access";

export const metadata: Metadata = { title: "Statement" };

export default async function StatementPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const access = await pageAccess("recon.read", `/reconciliation/statements/${id}`);
  if (!access.allowed) return <MissingPermission permission={access.permission} role={access.session.role} />;
  return <StatementImportDetail id={id} />;
}
