"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { errorMessage, useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { needsReplayReason } from "./dead-letter-badges";

/** A running (or just finished) replay batch: a progress bar polled from the server, and a cancel. */
export function ReplayBatchProgress({ batchId, canReplay, onDismiss }: { batchId: string; canReplay: boolean; onDismiss: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const progress = useQuery(
    trpc.deadLetters.replayProgress.queryOptions({ batchId }, { refetchInterval: (query) => (query.state.data?.batch.status === "running" ? 1_000 : false) }),
  );
  const cancel = useMutation(
    trpc.deadLetters.cancelReplay.mutationOptions({
      onSuccess: async (result) => {
        toast.success(`Replay cancelled: ${result.cancelled} not yet replayed returned to dead.`);
        await queryClient.invalidateQueries({ queryKey: trpc.deadLetters.pathKey() });
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
  const data = progress.data;
  if (!data) return <p className="text-sm text-slate-600">Loading replay progress…</p>;
  const { batch, counts, settled } = data;
  const percent = progressPercent(settled, batch.total);
  const running = batch.status === "running";
  return (
    <section aria-label="Replay progress" className="flex flex-col gap-2 rounded-md border border-indigo-200 bg-indigo-50/50 p-3 text-sm">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="font-medium text-slate-800">
          Replay {batch.status}: {settled.toLocaleString("en-GB")} of {batch.total.toLocaleString("en-GB")} settled, at {batch.ratePerSecond}/s
        </p>
        <div className="flex items-center gap-2">
          {running ? (
            <Button variant="secondary" size="sm" disabled={!canReplay || cancel.isPending} title={canReplay ? undefined : needsReplayReason} onClick={() => cancel.mutate({ batchId })}>
              Cancel replay
            </Button>
          ) : (
            <Button variant="ghost" size="sm" onClick={onDismiss}>
              Dismiss
            </Button>
          )}
        </div>
      </div>
      <progress className="h-2 w-full accent-indigo-600" max={batch.total} value={settled} aria-label={`Replay progress, ${percent}%`} />
      <p className="text-xs text-slate-700 tabular-nums">
        {counts.replayed} replayed · {counts.queued} queued · {counts.replaying} replaying · {counts.deadAgain} dead again · {counts.discarded} discarded
        {batch.cancelledCount > 0 ? ` · ${batch.cancelledCount} cancelled` : ""}
      </p>
    </section>
  );
}

/** Whole percent of a count, floored so 100% means every item settled. */
function progressPercent(settled: number, total: number): number {
  if (total === 0) return 100;
  return ((settled * 100) - ((settled * 100) % total)) / total;
}
