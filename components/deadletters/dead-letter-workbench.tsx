"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { toast } from "sonner";
import type { DeadLetterSummary } from "@/server/deadletters/schemas";
import { usePermissions } from "../shell/use-permissions";
import { errorMessage, fieldErrorsOf, useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Pager } from "../ui/pager";
import { useCursorTrail } from "../ui/use-cursor-trail";
import { EmptyState, ErrorState, Skeleton } from "../ui/states";
import { needsReplayReason } from "./dead-letter-badges";
import { DeadLetterFilters } from "./dead-letter-filters";
import { DeadLetterHeatmap } from "./dead-letter-heatmap";
import { filterOf, isFiltered, listInputOf, useDeadLetterState, type DeadLetterState } from "./dead-letter-state";
import { DeadLetterTable } from "./dead-letter-table";
import { DiscardDialog } from "./discard-dialog";
import { ReplayBatchProgress } from "./replay-batch-progress";

type Cursor = NonNullable<DeadLetterState["cursor"]>;

const replayRatePerSecond = 20;
const isDead = (row: DeadLetterSummary) => row.status === "dead" && row.pendingEditId === null;

function describeFilter(filter: ReturnType<typeof filterOf>): string {
  const parts = Object.entries(filter).flatMap(([key, value]) => (value === undefined ? [] : [`${key} = ${value}`]));
  return parts.length === 0 ? "every dead letter (no filter)" : parts.join(", ");
}

export function DeadLetterWorkbench() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { has } = usePermissions();
  const canReplay = has("deadletter.replay");
  const [state, setState] = useDeadLetterState();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [batchId, setBatchId] = useState<string | null>(null);
  const [confirmAll, setConfirmAll] = useState(false);
  const [discarding, setDiscarding] = useState(false);
  const input = listInputOf(state);
  const filter = filterOf(state);
  const list = useQuery(trpc.deadLetters.list.queryOptions(input));
  const facets = useQuery(trpc.deadLetters.facets.queryOptions());
  const batches = useQuery(trpc.deadLetters.replayBatches.queryOptions());
  const runningBatchId = batchId ?? batches.data?.find((batch) => batch.status === "running")?.id ?? null;
  const fieldErrors = fieldErrorsOf(list.error);
  const { cursor, ...filters } = state;
  const pages = useCursorTrail<Cursor>(cursor, (to) => void setState({ cursor: to }));
  const rows = list.data?.items ?? [];
  const selectedRows = rows.filter((row) => selected.has(row.id) && isDead(row));

  const replayMany = useMutation(
    trpc.deadLetters.replayMany.mutationOptions({
      onSuccess: async (result) => {
        setBatchId(result.batchId);
        setSelected(new Set());
        setConfirmAll(false);
        toast.success(`Replay started: ${result.total} dead letters, at most ${replayRatePerSecond} a second.`);
        await queryClient.invalidateQueries({ queryKey: trpc.deadLetters.pathKey() });
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );

  const apply = (values: Partial<DeadLetterState>) => {
    pages.reset();
    setSelected(new Set());
    void setState({ ...values, cursor: null });
  };
  const actionTitle = canReplay ? undefined : needsReplayReason;
  const onlySelected = selectedRows.length === 1 ? selectedRows[0] : undefined;

  return (
    <div className="flex flex-col gap-4">
      <header>
        <h1 className="text-xl font-semibold">Dead letters</h1>
        <p className="text-sm text-slate-600">Webhook and outbox jobs that gave up. Replay them once the cause is fixed, or discard them with a reason. Times are UTC.</p>
      </header>

      <DeadLetterFilters key={JSON.stringify(filters)} state={state} facets={facets.data} errors={fieldErrors} onApply={apply} onClear={() => apply({ handler: null, eventType: null, provider: null, errorClass: null, from: null, to: null })} />

      <DeadLetterHeatmap range={{ from: filter.from, to: filter.to }} onPickErrorClass={(errorClass) => apply({ ...filters, errorClass })} />

      {runningBatchId ? <ReplayBatchProgress key={runningBatchId} batchId={runningBatchId} canReplay={canReplay} onDismiss={() => setBatchId(null)} /> : null}

      <div role="toolbar" aria-label="Dead-letter actions" className="flex flex-wrap items-center gap-2">
        <Button disabled={!canReplay || selectedRows.length === 0 || replayMany.isPending} title={actionTitle} onClick={() => replayMany.mutate({ ids: selectedRows.map((row) => row.id), ratePerSecond: replayRatePerSecond })}>
          Replay selected ({selectedRows.length})
        </Button>
        <Button variant="secondary" disabled={!canReplay || replayMany.isPending || rows.length === 0} title={actionTitle} onClick={() => setConfirmAll(true)}>
          Replay all matching this filter
        </Button>
        <Button variant="secondary" disabled={!canReplay || onlySelected === undefined} title={canReplay ? "Select exactly one dead letter to discard" : actionTitle} onClick={() => setDiscarding(true)}>
          Discard
        </Button>
        {canReplay ? <span className="text-xs text-slate-600">Only dead rows without a pending edit can be selected.</span> : <span className="text-xs font-medium text-amber-800">{needsReplayReason}</span>}
      </div>

      {list.isPending ? <Skeleton rows={10} /> : null}
      {list.error ? <ErrorState message={errorMessage(list.error)} onRetry={() => void list.refetch()} /> : null}
      {list.data && rows.length === 0 ? (
        <EmptyState title={isFiltered(state) ? "No dead letters match these filters." : "No dead letters."}>{isFiltered(state) ? "Widen the time range or clear a filter." : "Every webhook and outbox job was delivered."}</EmptyState>
      ) : null}
      {list.data && rows.length > 0 ? (
        <>
          <DeadLetterTable
            rows={rows}
            caption="Dead letters, newest first"
            selection={{
              selected,
              selectable: (row) => canReplay && isDead(row),
              onToggle: (id, on) => setSelected((current) => toggled(current, [id], on)),
              onToggleAll: (on) => setSelected((current) => toggled(current, rows.filter(isDead).map((row) => row.id), on)),
            }}
          />
          <Pager
            label="Pages"
            summary={`${rows.length} dead letters on this page`}
            backLabel="Newer"
            forwardLabel="Older"
            trail={pages}
            next={list.data.next}
          />
        </>
      ) : null}

      <Dialog open={confirmAll} onClose={() => setConfirmAll(false)} title="Replay all matching this filter">
        <div className="flex flex-col gap-3 text-sm">
          <p>
            Every <strong>dead</strong> letter matching <span className="font-mono">{describeFilter(filter)}</span> is replayed with its original event id, at most {replayRatePerSecond} a second. Postings are
            idempotent: an event already applied is not applied again. You can cancel while it runs.
          </p>
          <div className="flex justify-end gap-2">
            <Button variant="ghost" onClick={() => setConfirmAll(false)}>
              Back
            </Button>
            <Button disabled={replayMany.isPending} onClick={() => replayMany.mutate({ filter, ratePerSecond: replayRatePerSecond })}>
              Replay all matching
            </Button>
          </div>
        </div>
      </Dialog>
      {onlySelected ? <DiscardDialog open={discarding} onClose={() => setDiscarding(false)} id={onlySelected.id} eventLabel={`event ${onlySelected.eventId}`} /> : null}
    </div>
  );
}

function toggled(current: ReadonlySet<string>, ids: string[], on: boolean): ReadonlySet<string> {
  const next = new Set(current);
  for (const id of ids) {
    if (on) next.add(id);
    else next.delete(id);
  }
  return next;
}
