"use client";

import { useQuery } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type KeyboardEvent } from "react";
import { cn } from "@/lib/cn";
import type { RequestSummary } from "@/server/approvals/schemas";
import { accountHref } from "../ledger/entries-table";
import { errorMessage, fieldErrorsOf, useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { CopyId } from "../ui/copy-id";
import { DataTable } from "../ui/data-table";
import { Pager } from "../ui/pager";
import { useCursorTrail } from "../ui/use-cursor-trail";
import { EmptyState, ErrorState, Skeleton } from "../ui/states";
import { UtcTime } from "../ui/time";
import { useApprovalCounts } from "./approval-counts";
import { AdjustmentAmount, agingText, ApprovalsProgress, kindLabels, reasonLabels, requestHref, RequestStatusBadge, shortId } from "./approval-format";
import { BulkDecideDialog } from "./bulk-decide-dialog";
import { QueueFiltersForm } from "./queue-filters";
import { isFiltered, listInputOf, useQueueState, type Queue, type QueueCursor } from "./queue-state";

export interface QueueViewer {
  staffId: string;
  canApprove: boolean;
  canCreate: boolean;
}

const tabLabels: Record<Queue, string> = { waiting: "Waiting for me", mine: "My requests", all: "All" };

/** Why a row cannot join a bulk decision, or null when it can. */
function bulkBlockedReason(row: RequestSummary, staffId: string): string | null {
  if (row.kind !== "adjustment") return "Policy changes are decided one at a time, on their page.";
  if (row.status !== "pending") return `This request is ${row.status}.`;
  if (row.makerId === staffId) return "You made this request.";
  return null;
}

export function ApprovalsQueue({ viewer }: { viewer: QueueViewer }) {
  const trpc = useTRPC();
  const router = useRouter();
  const counts = useApprovalCounts();
  const [state, setState] = useQueueState();
  const tabs = queuesFor(viewer);
  const queue = state.queue && tabs.includes(state.queue) ? state.queue : (tabs[0] ?? "all");
  const [selected, setSelected] = useState<Map<string, RequestSummary>>(new Map());
  const pages = useCursorTrail<QueueCursor>(state.before, (to) => {
    setSelected(new Map());
    void setState({ before: to });
  });
  // The selection as it was when the dialog opened: the dialog keeps naming it after the selection clears.
  const [bulk, setBulk] = useState<{ decision: "approve" | "reject"; items: RequestSummary[] } | null>(null);
  const list = useQuery(trpc.approvals.list.queryOptions(listInputOf(queue, state)));
  const fieldErrors = fieldErrorsOf(list.error);
  const bulkEnabled = queue === "waiting" && viewer.canApprove;
  const tabCounts: Partial<Record<Queue, number>> = { waiting: counts.data?.waitingForMe, mine: counts.data?.myPending };

  function switchTab(next: Queue) {
    pages.reset();
    setSelected(new Map());
    void setState({ queue: next, before: null });
  }

  const rows = list.data?.items ?? [];
  const selectable = rows.filter((row) => bulkBlockedReason(row, viewer.staffId) === null);
  const columns = columnsFor({
    bulkEnabled,
    staffId: viewer.staffId,
    selected,
    allSelected: selectable.length > 0 && selectable.every((row) => selected.has(row.id)),
    onToggle: (row) => {
      const next = new Map(selected);
      if (next.has(row.id)) next.delete(row.id);
      else next.set(row.id, row);
      setSelected(next);
    },
    onToggleAll: (on) => setSelected(on ? new Map(selectable.map((row) => [row.id, row])) : new Map()),
  });

  return (
    <div className="flex flex-col gap-4">
      <header className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">Approvals</h1>
          <p className="text-sm text-slate-600">Manual adjustments and policy changes that need another person&apos;s approval. Times are UTC.</p>
        </div>
      </header>

      <QueueTabs tabs={tabs} current={queue} counts={tabCounts} onSelect={switchTab} />

      <div role="tabpanel" id={`queue-panel-${queue}`} aria-labelledby={`queue-tab-${queue}`} className="flex flex-col gap-3">
        {queue === "all" ? (
          <QueueFiltersForm
            key={JSON.stringify({ ...state, queue: null, before: null })}
            state={state}
            errors={fieldErrors}
            onApply={(filters) => {
              pages.reset();
              void setState({ ...filters, before: null });
            }}
            onClear={() => {
              pages.reset();
              void setState({ queue: "all", status: null, reason: null, kind: null, currency: null, amountMin: null, amountMax: null, maker: null, olderThan: null, before: null });
            }}
          />
        ) : null}

        {bulkEnabled ? (
          <BulkBar
            count={selected.size}
            onApprove={() => setBulk({ decision: "approve", items: [...selected.values()] })}
            onReject={() => setBulk({ decision: "reject", items: [...selected.values()] })}
            onClear={() => setSelected(new Map())}
          />
        ) : null}

        {list.isPending ? <Skeleton rows={8} /> : null}
        {list.error ? (
          Object.keys(fieldErrors).length > 0 ? (
            <ErrorState message={`Check the highlighted filter: ${errorMessage(list.error)}`} />
          ) : (
            <ErrorState message={errorMessage(list.error)} onRetry={() => void list.refetch()} />
          )
        ) : null}
        {list.data && rows.length === 0 ? <NoRequests queue={queue} filtered={isFiltered(state)} /> : null}
        {list.data && rows.length > 0 ? (
          <>
            <DataTable caption={`${tabLabels[queue]}: approval requests, newest first`} columns={columns} data={rows} getRowId={(row) => row.id} onRowOpen={(row) => router.push(requestHref(row.id))} />
            <Pager
              label="Pages"
              summary={`${rows.length} requests on this page`}
              backLabel="Newer"
              forwardLabel="Older"
              trail={pages}
              next={list.data.next}
            />
          </>
        ) : null}
      </div>

      <BulkDecideDialog
        decision={bulk?.decision ?? null}
        items={bulk?.items ?? []}
        onClose={() => setBulk(null)}
        onDecided={() => setSelected(new Map())}
      />
    </div>
  );
}

function queuesFor(viewer: QueueViewer): Queue[] {
  return [...(viewer.canApprove ? (["waiting"] as const) : []), ...(viewer.canCreate ? (["mine"] as const) : []), "all"];
}

/** ARIA tabs: arrow keys move between them, the URL remembers the chosen one. */
function QueueTabs({ tabs, current, counts, onSelect }: { tabs: Queue[]; current: Queue; counts: Partial<Record<Queue, number>>; onSelect: (queue: Queue) => void }) {
  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
    const index = tabs.indexOf(current);
    const next = tabs[(index + (event.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
    if (!next) return;
    event.preventDefault();
    onSelect(next);
    event.currentTarget.querySelector<HTMLButtonElement>(`#queue-tab-${next}`)?.focus();
  }
  return (
    <div role="tablist" aria-label="Queues" className="flex gap-1 border-b border-slate-200" onKeyDown={onKeyDown}>
      {tabs.map((tab) => {
        const active = tab === current;
        const count = counts[tab];
        return (
          <button
            key={tab}
            id={`queue-tab-${tab}`}
            type="button"
            role="tab"
            aria-selected={active}
            aria-controls={`queue-panel-${tab}`}
            tabIndex={active ? 0 : -1}
            onClick={() => onSelect(tab)}
            className={cn(
              "-mb-px inline-flex items-center gap-1.5 border-b-2 px-3 py-2 text-sm font-medium focus-visible:outline-2 focus-visible:outline-indigo-600",
              active ? "border-indigo-600 text-indigo-800" : "border-transparent text-slate-600 hover:text-slate-900",
            )}
          >
            {tabLabels[tab]}
            {count !== undefined && count > 0 ? <span className="rounded bg-slate-100 px-1.5 text-xs tabular-nums text-slate-700">{count}</span> : null}
          </button>
        );
      })}
    </div>
  );
}

function BulkBar({ count, onApprove, onReject, onClear }: { count: number; onApprove: () => void; onReject: () => void; onClear: () => void }) {
  const none = count === 0;
  return (
    <div className="flex flex-wrap items-center gap-2 rounded-md border border-slate-200 bg-white px-3 py-2 text-sm">
      <span className="tabular-nums text-slate-700" role="status">
        {none ? "Select requests to decide several at once." : `${count} selected`}
      </span>
      <div className="ml-auto flex gap-2">
        <Button size="sm" disabled={none} onClick={onApprove}>
          Approve selected
        </Button>
        <Button size="sm" variant="danger" disabled={none} onClick={onReject}>
          Reject selected
        </Button>
        <Button size="sm" variant="ghost" disabled={none} onClick={onClear}>
          Clear selection
        </Button>
      </div>
    </div>
  );
}

function NoRequests({ queue, filtered }: { queue: Queue; filtered: boolean }) {
  if (queue === "waiting") return <EmptyState title="Nothing is waiting for you.">Requests your role may decide appear here; your own never do.</EmptyState>;
  if (queue === "mine") return <EmptyState title="You have no adjustment requests.">Raise one from an account page with “Raise adjustment”.</EmptyState>;
  return <EmptyState title={filtered ? "No requests match these filters." : "No approval requests yet."}>{filtered ? "Widen the amount or age, or clear a filter." : null}</EmptyState>;
}

interface ColumnOptions {
  bulkEnabled: boolean;
  staffId: string;
  selected: Map<string, RequestSummary>;
  allSelected: boolean;
  onToggle: (row: RequestSummary) => void;
  onToggleAll: (on: boolean) => void;
}

const dash = <span className="text-slate-500">—</span>;

function columnsFor(options: ColumnOptions): ColumnDef<RequestSummary, unknown>[] {
  const columns: ColumnDef<RequestSummary, unknown>[] = [
    {
      header: "Request",
      accessorKey: "id",
      cell: ({ row }) => (
        <span className="flex flex-col">
          <span className="inline-flex items-center gap-1">
            <Link href={requestHref(row.original.id)} aria-label={`Request ${row.original.id}`} className="font-mono text-xs text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600">
              {shortId(row.original.id)}
            </Link>
            <CopyId value={row.original.id} iconOnly />
          </span>
          <span className="text-xs text-slate-600">{kindLabels[row.original.kind]}</span>
        </span>
      ),
    },
    {
      header: "Account",
      accessorKey: "accountId",
      cell: ({ row }) =>
        row.original.accountId ? (
          <span className="flex flex-col">
            <Link href={accountHref(row.original.accountId)} className="text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600">
              {row.original.accountName ?? "Account"}
            </Link>
            <span className="font-mono text-xs text-slate-600" title={row.original.accountCode ?? undefined}>
              {row.original.accountCode ? shortCode(row.original.accountCode) : null}
            </span>
          </span>
        ) : (
          dash
        ),
    },
    {
      header: "Amount",
      accessorKey: "amount",
      meta: { align: "right" },
      cell: ({ row }) =>
        row.original.amount && row.original.currency && row.original.direction ? (
          <AdjustmentAmount amount={row.original.amount} currency={row.original.currency} direction={row.original.direction} className="font-medium" />
        ) : (
          <span className="text-xs text-slate-500">policy</span>
        ),
    },
    { header: "Reason", accessorKey: "reasonCode", cell: ({ row }) => (row.original.reasonCode ? reasonLabels[row.original.reasonCode] : dash) },
    { header: "Status", accessorKey: "status", cell: ({ row }) => <RequestStatusBadge status={row.original.status} /> },
    { header: "Approvals", accessorKey: "approvals", cell: ({ row }) => <ApprovalsProgress approvals={row.original.approvals} required={row.original.approvalsRequired} /> },
    { header: "Maker", accessorKey: "makerName", cell: ({ row }) => <span className="whitespace-nowrap">{row.original.makerName}</span> },
    {
      header: "Created (UTC)",
      accessorKey: "createdAt",
      cell: ({ row }) => (
        <span className="flex flex-col">
          <UtcTime value={row.original.createdAt} />
          <span className="text-xs text-slate-600">{agingText(row.original)}</span>
        </span>
      ),
    },
  ];
  if (!options.bulkEnabled) return columns;
  return [
    {
      id: "select",
      header: () => (
        <input
          type="checkbox"
          aria-label="Select every request on this page that can be decided together"
          className="size-4 accent-indigo-600"
          checked={options.allSelected}
          onChange={(event) => options.onToggleAll(event.target.checked)}
        />
      ),
      cell: ({ row }) => {
        const blocked = bulkBlockedReason(row.original, options.staffId);
        return (
          <input
            type="checkbox"
            aria-label={`Select request ${row.original.id}`}
            title={blocked ?? undefined}
            className="size-4 accent-indigo-600 disabled:opacity-40"
            disabled={blocked !== null}
            checked={options.selected.has(row.original.id)}
            onChange={() => options.onToggle(row.original)}
          />
        );
      },
    },
    ...columns,
  ];
}

/** "wallet:0190f3a2-…:EUR" keeps the purpose and currency readable and the customer id short. */
function shortCode(code: string): string {
  return code.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/, (id) => `${id.slice(0, 8)}…`);
}
