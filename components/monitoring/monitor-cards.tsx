"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { cn } from "@/lib/cn";
import { errorMessage, useTRPC } from "../trpc";
import { Badge } from "../ui/badge";
import { ErrorState, Skeleton } from "../ui/states";
import { UtcTime } from "../ui/time";
import { formatMeasure, groupLabels, stateLabel, stateTone, thresholdText, type MonitorState } from "./format";
import { Sparkline } from "./sparkline";

const border: Record<MonitorState, string> = { ok: "border-slate-200", warning: "border-amber-400", critical: "border-rose-500", unknown: "border-slate-200" };

/** The monitors as cards, grouped by what they watch; each links to its history and evidence. */
export function MonitorCards() {
  const trpc = useTRPC();
  const overview = useQuery(trpc.monitoring.overview.queryOptions(undefined, { refetchInterval: 30_000 }));
  if (overview.isPending) return <Skeleton rows={6} />;
  if (overview.error) return <ErrorState message={`Monitors: ${errorMessage(overview.error)}`} onRetry={() => void overview.refetch()} />;
  const groups = [...new Set(overview.data.map((monitor) => monitor.group))];
  return (
    <div className="flex flex-col gap-4">
      {groups.map((group) => (
        <section key={group} aria-labelledby={`group-${group}`}>
          <h2 id={`group-${group}`} className="mb-2 text-sm font-semibold text-slate-800">
            {groupLabels[group] ?? group}
          </h2>
          <ul className="grid grid-cols-1 gap-2 sm:grid-cols-2 xl:grid-cols-3">
            {overview.data
              .filter((monitor) => monitor.group === group)
              .map((monitor) => {
                const state: MonitorState = monitor.latest?.state ?? "unknown";
                const summary = typeof monitor.latest?.details.summary === "string" ? monitor.latest.details.summary : "Not checked yet.";
                const evidence = typeof monitor.latest?.details.evidenceHref === "string" ? monitor.latest.details.evidenceHref : null;
                return (
                  <li key={monitor.key} aria-label={`${monitor.title}: ${stateLabel[state]}`} className={cn("flex flex-col gap-1 rounded-md border bg-white p-3", border[state])}>
                    <div className="flex items-start justify-between gap-2">
                      <Link href={`/integrity/monitors/${monitor.key}`} className="text-sm font-medium text-slate-900 hover:underline">
                        {monitor.title}
                      </Link>
                      <Badge tone={stateTone[state]}>{stateLabel[state]}</Badge>
                    </div>
                    <div className="flex items-end justify-between gap-2">
                      <span className="text-2xl font-semibold tabular-nums text-slate-900">{formatMeasure(monitor.latest?.value ?? null, monitor.unit)}</span>
                      <Sparkline points={monitor.history} state={state} />
                    </div>
                    <p className="text-xs text-slate-700">{summary}</p>
                    <p className="text-xs text-slate-500">
                      {thresholdText(monitor.threshold, monitor.unit)} (v{monitor.threshold.version})
                      {monitor.latest ? (
                        <>
                          {" · checked "}
                          <UtcTime value={monitor.latest.checkedAt} />
                        </>
                      ) : null}
                    </p>
                    {evidence ? (
                      <Link href={evidence} className="text-xs text-indigo-700 hover:underline" aria-label={`Evidence behind ${monitor.title}`}>
                        See the list behind this number
                      </Link>
                    ) : null}
                  </li>
                );
              })}
          </ul>
        </section>
      ))}
    </div>
  );
}
