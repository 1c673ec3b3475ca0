"use client";

import { useQuery } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { parseAsInteger, parseAsString, parseAsStringLiteral, useQueryStates } from "nuqs";
import type { FormEvent } from "react";
import { utcIsoFromInput } from "@/lib/time";
import type { AuditEventView } from "@/server/audit/schemas";
import { errorMessage, useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { CopyId } from "../ui/copy-id";
import { DataTable } from "../ui/data-table";
import { SelectField, TextField } from "../ui/field";
import { UtcTimeField } from "../ui/utc-time-field";
import { Pager } from "../ui/pager";
import { EmptyState, ErrorState, Skeleton } from "../ui/states";
import { UtcTime } from "../ui/time";
import { useCursorTrail } from "../ui/use-cursor-trail";
import { CheckpointStatus } from "./checkpoint-status";
import { OutcomeBadge } from "./outcome-badge";
import { VerifyChainPanel } from "./verify-chain-panel";

const outcomes = ["success", "denied", "failed"] as const;

const filterParsers = {
  actor: parseAsString,
  action: parseAsString,
  targetType: parseAsString,
  targetId: parseAsString,
  outcome: parseAsStringLiteral(outcomes),
  from: parseAsString,
  to: parseAsString,
  before: parseAsInteger,
};

const columns: ColumnDef<AuditEventView, unknown>[] = [
  {
    header: "Seq",
    accessorKey: "seq",
    meta: { align: "right" },
    // A real link, so a record opens from the keyboard too, not only by clicking its row.
    cell: ({ row }) => (
      <Link href={`/audit/${row.original.seq}`} aria-label={`Audit record ${row.original.seq}`} className="font-mono text-xs text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600">
        {row.original.seq}
      </Link>
    ),
  },
  { header: "Time (UTC)", accessorKey: "occurredAt", cell: ({ row }) => <UtcTime value={row.original.occurredAt} /> },
  {
    header: "Actor",
    accessorKey: "actorId",
    cell: ({ row }) => (
      <span className="flex flex-col">
        <span>{row.original.actorName ?? row.original.actorType}</span>
        <CopyId value={row.original.actorId} short />
      </span>
    ),
  },
  { header: "Action", accessorKey: "action", cell: ({ row }) => <code className="font-mono text-xs">{row.original.action}</code> },
  {
    header: "Target",
    accessorKey: "targetId",
    cell: ({ row }) =>
      row.original.targetType ? (
        <span className="flex flex-col">
          <span className="text-xs text-slate-600">{row.original.targetType}</span>
          {row.original.targetId ? <CopyId value={row.original.targetId} short /> : null}
        </span>
      ) : (
        <span className="text-slate-500">—</span>
      ),
  },
  { header: "Outcome", accessorKey: "outcome", cell: ({ row }) => <OutcomeBadge outcome={row.original.outcome} /> },
  { header: "Summary", id: "summary", cell: ({ row }) => <span className="text-xs text-slate-700">{summaryOf(row.original.details)}</span> },
];

/** The few details that tell records of one action apart ("approve · 1 of 2"); the record page shows them all. */
const summaryKeys = ["decision", "approvals", "direction", "amount", "currency", "reasonCode", "from", "to", "error"] as const;

function summaryOf(details: Record<string, unknown>): string {
  return summaryKeys
    .map((key) => details[key])
    .filter((value): value is string | number => typeof value === "string" || typeof value === "number")
    .join(" · ");
}

export function AuditExplorer() {
  const trpc = useTRPC();
  const router = useRouter();
  const [filters, setFilters] = useQueryStates(filterParsers, { history: "push" });
  const pages = useCursorTrail<number>(filters.before, (to) => void setFilters({ before: to }));
  const input = {
    actor: filters.actor ?? undefined,
    action: filters.action ?? undefined,
    targetType: filters.targetType ?? undefined,
    targetId: filters.targetId ?? undefined,
    outcome: filters.outcome ?? undefined,
    from: utcIsoFromInput(filters.from),
    to: utcIsoFromInput(filters.to),
    beforeSeq: filters.before ?? undefined,
    limit: 50,
  };
  const list = useQuery(trpc.audit.list.queryOptions(input));

  function applyFilters(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => {
      const value = String(form.get(name) ?? "").trim();
      return value === "" ? null : value;
    };
    const outcome = text("outcome");
    pages.reset();
    void setFilters({
      actor: text("actor"),
      action: text("action"),
      targetType: text("targetType"),
      targetId: text("targetId"),
      outcome: outcomes.find((candidate) => candidate === outcome) ?? null,
      from: text("from"),
      to: text("to"),
      before: null,
    });
  }

  return (
    <div className="flex flex-col gap-4">
      <header className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">Audit trail</h1>
          <p className="text-sm text-slate-600">Every operator action, sign-in and denied access, in one SHA-256 hash chain.</p>
        </div>
        <VerifyChainPanel />
      </header>
      <CheckpointStatus />

      <form onSubmit={applyFilters} className="grid grid-cols-2 gap-3 rounded-md border border-slate-200 bg-white p-3 md:grid-cols-4 lg:grid-cols-8" aria-label="Audit filters">
        <TextField label="Actor id" name="actor" type="search" defaultValue={filters.actor ?? ""} placeholder="staff id or service" />
        <TextField label="Action" name="action" defaultValue={filters.action ?? ""} placeholder="auth.* or staff.create" />
        <TextField label="Target type" name="targetType" defaultValue={filters.targetType ?? ""} />
        <TextField label="Target id" name="targetId" defaultValue={filters.targetId ?? ""} />
        <SelectField label="Outcome" name="outcome" defaultValue={filters.outcome ?? ""}>
          <option value="">Any</option>
          {outcomes.map((outcome) => (
            <option key={outcome} value={outcome}>
              {outcome}
            </option>
          ))}
        </SelectField>
        <UtcTimeField label="From (UTC)" name="from" defaultValue={filters.from} />
        <UtcTimeField label="To (UTC)" name="to" defaultValue={filters.to} />
        <div className="flex items-end gap-2">
          <Button type="submit">Apply</Button>
          <Button
            variant="ghost"
            onClick={() => {
              pages.reset();
              void setFilters(null);
            }}
          >
            Clear
          </Button>
        </div>
      </form>

      {list.isPending ? <Skeleton rows={8} /> : null}
      {list.error ? <ErrorState message={errorMessage(list.error)} onRetry={() => void list.refetch()} /> : null}
      {list.data && list.data.items.length === 0 ? <EmptyState title="No audit records match these filters.">Widen the time range or clear a filter.</EmptyState> : null}
      {list.data && list.data.items.length > 0 ? (
        <>
          <DataTable caption="Audit records, newest first" columns={columns} data={list.data.items} getRowId={(row) => String(row.seq)} onRowOpen={(row) => router.push(`/audit/${row.seq}`)} />
          <Pager
            label="Pages"
            summary={`Showing seq ${list.data.items[0]?.seq ?? ""} to ${list.data.items[list.data.items.length - 1]?.seq ?? ""}`}
            backLabel="Newer"
            forwardLabel="Older"
            trail={pages}
            next={list.data.nextBeforeSeq}
          />
        </>
      ) : null}
    </div>
  );
}
