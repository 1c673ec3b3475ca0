"use client";

import type { ColumnDef } from "@tanstack/react-table";
import Link from "next/link";
import { useRouter } from "next/navigation";
import type { DeadLetterSummary } from "@/server/deadletters/schemas";
import { Badge } from "../ui/badge";
import { CopyId } from "../ui/copy-id";
import { DataTable } from "../ui/data-table";
import { UtcTime } from "../ui/time";
import { DeadLetterStatusBadge } from "./dead-letter-badges";

export function deadLetterHref(id: string): string {
  return `/dead-letters/${id}`;
}

const lastErrorLengthMax = 60;

interface Selection {
  selected: ReadonlySet<string>;
  onToggle: (id: string, on: boolean) => void;
  onToggleAll: (on: boolean) => void;
  selectable: (row: DeadLetterSummary) => boolean;
}

function columnsFor({ selected, onToggle, onToggleAll, selectable }: Selection, rows: DeadLetterSummary[]): ColumnDef<DeadLetterSummary, unknown>[] {
  const candidates = rows.filter(selectable);
  const allOn = candidates.length > 0 && candidates.every((row) => selected.has(row.id));
  return [
    {
      id: "select",
      header: () => <input type="checkbox" aria-label="Select every dead row on this page" checked={allOn} disabled={candidates.length === 0} onChange={(event) => onToggleAll(event.target.checked)} className="size-4 accent-indigo-600" />,
      cell: ({ row }) =>
        selectable(row.original) ? (
          <input type="checkbox" aria-label={`Select dead letter ${row.original.eventId}`} checked={selected.has(row.original.id)} onChange={(event) => onToggle(row.original.id, event.target.checked)} className="size-4 accent-indigo-600" />
        ) : null,
    },
    { id: "when", header: "When (UTC)", cell: ({ row }) => <UtcTime value={row.original.deadLetteredAt} showAge /> },
    {
      id: "status",
      header: "Status",
      cell: ({ row }) => (
        <span className="inline-flex items-center gap-1">
          <DeadLetterStatusBadge status={row.original.status} />
          {row.original.pendingEditId ? <Badge tone="warning">edit pending</Badge> : null}
        </span>
      ),
    },
    {
      id: "event",
      header: "Event",
      cell: ({ row }) => (
        <span className="inline-flex items-center gap-1">
          <Link href={deadLetterHref(row.original.id)} aria-label={`Dead letter ${row.original.eventId}`} className="font-mono text-xs text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600">
            {row.original.eventId.length > 22 ? `${row.original.eventId.slice(0, 10)}…${row.original.eventId.slice(-8)}` : row.original.eventId}
          </Link>
          <CopyId value={row.original.eventId} iconOnly />
        </span>
      ),
    },
    { id: "source", header: "Source", cell: ({ row }) => <Badge tone={row.original.source === "inbox" ? "info" : "neutral"}>{row.original.source}</Badge> },
    { id: "handler", header: "Handler", cell: ({ row }) => <span className="whitespace-nowrap font-mono text-xs">{row.original.handler}</span> },
    { id: "eventType", header: "Event type", cell: ({ row }) => <span className="whitespace-nowrap font-mono text-xs">{row.original.eventType}</span> },
    { id: "provider", header: "Provider", cell: ({ row }) => row.original.provider ?? <span className="text-slate-500">—</span> },
    { id: "errorClass", header: "Error class", cell: ({ row }) => <span className="font-mono text-xs text-rose-800">{row.original.errorClass}</span> },
    {
      id: "lastError",
      header: "Last error",
      cell: ({ row }) => (
        <span className="block max-w-[12rem] truncate text-xs text-slate-700" title={row.original.lastError}>
          {row.original.lastError.length > lastErrorLengthMax ? `${row.original.lastError.slice(0, lastErrorLengthMax)}…` : row.original.lastError}
        </span>
      ),
    },
    { id: "attempts", header: "Attempts", meta: { align: "right" }, cell: ({ row }) => row.original.attempts },
  ];
}

export function DeadLetterTable({ rows, caption, selection }: { rows: DeadLetterSummary[]; caption: string; selection: Selection }) {
  const router = useRouter();
  return <DataTable caption={caption} columns={columnsFor(selection, rows)} data={rows} getRowId={(row) => row.id} onRowOpen={(row) => router.push(deadLetterHref(row.id))} />;
}
