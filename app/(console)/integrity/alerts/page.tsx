import type { Metadata } from "next";
import { Suspense } from "react";
import { AlertHistory } from "@/components/monitoring/alert-history";
import { MissingPermission } from "@/components/shell/missing-permission";
import { pageAccess } from "@/server/auth/page-access";

export const metadata: Metadata = { title: "Alert history" };

export default async function AlertHistoryPage() {
  const access = await pageAccess("monitor.read", "/integrity/alerts");
  if (!access.allowed) return <MissingPermission permission={access.permission} role={access.session.role} />;
  return (
    <Suspense>
      <AlertHistory />
    </Suspense>
  );
}
