"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { errorMessage, useTRPC } from "../trpc";
import { CopyId } from "../ui/copy-id";
import { ErrorState, Skeleton } from "../ui/states";
import { UtcTime } from "../ui/time";
import { DownloadProof } from "./download-proof";
import { OutcomeBadge } from "./outcome-badge";

export function AuditRecord({ seq }: { seq: number }) {
  const trpc = useTRPC();
  const record = useQuery(trpc.audit.get.queryOptions({ seq }));
  if (record.isPending) return <Skeleton rows={10} />;
  if (record.error) return <ErrorState message={errorMessage(record.error)} onRetry={() => void record.refetch()} />;
  const event = record.data;
  const rows: [string, React.ReactNode][] = [
    ["Sequence", <span key="seq" className="font-mono">{event.seq}</span>],
    ["Time", <UtcTime key="time" value={event.occurredAt} showAge />],
    ["Actor", <span key="actor">{event.actorName ?? event.actorType} <CopyId value={event.actorId} /></span>],
    ["Action", <code key="action" className="font-mono">{event.action}</code>],
    ["Target", event.targetType ? <span key="target">{event.targetType} {event.targetId ? <CopyId value={event.targetId} /> : null}</span> : "—"],
    ["Outcome", <OutcomeBadge key="outcome" outcome={event.outcome} />],
    ["Correlation id", event.correlationId ? <CopyId key="corr" value={event.correlationId} /> : "—"],
    ["Address", event.ip ?? "—"],
    ["User agent", <span key="ua" className="break-all text-xs">{event.userAgent ?? "—"}</span>],
    ["Previous hash", <CopyId key="prev" value={event.prevHash} />],
    ["Hash", <CopyId key="hash" value={event.hash} />],
  ];
  return (
    <div className="flex max-w-4xl flex-col gap-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <Link href="/audit" className="text-sm text-indigo-700 hover:underline">
            ← Audit trail
          </Link>
          <h1 className="mt-1 text-xl font-semibold">Audit record {event.seq}</h1>
        </div>
        <DownloadProof seq={event.seq} />
      </div>
      <dl className="grid grid-cols-[12rem_1fr] gap-x-4 gap-y-2 rounded-md border border-slate-200 bg-white p-4 text-sm">
        {rows.map(([label, value]) => (
          <div key={label} className="contents">
            <dt className="text-slate-600">{label}</dt>
            <dd className="min-w-0">{value}</dd>
          </div>
        ))}
      </dl>
      <section aria-labelledby="details-heading">
        <h2 id="details-heading" className="text-sm font-semibold">
          Details (personal data redacted at write time)
        </h2>
        <pre className="mt-2 overflow-x-auto rounded-md border border-slate-200 bg-slate-900 p-4 font-mono text-xs text-slate-100">{JSON.stringify(event.details, null, 2)}</pre>
      </section>
    </div>
  );
}
