import type { Metadata } from "next";
import { Suspense } from "react";
import { StatementImports } from "@/components/recon/statements/statement-imports";
import { MissingPermission } from "@/components/shell/missing-permission";
import { pageAccess } from "@/server/auth/page-access";

export const metadata: Metadata = { title: "Statements" };

export default async function StatementsPage() {
  const access = await pageAccess("recon.read", "/reconciliation/statements");
  if (!access.allowed) return <MissingPermission permission={access.permission} role={access.session.role} />;
  return (
    <Suspense>
      <StatementImports />
    </Suspense>
  );
}
