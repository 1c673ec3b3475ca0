"use client";

import type { ColumnDef } from "@tanstack/react-table";
import Link from "next/link";
import type { DifferenceRow } from "@/server/recon/report-schemas";
import { DataTable } from "../../ui/data-table";
import { ClassBadge, exceptionHref, ExceptionStatusBadge, MoneyText } from "./recon-format";

const dash = <span className="text-slate-500">—</span>;

const columns: ColumnDef<DifferenceRow, unknown>[] = [
  { id: "occurredOn", header: "Day (UTC)", cell: ({ row }) => <span className="whitespace-nowrap tabular-nums">{row.original.occurredOn ?? "—"}</span> },
  { id: "class", header: "Class", cell: ({ row }) => <ClassBadge value={row.original.class} /> },
  { id: "provider", header: "Provider", cell: ({ row }) => row.original.provider ?? dash },
  // A reference is shown as text, whatever it contains; React never interprets it.
  { id: "reference", header: "Reference", cell: ({ row }) => (row.original.reference ? <span className="block max-w-[16rem] truncate font-mono text-xs" title={row.original.reference}>{row.original.reference}</span> : dash) },
  { id: "statementAmount", header: "Statement", meta: { align: "right" }, cell: ({ row }) => <MoneyText amount={row.original.statementAmount} currency={row.original.currency} /> },
  { id: "ledgerAmount", header: "Ledger", meta: { align: "right" }, cell: ({ row }) => <MoneyText amount={row.original.ledgerAmount} currency={row.original.currency} /> },
  { id: "amount", header: "At stake", meta: { align: "right" }, cell: ({ row }) => <MoneyText amount={row.original.amount} currency={row.original.currency} /> },
  {
    id: "exception",
    header: "Exception",
    cell: ({ row }) =>
      row.original.exceptionId && row.original.exceptionStatus ? (
        <Link href={exceptionHref(row.original.exceptionId)} className="inline-flex items-center gap-1 text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600" aria-label={`Exception for ${row.original.reference ?? row.original.class}, ${row.original.exceptionStatus}`}>
          <ExceptionStatusBadge status={row.original.exceptionStatus} />
        </Link>
      ) : (
        dash
      ),
  },
];

export function DifferencesTable({ rows }: { rows: DifferenceRow[] }) {
  return <DataTable caption="Differences of this run, earliest day first" columns={columns} data={rows} getRowId={(row) => row.id} />;
}
