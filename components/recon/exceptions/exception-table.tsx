"use client";

import type { ColumnDef } from "@tanstack/react-table";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { relativeAge } from "@/lib/time";
import type { ExceptionRow } from "@/server/recon/exceptions-schemas";
import { DataTable } from "../../ui/data-table";
import { ClassBadge, classLabels, exceptionHref, ExceptionStatusBadge, MoneyText } from "../report/recon-format";

interface Selection {
  selected: ReadonlySet<string>;
  onToggle: (id: string, on: boolean) => void;
  onToggleAll: (on: boolean) => void;
  enabled: boolean;
}

const selectable = (row: ExceptionRow) => row.status !== "resolved";
const labelOf = (row: ExceptionRow) => `${classLabels[row.class]} ${row.reference ?? row.id.slice(0, 8)}`;

function columnsFor({ selected, onToggle, onToggleAll, enabled }: Selection, rows: ExceptionRow[]): ColumnDef<ExceptionRow, unknown>[] {
  const candidates = rows.filter(selectable);
  const allOn = candidates.length > 0 && candidates.every((row) => selected.has(row.id));
  const selection: ColumnDef<ExceptionRow, unknown>[] = enabled
    ? [
        {
          id: "select",
          header: () => <input type="checkbox" aria-label="Select every unresolved exception on this page" checked={allOn} disabled={candidates.length === 0} onChange={(event) => onToggleAll(event.target.checked)} className="size-4 accent-indigo-600" />,
          cell: ({ row }) =>
            selectable(row.original) ? <input type="checkbox" aria-label={`Select ${labelOf(row.original)}`} checked={selected.has(row.original.id)} onChange={(event) => onToggle(row.original.id, event.target.checked)} className="size-4 accent-indigo-600" /> : null,
        },
      ]
    : [];
  return [
    ...selection,
    { id: "status", header: "Status", cell: ({ row }) => <ExceptionStatusBadge status={row.original.status} /> },
    {
      id: "class",
      header: "Class",
      cell: ({ row }) => (
        <Link href={exceptionHref(row.original.id)} aria-label={`Exception ${labelOf(row.original)}`} className="text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600">
          <ClassBadge value={row.original.class} />
        </Link>
      ),
    },
    { id: "amount", header: "Amount", meta: { align: "right" }, cell: ({ row }) => <MoneyText amount={row.original.amount} currency={row.original.currency} /> },
    { id: "reference", header: "Reference", cell: ({ row }) => (row.original.reference ? <span className="block max-w-[16rem] truncate font-mono text-xs" title={row.original.reference}>{row.original.reference}</span> : <span className="text-slate-500">—</span>) },
    { id: "provider", header: "Provider", cell: ({ row }) => row.original.provider ?? <span className="text-slate-500">—</span> },
    { id: "assignee", header: "Assignee", cell: ({ row }) => row.original.assigneeName ?? <span className="text-slate-600">Unassigned</span> },
    {
      id: "age",
      header: "Age",
      meta: { align: "right" },
      cell: ({ row }) => (
        <time dateTime={row.original.openedAt.toISOString()} title={`Opened ${row.original.openedAt.toISOString()}`} className="whitespace-nowrap">
          {relativeAge(row.original.openedAt).replace(" ago", "")}
        </time>
      ),
    },
  ];
}

export function ExceptionTable({ rows, selection }: { rows: ExceptionRow[]; selection: Selection }) {
  const router = useRouter();
  return <DataTable caption="Reconciliation exceptions, oldest first" columns={columnsFor(selection, rows)} data={rows} getRowId={(row) => row.id} onRowOpen={(row) => router.push(exceptionHref(row.id))} />;
}
