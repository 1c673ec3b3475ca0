import type { Metadata } from "next";
import { UploadStatement } from "@/components/recon/statements/upload-statement";
import { MissingPermission } from "@/components/shell/missing-permission";
import { pageAccess } from "@/server/auth/page-access";

export const metadata: Metadata = { title: "Upload a statement" };

export default async function UploadStatementPage() {
  const access = await pageAccess("recon.run", "/reconciliation/statements/new");
  if (!access.allowed) return <MissingPermission permission={access.permission} role={access.session.role} />;
  return <UploadStatement />;
}
