import type { Metadata } from "next";
import { IntegrityPage } from "@/components/monitoring/integrity-page";
import { MissingPermission } from "@/components/shell/missing-permission";
import { pageAccess } from "@/server/auth/page-access";

export const metadata: Metadata = { title: "Integrity" };

export default async function Integrity() {
  const access = await pageAccess("monitor.read", "/integrity");
  if (!access.allowed) return <MissingPermission permission={access.permission} role={access.session.role} />;
  return <IntegrityPage />;
}
