"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { usePermissions } from "../shell/use-permissions";
import { errorMessage, useTRPC } from "../trpc";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { CopyId } from "../ui/copy-id";
import { DescriptionList } from "../ui/description-list";
import { ErrorState, Skeleton } from "../ui/states";
import { UtcTime } from "../ui/time";
import { DeadLetterStatusBadge, needsReplayReason } from "./dead-letter-badges";
import { DiscardDialog } from "./discard-dialog";
import { EditPayloadDialog, PendingEdit } from "./edit-payload";

const outcomeText = { requeued: "Replay queued", already_in_progress: "Replay already in progress", already_replayed: "Already replayed" } as const;
const inFlight = new Set(["queued", "replaying"]);

export function DeadLetterDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { has } = usePermissions();
  const canReplay = has("deadletter.replay");
  // Polls while a replay is on its way, so the page shows when the worker delivers it.
  const detail = useQuery(trpc.deadLetters.get.queryOptions({ id }, { refetchInterval: (query) => (inFlight.has(query.state.data?.status ?? "") ? 1_000 : false) }));
  const [dialog, setDialog] = useState<"discard" | "edit" | null>(null);
  const replay = useMutation(
    trpc.deadLetters.replay.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.deadLetters.pathKey() });
      },
    }),
  );

  if (detail.isPending) return <Skeleton rows={12} />;
  if (detail.error) return <ErrorState message={errorMessage(detail.error)} onRetry={() => void detail.refetch()} />;
  const row = detail.data;
  const pending = row.edits.filter((edit) => edit.status === "pending");
  const past = row.edits.filter((edit) => edit.status !== "pending");
  const dead = row.status === "dead";
  const replayBlocked = !canReplay ? needsReplayReason : !dead ? `Nothing to replay: it is ${row.status}.` : pending.length > 0 ? "An edit awaits approval; it replays when approved." : null;
  const auditLinks = has("audit.read");

  return (
    <div className="flex flex-col gap-5">
      <Link href="/dead-letters" className="text-sm text-indigo-700 hover:underline">
        ← Dead letters
      </Link>
      <header className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="flex items-center gap-2 text-xl font-semibold">
            Dead letter {row.eventType} <DeadLetterStatusBadge status={row.status} />
          </h1>
          <p className="text-sm text-slate-600">
            {row.handler} gave up on {row.provider ?? row.source} event <span className="font-mono">{row.eventId}</span> after {row.attempts.length} {row.attempts.length === 1 ? "attempt" : "attempts"}.
          </p>
        </div>
        <div className="flex flex-col items-end gap-1">
          <div className="flex gap-2">
            <Button disabled={replayBlocked !== null || replay.isPending} onClick={() => replay.mutate({ id })}>
              Replay event
            </Button>
            <Button variant="secondary" disabled={!canReplay || row.status === "discarded" || row.status === "replayed"} onClick={() => setDialog("edit")}>
              Edit payload
            </Button>
            <Button variant="danger" disabled={!canReplay || !dead} onClick={() => setDialog("discard")}>
              Discard
            </Button>
          </div>
          {replayBlocked ? <span className="text-xs font-medium text-slate-700">{replayBlocked}</span> : null}
          <ReplayResult outcome={replay.data?.outcome} status={row.status} error={replay.error ? errorMessage(replay.error) : null} />
        </div>
      </header>

      {pending.map((edit) => (
        <PendingEdit key={edit.id} edit={edit} canReplay={canReplay} />
      ))}

      <DescriptionList
        items={[
          ["Source", <Badge key="source" tone={row.source === "inbox" ? "info" : "neutral"}>{row.source}</Badge>],
          ["Handler", <span key="handler" className="font-mono text-xs">{row.handler}</span>],
          ["Provider", row.provider],
          ["Event id", <CopyId key="event" value={row.eventId} />],
          ["Error class", <span key="error" className="font-mono text-xs text-rose-800">{row.errorClass}</span>],
          ["Last error", row.lastError],
          ["First dead", <UtcTime key="first" value={row.firstDeadAt} showAge />],
          ["Dead-lettered", <UtcTime key="dead" value={row.deadLetteredAt} showAge />],
          ["Times dead", row.timesDead],
          ["Resolved", row.resolvedAt ? <UtcTime key="resolved" value={row.resolvedAt} /> : null],
          ["Discarded", row.discardedAt ? <span key="discarded"><UtcTime value={row.discardedAt} /> — {row.discardReason}</span> : null],
        ]}
      />

      <section aria-labelledby="links-heading" className="flex flex-col gap-2">
        <h2 id="links-heading" className="text-sm font-semibold">Links</h2>
        <DescriptionList
          items={[
            ["Inbox row", row.links.inboxId ? <CopyId key="inbox" value={row.links.inboxId} /> : null],
            ["Outbox event", row.links.outboxEventId ? <CopyId key="outbox" value={row.links.outboxEventId} /> : null],
            [
              "Ledger transaction",
              row.links.ledgerTransactionId ? (
                <span key="tx" className="inline-flex items-center gap-1">
                  <Link href={`/transactions/${row.links.ledgerTransactionId}`} className="font-mono text-xs text-indigo-700 hover:underline">{row.links.ledgerTransactionId}</Link>
                  <CopyId value={row.links.ledgerTransactionId} iconOnly />
                </span>
              ) : null,
            ],
            ["Correlation id", row.links.correlationId ? <CopyId key="corr" value={row.links.correlationId} /> : null],
            [
              "Audit records",
              row.links.auditSeqs.length === 0 ? null : (
                <span key="audit" className="flex flex-wrap gap-2 font-mono text-xs">
                  {row.links.auditSeqs.map((seq) =>
                    auditLinks ? (
                      <Link key={seq} href={`/audit/${seq}`} className="text-indigo-700 hover:underline" aria-label={`Audit record ${seq}`}>#{seq}</Link>
                    ) : (
                      <span key={seq}>#{seq}</span>
                    ),
                  )}
                </span>
              ),
            ],
          ]}
        />
      </section>

      <AttemptsTable attempts={row.attempts} />

      <section aria-labelledby="payload-heading" className="flex flex-col gap-2">
        <h2 id="payload-heading" className="text-sm font-semibold">Payload <span className="font-normal text-slate-600">(personal data masked)</span></h2>
        <pre className="max-h-96 overflow-auto rounded-md border border-slate-200 bg-slate-50 p-3 font-mono text-xs text-slate-800">{JSON.stringify(row.payload, null, 2)}</pre>
        {row.editedPayload ? (
          <>
            <h3 className="text-sm font-semibold">Approved edited payload, used by replays</h3>
            <pre className="max-h-96 overflow-auto rounded-md border border-slate-200 bg-slate-50 p-3 font-mono text-xs text-slate-800">{JSON.stringify(row.editedPayload, null, 2)}</pre>
          </>
        ) : null}
      </section>

      {past.length > 0 ? (
        <section aria-labelledby="edits-heading" className="flex flex-col gap-1 text-sm">
          <h2 id="edits-heading" className="font-semibold">Decided edits</h2>
          <ul className="list-inside list-disc text-slate-700">
            {past.map((edit) => (
              <li key={edit.id}>
                {edit.status} — {edit.diff.map((change) => change.path).join(", ")} by {edit.editorName}
                {edit.deciderName ? `, decided by ${edit.deciderName}` : ""}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {dialog === "discard" ? <DiscardDialog open onClose={() => setDialog(null)} id={row.id} eventLabel={`event ${row.eventId}`} /> : null}
      {dialog === "edit" ? <EditPayloadDialog open onClose={() => setDialog(null)} id={row.id} editablePaths={row.editablePaths} payload={row.editedPayload ?? row.payload} /> : null}
    </div>
  );
}

function ReplayResult({ outcome, status, error }: { outcome: keyof typeof outcomeText | undefined; status: string; error: string | null }) {
  if (error) return <p role="alert" className="text-sm text-rose-700">{error}</p>;
  if (!outcome) return null;
  const settled = status === "replayed" ? "Delivered" : status === "dead" ? "Failed again: back to dead" : "Waiting for the worker…";
  return (
    <p role="status" className="text-sm text-slate-800">
      {outcomeText[outcome]}. <strong>{settled}</strong>
    </p>
  );
}

type Attempt = { id: number; run: number; attempt: number; outcome: "failed" | "succeeded" | "lost"; errorClass: string | null; errorMessage: string | null; startedAt: Date; finishedAt: Date; workerId: string };
const attemptTones = { failed: "danger", succeeded: "success", lost: "warning" } as const;

function AttemptsTable({ attempts }: { attempts: Attempt[] }) {
  return (
    <section aria-labelledby="attempts-heading" className="flex flex-col gap-2">
      <h2 id="attempts-heading" className="text-sm font-semibold">Attempts</h2>
      <div className="overflow-x-auto rounded-md border border-slate-200 bg-white">
        <table className="w-full text-sm">
          <caption className="sr-only">Attempts, oldest first</caption>
          <thead className="bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-600">
            <tr>
              {["Run", "Attempt", "Started (UTC)", "Took", "Outcome", "Error class", "Message", "Worker"].map((label) => (
                <th key={label} scope="col" className="border-b border-slate-200 px-3 py-2">{label}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {attempts.map((attempt) => (
              <tr key={attempt.id} className="border-b border-slate-100 last:border-0">
                <td className="px-3 py-1.5 tabular-nums">{attempt.run}</td>
                <td className="px-3 py-1.5 tabular-nums">{attempt.attempt}</td>
                <td className="px-3 py-1.5"><UtcTime value={attempt.startedAt} /></td>
                <td className="px-3 py-1.5 tabular-nums">{attempt.finishedAt.getTime() - attempt.startedAt.getTime()} ms</td>
                <td className="px-3 py-1.5"><Badge tone={attemptTones[attempt.outcome]}>{attempt.outcome}</Badge></td>
                <td className="px-3 py-1.5 font-mono text-xs">{attempt.errorClass ?? "—"}</td>
                <td className="px-3 py-1.5 text-xs text-slate-700">{attempt.errorMessage ?? "—"}</td>
                <td className="px-3 py-1.5 font-mono text-xs text-slate-600">{attempt.workerId}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
