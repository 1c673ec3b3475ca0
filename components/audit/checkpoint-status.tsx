"use client";

import { useQuery } from "@tanstack/react-query";
import { errorMessage, useTRPC } from "../trpc";
import { Badge } from "../ui/badge";
import { UtcTime } from "../ui/time";

/** The latest signed checkpoint of the chain head and the latest full verification. */
export function CheckpointStatus() {
  const trpc = useTRPC();
  const status = useQuery(trpc.audit.checkpointStatus.queryOptions(undefined, { refetchInterval: 60_000 }));
  if (status.isPending) return <div className="h-12 animate-pulse rounded-md bg-slate-100" aria-label="Loading checkpoint status" />;
  if (status.error) {
    return (
      <p role="alert" className="text-sm text-rose-800">
        Checkpoint status unavailable: {errorMessage(status.error)}{" "}
        <button type="button" className="underline" onClick={() => void status.refetch()}>
          Retry
        </button>
      </p>
    );
  }
  const { checkpoint, verification } = status.data;
  return (
    <section aria-label="Chain checkpoints" className="grid gap-2 rounded-md border border-slate-200 bg-white p-3 text-sm md:grid-cols-2">
      <div>
        <h2 className="text-xs font-semibold uppercase tracking-wide text-slate-600">Latest signed checkpoint</h2>
        {checkpoint ? (
          <p className="mt-1 flex flex-wrap items-center gap-x-2">
            <span>
              seq <span className="font-mono tabular-nums">{checkpoint.seq}</span>
            </span>
            <UtcTime value={checkpoint.signedAt} showAge />
            <span className="text-slate-600">
              key <code className="font-mono text-xs">{checkpoint.keyId}</code>
            </span>
            <span className="text-slate-600">{checkpoint.exportedTo ? `exported to ${checkpoint.exportedTo}` : "kept in the database only"}</span>
          </p>
        ) : (
          <p className="mt-1 text-slate-600">No checkpoint yet: the worker signs one every few minutes once AUDIT_SIGNING_KEY is set.</p>
        )}
      </div>
      <div>
        <h2 className="text-xs font-semibold uppercase tracking-wide text-slate-600">Last full verification</h2>
        {verification ? (
          <p className="mt-1 flex flex-wrap items-center gap-x-2">
            {verification.ok ? <Badge tone="success">Intact</Badge> : <Badge tone="danger">Broken at seq {verification.firstBrokenSeq}</Badge>}
            <span className="tabular-nums">{verification.records.toLocaleString("en-US")} records</span>
            <span className="text-slate-600">{verification.checkpointsChecked.toLocaleString("en-US")} checkpoints matched</span>
            <UtcTime value={verification.finishedAt} showAge />
            <span className="text-slate-600">({verification.trigger})</span>
            {verification.reason ? <span className="w-full text-rose-800">{verification.reason}</span> : null}
          </p>
        ) : (
          <p className="mt-1 text-slate-600">Not verified yet: the worker verifies the whole chain every hour.</p>
        )}
      </div>
    </section>
  );
}
