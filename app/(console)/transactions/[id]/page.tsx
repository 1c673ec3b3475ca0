import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { TransactionDetail } from "@/components/ledger/transaction-detail";
import { MissingPermission } from "@/components/shell/missing-permission";
import { pageAccess } from "@/server/auth/page-access";
import { uuidPattern } from "@/lib/uuid";

export const metadata: Metadata = { title: "Transaction" };

export default async function TransactionPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!uuidPattern.test(id)) notFound();
  const access = await pageAccess("ledger.read", `/transactions/${id}`);
  if (!access.allowed) return <MissingPermission permission={access.permission} role={access.session.role} />;
  return <TransactionDetail id={id.toLowerCase()} />;
}
