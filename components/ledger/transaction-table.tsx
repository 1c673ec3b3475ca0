"use client";

import type { ColumnDef } from "@tanstack/react-table";
import Link from "next/link";
import { useRouter } from "next/navigation";
import type { TransactionRow } from "@/server/ledger/schemas";
import { CopyId } from "../ui/copy-id";
import { DataTable } from "../ui/data-table";
import { UtcTime } from "../ui/time";
import { Amount } from "./amount";
import { KindBadge } from "./ledger-badges";

const dash = <span className="text-slate-500">—</span>;

export function transactionHref(id: string): string {
  return `/transactions/${id}`;
}

function columnsFor(dateField: "occurred" | "booked"): ColumnDef<TransactionRow, unknown>[] {
  return [
    {
      header: dateField === "booked" ? "Booked (UTC)" : "Occurred (UTC)",
      id: "time",
      cell: ({ row }) => <UtcTime value={dateField === "booked" ? row.original.bookedAt : row.original.occurredAt} />,
    },
    {
      header: "Transaction",
      accessorKey: "id",
      // A real link, so a row opens from the keyboard too, not only by clicking it.
      cell: ({ row }) => (
        <span className="inline-flex items-center gap-1">
          <Link href={transactionHref(row.original.id)} aria-label={`Transaction ${row.original.id}`} className="font-mono text-xs text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600">
            {row.original.id.slice(0, 8)}…{row.original.id.slice(-4)}
          </Link>
          <CopyId value={row.original.id} iconOnly />
        </span>
      ),
    },
    {
      header: "Kind",
      accessorKey: "kind",
      cell: ({ row }) => (
        <span className="inline-flex items-center gap-1.5">
          <KindBadge kind={row.original.kind} />
          {row.original.reversesTransactionId ? (
            <Link href={transactionHref(row.original.reversesTransactionId)} className="text-xs text-slate-600 hover:underline" aria-label={`Reverses transaction ${row.original.reversesTransactionId}`}>
              ↩ reverses
            </Link>
          ) : null}
        </span>
      ),
    },
    {
      header: "Amount",
      accessorKey: "amount",
      meta: { align: "right" },
      cell: ({ row }) => (row.original.amount && row.original.currency ? <Amount value={row.original.amount} currency={row.original.currency} /> : <span className="text-xs text-slate-500">multi-currency</span>),
    },
    { header: "External reference", accessorKey: "externalReference", cell: ({ row }) => (row.original.externalReference ? <CopyId value={row.original.externalReference} /> : dash) },
    { header: "Idempotency key", accessorKey: "idempotencyKey", cell: ({ row }) => <CopyId value={row.original.idempotencyKey} short /> },
    {
      header: "Initiated by",
      accessorKey: "initiatedBy",
      cell: ({ row }) => (
        <span className="text-xs text-slate-700">
          {row.original.initiatorType === "staff" ? "staff " : "service "}
          <span className="font-mono">{row.original.initiatorType === "staff" ? `${row.original.initiatedBy.slice(0, 8)}…` : row.original.initiatedBy}</span>
        </span>
      ),
    },
  ];
}

export function TransactionTable({ rows, dateField, caption }: { rows: TransactionRow[]; dateField: "occurred" | "booked"; caption: string }) {
  const router = useRouter();
  return <DataTable caption={caption} columns={columnsFor(dateField)} data={rows} getRowId={(row) => row.id} onRowOpen={(row) => router.push(transactionHref(row.id))} />;
}
