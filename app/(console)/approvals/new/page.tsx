import type { Metadata } from "next";
import { NewAdjustmentForm } from "@/components/approvals/new-adjustment-form";
import { MissingPermission } from "@/components/shell/missing-permission";
import { EmptyState } from "@/components/ui/states";
import { pageAccess } from "@/server/auth/page-access";
import { uuidPattern } from "@/lib/uuid";

export const metadata: Metadata = { title: "Raise adjustment" };

export default async function NewAdjustmentPage({ searchParams }: { searchParams: Promise<{ accountId?: string | string[] }> }) {
  const { accountId } = await searchParams;
  const access = await pageAccess("adjustment.create", "/approvals/new");
  if (!access.allowed) return <MissingPermission permission={access.permission} role={access.session.role} />;
  if (typeof accountId !== "string" || !uuidPattern.test(accountId)) {
    return (
      <EmptyState title="Open an account first.">
        An adjustment belongs to one customer account: find it through Transactions and use “Raise adjustment” on its page.
      </EmptyState>
    );
  }
  return <NewAdjustmentForm accountId={accountId.toLowerCase()} />;
}
