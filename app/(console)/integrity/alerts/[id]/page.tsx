import type { Metadata } from "next";
import { AlertDetail } from "@/components/monitoring/alert-detail";
import { MissingPermission } from "@/components/shell/missing-permission";
import { pageAccess } from "@/server/auth/page-access";

export const metadata: Metadata = { title: "Alert" };

export default async function AlertPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const access = await pageAccess("monitor.read", `/integrity/alerts/${id}`);
  if (!access.allowed) return <MissingPermission permission={access.permission} role={access.session.role} />;
  return <AlertDetail id={id} />;
}
