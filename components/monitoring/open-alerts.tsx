"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { relativeAge } from "@/lib/time";
import { usePermissions } from "../shell/use-permissions";
import { errorMessage, useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { ErrorState, Skeleton } from "../ui/states";
import { UtcTime } from "../ui/time";
import { AlertActionDialog } from "./alert-action-dialog";
import { AlertStatusBadge, SeverityBadge } from "./alert-badges";

type Action = { kind: "acknowledge" | "resolve"; alert: { id: string; monitorTitle: string } };

/** Unresolved alerts, newest first: what needs a person now. */
export function OpenAlerts() {
  const trpc = useTRPC();
  const { has } = usePermissions();
  const canManage = has("alert.manage");
  const alerts = useQuery(trpc.monitoring.alerts.queryOptions({ status: "unresolved", limit: 50 }, { refetchInterval: 30_000 }));
  const [action, setAction] = useState<Action | null>(null);
  if (alerts.isPending) return <Skeleton rows={2} />;
  if (alerts.error) return <ErrorState message={`Alerts: ${errorMessage(alerts.error)}`} onRetry={() => void alerts.refetch()} />;
  // Critical first, then the newest: what needs a person most comes first.
  const rows = [...alerts.data.items].sort((a, b) => (a.severity === b.severity ? b.firstSeenAt.getTime() - a.firstSeenAt.getTime() : a.severity === "critical" ? -1 : 1));
  return (
    <section aria-labelledby="open-alerts" className="rounded-md border border-slate-200 bg-white">
      <div className="flex items-center justify-between border-b border-slate-200 px-3 py-2">
        <h2 id="open-alerts" className="text-sm font-semibold text-slate-800">
          Open alerts <span className="font-normal text-slate-600">({rows.length})</span>
        </h2>
        <Link href="/integrity/alerts" className="text-xs text-indigo-700 hover:underline">
          Alert history
        </Link>
      </div>
      {rows.length === 0 ? (
        <p className="px-3 py-4 text-sm text-slate-600">No open alerts: every monitor is within its thresholds or has been resolved.</p>
      ) : (
        <div className="overflow-x-auto">
        <table className="w-full text-sm">
          <caption className="sr-only">Open alerts, critical first</caption>
          <thead className="text-left text-xs text-slate-600">
            <tr>
              <th scope="col" className="px-3 py-1.5 font-medium">Severity</th>
              <th scope="col" className="w-full px-3 py-1.5 font-medium">Monitor</th>
              <th scope="col" className="px-3 py-1.5 font-medium">First seen</th>
              <th scope="col" className="px-3 py-1.5 font-medium">Last seen</th>
              <th scope="col" className="px-3 py-1.5 font-medium">Status</th>
              <th scope="col" className="px-3 py-1.5 font-medium">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((alert) => (
              <tr key={alert.id} className="border-t border-slate-100 align-top">
                <td className="px-3 py-2">
                  <SeverityBadge severity={alert.severity} />
                </td>
                <td className="px-3 py-2">
                  <Link href={`/integrity/alerts/${alert.id}`} className="font-medium text-indigo-700 hover:underline">
                    {alert.monitorTitle}
                  </Link>
                  <p className="text-slate-700">
                    {alert.summary}
                    {alert.evidenceHref ? (
                      <>
                        {" "}
                        <Link href={alert.evidenceHref} className="whitespace-nowrap text-indigo-700 underline" aria-label={`Evidence for ${alert.monitorTitle}`}>
                          Evidence
                        </Link>
                      </>
                    ) : null}
                  </p>
                </td>
                <td className="px-3 py-2 text-xs whitespace-nowrap">
                  <UtcTime value={alert.firstSeenAt} />
                </td>
                <td className="px-3 py-2 text-xs whitespace-nowrap">
                  <time dateTime={alert.lastSeenAt.toISOString()} title={alert.lastSeenAt.toISOString()}>
                    {relativeAge(alert.lastSeenAt)}
                  </time>
                </td>
                <td className="px-3 py-2">
                  <AlertStatusBadge status={alert.status} cleared={alert.clearedAt !== null} />
                </td>
                <td className="px-3 py-2">
                  {canManage ? (
                    <div className="flex justify-end gap-1 whitespace-nowrap">
                      {alert.status === "open" ? (
                        <Button size="sm" variant="secondary" onClick={() => setAction({ kind: "acknowledge", alert })} aria-label={`Acknowledge ${alert.monitorTitle}`}>
                          Acknowledge
                        </Button>
                      ) : null}
                      <Button size="sm" variant="secondary" onClick={() => setAction({ kind: "resolve", alert })} aria-label={`Resolve ${alert.monitorTitle}`}>
                        Resolve
                      </Button>
                    </div>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      )}
      {action ? <AlertActionDialog action={action.kind} alert={action.alert} onClose={() => setAction(null)} /> : null}
    </section>
  );
}
