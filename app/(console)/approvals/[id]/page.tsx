import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { RequestDetail } from "@/components/approvals/request-detail";
import { MissingPermission } from "@/components/shell/missing-permission";
import { pageAccess, requireSignedIn } from "@/server/auth/page-access";
import { can } from "@/server/auth/permissions";
import { uuidPattern } from "@/lib/uuid";

export const metadata: Metadata = { title: "Approval request" };

/**
 * Readers of adjustments see every request; policy managers without that permission (administrators)
 * see policy-change requests only, which is what they decide.
 */
export default async function ApprovalRequestPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!uuidPattern.test(id)) notFound();
  const path = `/approvals/${id}`;
  const session = await requireSignedIn(path);
  const readsAdjustments = can(session.role, "adjustment.read");
  if (!readsAdjustments && !can(session.role, "policy.manage")) {
    const access = await pageAccess("adjustment.read", path);
    if (!access.allowed) return <MissingPermission permission={access.permission} role={access.session.role} />;
  }
  return <RequestDetail id={id.toLowerCase()} viewer={{ staffId: session.staffId, canReadAudit: can(session.role, "audit.read"), policyChangesOnly: !readsAdjustments }} />;
}
