import type { Metadata } from "next";
import { Suspense } from "react";
import { TransactionSearch } from "@/components/ledger/transaction-search";
import { MissingPermission } from "@/components/shell/missing-permission";
import { pageAccess } from "@/server/auth/page-access";

export const metadata: Metadata = { title: "Transactions" };

export default async function TransactionsPage() {
  const access = await pageAccess("ledger.read", "/transactions");
  if (!access.allowed) return <MissingPermission permission={access.permission} role={access.session.role} />;
  return (
    <Suspense>
      <TransactionSearch />
    </Suspense>
  );
}
