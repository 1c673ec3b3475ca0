"use client";

import { useQuery } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { parseAsInteger, useQueryState } from "nuqs";
import type { z } from "zod";
import type { statementPage } from "@/server/ledger/schemas";
import { errorMessage, useTRPC } from "../trpc";
import { CopyId } from "../ui/copy-id";
import { DataTable } from "../ui/data-table";
import { Pager } from "../ui/pager";
import { useCursorTrail } from "../ui/use-cursor-trail";
import { EmptyState, ErrorState, Skeleton } from "../ui/states";
import { UtcTime } from "../ui/time";
import { Amount } from "./amount";
import { KindBadge } from "./ledger-badges";
import { transactionHref } from "./transaction-table";

type Line = z.infer<typeof statementPage>["items"][number];

function columnsFor(currency: string): ColumnDef<Line, unknown>[] {
  return [
    { header: "Seq", accessorKey: "accountSeq", meta: { align: "right" }, cell: ({ row }) => <span className="font-mono text-xs text-slate-600">{row.original.accountSeq}</span> },
    { header: "Booked (UTC)", accessorKey: "bookedAt", cell: ({ row }) => <UtcTime value={row.original.bookedAt} /> },
    { header: "Kind", accessorKey: "kind", cell: ({ row }) => <KindBadge kind={row.original.kind} /> },
    { header: "Change", accessorKey: "change", meta: { align: "right" }, cell: ({ row }) => <Amount value={row.original.change} currency={currency} signed /> },
    { header: "Balance after", accessorKey: "balanceAfter", meta: { align: "right" }, cell: ({ row }) => <Amount value={row.original.balanceAfter} currency={currency} className="font-medium" /> },
    { header: "External reference", accessorKey: "externalReference", cell: ({ row }) => (row.original.externalReference ? <CopyId value={row.original.externalReference} /> : <span className="text-slate-500">—</span>) },
    {
      header: "Transaction",
      accessorKey: "transactionId",
      cell: ({ row }) => (
        <Link href={transactionHref(row.original.transactionId)} aria-label={`Transaction ${row.original.transactionId}`} className="font-mono text-xs text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600">
          {row.original.transactionId.slice(0, 8)}…{row.original.transactionId.slice(-4)}
        </Link>
      ),
    },
  ];
}

/** The account's entries newest first with the running balance; keyset pages on the entry sequence. */
export function AccountStatement({ accountId, currency }: { accountId: string; currency: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [beforeSeq, setBeforeSeq] = useQueryState("before", parseAsInteger.withOptions({ history: "push" }));
  const pages = useCursorTrail<number>(beforeSeq, (to) => void setBeforeSeq(to));
  const statement = useQuery(trpc.ledger.statement.queryOptions({ accountId, beforeSeq: beforeSeq ?? undefined, limit: 50 }));
  return (
    <section aria-labelledby="statement-heading" className="flex flex-col gap-2">
      <h2 id="statement-heading" className="text-sm font-semibold">
        Statement, newest first
      </h2>
      {statement.isPending ? <Skeleton rows={10} /> : null}
      {statement.error ? <ErrorState message={errorMessage(statement.error)} onRetry={() => void statement.refetch()} /> : null}
      {statement.data && statement.data.items.length === 0 ? <EmptyState title="No entries on this account yet.">Its statement starts with the first posting.</EmptyState> : null}
      {statement.data && statement.data.items.length > 0 ? (
        <>
          <DataTable caption="Statement entries, newest first" columns={columnsFor(currency)} data={statement.data.items} getRowId={(row) => String(row.entryId)} onRowOpen={(row) => router.push(transactionHref(row.transactionId))} />
          <Pager
            label="Statement pages"
            summary={`Entries ${statement.data.items[statement.data.items.length - 1]?.accountSeq ?? ""} to ${statement.data.items[0]?.accountSeq ?? ""}`}
            backLabel="Newer"
            forwardLabel="Older"
            trail={pages}
            next={statement.data.nextBeforeSeq}
          />
        </>
      ) : null}
    </section>
  );
}
