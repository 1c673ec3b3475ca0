import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AuditRecord } from "@/components/audit/audit-record";
import { MissingPermission } from "@/components/shell/missing-permission";
import { pageAccess } from "@/server/auth/page-access";

export const metadata: Metadata = { title: "Audit record" };

export default async function AuditRecordPage({ params }: { params: Promise<{ seq: string }> }) {
  const { seq } = await params;
  if (!/^[1-9][0-9]{0,14}$/.test(seq)) notFound();
  const access = await pageAccess("audit.read", `/audit/${seq}`);
  if (!access.allowed) return <MissingPermission permission={access.permission} role={access.session.role} />;
  return <AuditRecord seq={Number.parseInt(seq, 10)} />;
}
