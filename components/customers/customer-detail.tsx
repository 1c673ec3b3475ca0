"use client";

import { useQuery } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import { Eye, Lock } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { z } from "zod";
import type { customerView } from "@/server/customers/schemas";
import { Amount } from "../ledger/amount";
import { AccountStatusBadge } from "../ledger/ledger-badges";
import { accountHref } from "../ledger/entries-table";
import { usePermissions } from "../shell/use-permissions";
import { errorMessage, useTRPC } from "../trpc";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { CopyId } from "../ui/copy-id";
import { DataTable } from "../ui/data-table";
import { DescriptionList } from "../ui/description-list";
import { EmptyState, ErrorState, Skeleton } from "../ui/states";
import { UtcTime } from "../ui/time";
import { KycBadge } from "./kyc-badge";
import { RevealPiiDialog, type RevealedPii } from "./reveal-pii-dialog";

type Customer = z.infer<typeof customerView>;
type CustomerAccount = Customer["accounts"][number];

const accountColumns: ColumnDef<CustomerAccount, unknown>[] = [
  {
    header: "Account",
    accessorKey: "name",
    cell: ({ row }) => (
      <Link href={accountHref(row.original.id)} className="font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600">
        {row.original.name}
      </Link>
    ),
  },
  { header: "Code", accessorKey: "code", cell: ({ row }) => <CopyId value={row.original.code} short /> },
  { header: "Purpose", accessorKey: "purpose", cell: ({ row }) => <span className="text-xs text-slate-700">{row.original.purpose}</span> },
  { header: "Status", accessorKey: "status", cell: ({ row }) => <AccountStatusBadge status={row.original.status} /> },
  { header: "Balance", accessorKey: "balance", meta: { align: "right" }, cell: ({ row }) => <Amount value={row.original.balance} currency={row.original.currency} className="font-medium" /> },
];

export function CustomerDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const customer = useQuery(trpc.customers.get.queryOptions({ id }));
  if (customer.isPending) return <Skeleton rows={10} />;
  if (customer.error) return <ErrorState message={errorMessage(customer.error)} onRetry={() => void customer.refetch()} />;
  const data = customer.data;
  return (
    <div className="flex max-w-5xl flex-col gap-5">
      <div>
        <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
          <h1 className="text-xl font-semibold">Customer {data.externalRef}</h1>
          <KycBadge status={data.kycStatus} />
        </div>
        <div className="mt-1 flex flex-wrap items-center gap-x-5 gap-y-1 text-sm text-slate-600">
          <span>
            Id <CopyId value={data.id} />
          </span>
          <span>
            Since <UtcTime value={data.createdAt} />
          </span>
          <Link href={`/transactions?customerId=${data.id}`} className="text-indigo-700 hover:underline">
            Search this customer&apos;s transactions
          </Link>
        </div>
      </div>
      <PersonalData customer={data} />
      <section aria-labelledby="accounts-heading" className="flex flex-col gap-2">
        <h2 id="accounts-heading" className="text-sm font-semibold">
          Accounts
        </h2>
        {data.accounts.length === 0 ? (
          <EmptyState title="This customer has no accounts yet." />
        ) : (
          <DataTable caption="Customer accounts with cached balances" columns={accountColumns} data={data.accounts} getRowId={(row) => row.id} onRowOpen={(row) => router.push(accountHref(row.id))} />
        )}
      </section>
    </div>
  );
}

function PersonalData({ customer }: { customer: Customer }) {
  const { has } = usePermissions();
  const [revealing, setRevealing] = useState(false);
  const [revealed, setRevealed] = useState<RevealedPii | null>(null);
  const shown = revealed ?? customer.pii;
  const mayReveal = has("pii.reveal");
  return (
    <section aria-labelledby="pii-heading" className="flex flex-col gap-2">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="pii-heading" className="flex items-center gap-2 text-sm font-semibold">
          Personal data {revealed ? <Badge tone="warning">revealed</Badge> : <Badge tone="neutral">masked</Badge>}
        </h2>
        {revealed ? null : (
          <div className="flex items-center gap-2">
            {mayReveal ? null : (
              <span id="reveal-needs" className="inline-flex items-center gap-1 text-xs text-slate-600">
                <Lock className="size-3" aria-hidden /> Needs pii.reveal
              </span>
            )}
            <Button variant="secondary" size="sm" disabled={!mayReveal} aria-describedby={mayReveal ? undefined : "reveal-needs"} onClick={() => setRevealing(true)}>
              <Eye className="size-3.5" aria-hidden /> Reveal personal data
            </Button>
          </div>
        )}
      </div>
      {revealed ? (
        <p role="status" className="rounded-md border border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-950">
          Shown to you only, for this page view. The reveal and your reason were recorded in the audit trail.
        </p>
      ) : null}
      <DescriptionList
        items={[
          ["Full name", shown.fullName],
          ["Email", <span key="email" className="font-mono text-xs">{shown.email}</span>],
          ["Date of birth", <span key="dob" className="tabular-nums">{shown.dateOfBirth}</span>],
          ["Country", shown.country],
        ]}
      />
      <RevealPiiDialog customerId={customer.id} open={revealing} onClose={() => setRevealing(false)} onRevealed={setRevealed} />
    </section>
  );
}
