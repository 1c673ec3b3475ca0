"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { usePermissions } from "../shell/use-permissions";
import { errorMessage, useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { ErrorState, Skeleton } from "../ui/states";
import { UtcTime } from "../ui/time";
import { AlertActionDialog } from "./alert-action-dialog";
import { AlertStatusBadge, SeverityBadge } from "./alert-badges";

const eventLabels: Record<string, string> = { opened: "Opened", escalated: "Escalated", recurred: "Failing again", cleared: "Back to OK", acknowledged: "Acknowledged", resolved: "Resolved" };

export function AlertDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const { has } = usePermissions();
  const alert = useQuery(trpc.monitoring.alert.queryOptions({ id }));
  const [action, setAction] = useState<"acknowledge" | "resolve" | null>(null);
  if (alert.isPending) return <Skeleton />;
  if (alert.error) return <ErrorState message={errorMessage(alert.error)} onRetry={() => void alert.refetch()} />;
  const data = alert.data;
  return (
    <div className="flex flex-col gap-4">
      <header className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <h1 className="flex items-center gap-2 text-xl font-semibold">
            Alert: {data.monitorTitle} <SeverityBadge severity={data.severity} /> <AlertStatusBadge status={data.status} cleared={data.clearedAt !== null} />
          </h1>
          <p className="text-sm text-slate-700">{data.summary}</p>
          <p className="text-xs text-slate-600">
            First seen <UtcTime value={data.firstSeenAt} showAge />, last seen <UtcTime value={data.lastSeenAt} showAge />.{" "}
            <Link href={`/integrity/monitors/${data.monitor}`} className="text-indigo-700 underline">Monitor history</Link>
            {data.evidenceHref ? (
              <>
                {" · "}
                <Link href={data.evidenceHref} className="text-indigo-700 underline">Evidence</Link>
              </>
            ) : null}
          </p>
        </div>
        {has("alert.manage") && data.status !== "resolved" ? (
          <div className="flex gap-2">
            {data.status === "open" ? <Button variant="secondary" onClick={() => setAction("acknowledge")}>Acknowledge</Button> : null}
            <Button variant="secondary" onClick={() => setAction("resolve")}>Resolve</Button>
          </div>
        ) : null}
      </header>
      <section aria-labelledby="alert-events" className="rounded-md border border-slate-200 bg-white p-3">
        <h2 id="alert-events" className="text-sm font-semibold">History</h2>
        <ol className="mt-2 flex flex-col gap-2 text-sm">
          {data.events.map((entry) => (
            <li key={entry.id} className="border-l-2 border-slate-200 pl-3">
              <span className="font-medium">{eventLabels[entry.kind] ?? entry.kind}</span>
              {entry.severity ? <span className="text-slate-600"> · {entry.severity}</span> : null}
              <span className="text-slate-600"> · {entry.actorName ?? entry.actor} · </span>
              <UtcTime value={entry.at} />
              {entry.comment ? <p className="text-slate-700">{entry.comment}</p> : null}
            </li>
          ))}
        </ol>
      </section>
      <AlertActionDialog action={action} alert={{ id: data.id, monitorTitle: data.monitorTitle }} onClose={() => setAction(null)} />
    </div>
  );
}
