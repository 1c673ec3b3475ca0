import type { Metadata } from "next";
import { MonitorDetail } from "@/components/monitoring/monitor-detail";
import { MissingPermission } from "@/components/shell/missing-permission";
import { pageAccess } from "@/server/auth/page-access";

export const metadata: Metadata = { title: "Monitor" };

export default async function MonitorPage({ params }: { params: Promise<{ key: string }> }) {
  const { key } = await params;
  const monitorKey = decodeURIComponent(key);
  const access = await pageAccess("monitor.read", `/integrity/monitors/${key}`);
  if (!access.allowed) return <MissingPermission permission={access.permission} role={access.session.role} />;
  return <MonitorDetail monitorKey={monitorKey} />;
}
