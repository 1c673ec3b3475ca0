"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { parseAsStringLiteral, useQueryStates } from "nuqs";
import { errorMessage, useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { SelectField } from "../ui/field";
import { EmptyState, ErrorState, Skeleton } from "../ui/states";
import { UtcTime } from "../ui/time";
import { useLocalCursorTrail } from "../ui/use-cursor-trail";
import { AlertStatusBadge, SeverityBadge } from "./alert-badges";

const statuses = ["unresolved", "open", "acknowledged", "resolved"] as const;
const severities = ["warning", "critical"] as const;

/** Every alert ever opened, newest first, filtered in the URL. */
export function AlertHistory() {
  const trpc = useTRPC();
  const [filters, setFilters] = useQueryStates({ status: parseAsStringLiteral(statuses), severity: parseAsStringLiteral(severities) });
  const pages = useLocalCursorTrail<{ firstSeenAt: Date; id: string }>();
  const before = pages.cursor ?? undefined;
  const alerts = useQuery(trpc.monitoring.alerts.queryOptions({ status: filters.status ?? undefined, severity: filters.severity ?? undefined, before, limit: 50 }));
  return (
    <div className="flex flex-col gap-4">
      <header>
        <h1 className="text-xl font-semibold">Alert history</h1>
        <p className="text-sm text-slate-600">
          Every integrity alert with its status. <Link href="/integrity" className="text-indigo-700 underline">Back to the monitors</Link>
        </p>
      </header>
      <form aria-label="Alert filters" className="flex flex-wrap items-end gap-2" onSubmit={(event) => event.preventDefault()}>
        <SelectField label="Status" value={filters.status ?? ""} onChange={(event) => { pages.reset(); void setFilters({ status: (event.target.value || null) as (typeof statuses)[number] | null }); }}>
          <option value="">Any status</option>
          {statuses.map((status) => (
            <option key={status} value={status}>
              {status}
            </option>
          ))}
        </SelectField>
        <SelectField label="Severity" value={filters.severity ?? ""} onChange={(event) => { pages.reset(); void setFilters({ severity: (event.target.value || null) as (typeof severities)[number] | null }); }}>
          <option value="">Any severity</option>
          {severities.map((severity) => (
            <option key={severity} value={severity}>
              {severity}
            </option>
          ))}
        </SelectField>
      </form>
      {alerts.isPending ? (
        <Skeleton />
      ) : alerts.error ? (
        <ErrorState message={errorMessage(alerts.error)} onRetry={() => void alerts.refetch()} />
      ) : alerts.data.items.length === 0 ? (
        <EmptyState title="No alerts match">Try another status or severity.</EmptyState>
      ) : (
        <>
          <table className="w-full rounded-md border border-slate-200 bg-white text-sm">
            <caption className="sr-only">Alerts, newest first</caption>
            <thead className="text-left text-xs text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-1.5 font-medium">Severity</th>
                <th scope="col" className="px-3 py-1.5 font-medium">Monitor</th>
                <th scope="col" className="px-3 py-1.5 font-medium">Summary</th>
                <th scope="col" className="px-3 py-1.5 font-medium">First seen</th>
                <th scope="col" className="px-3 py-1.5 font-medium">Last seen</th>
                <th scope="col" className="px-3 py-1.5 font-medium">Status</th>
              </tr>
            </thead>
            <tbody>
              {alerts.data.items.map((alert) => (
                <tr key={alert.id} className="border-t border-slate-100 align-top">
                  <td className="px-3 py-1.5"><SeverityBadge severity={alert.severity} /></td>
                  <td className="px-3 py-1.5">
                    <Link href={`/integrity/alerts/${alert.id}`} className="text-indigo-700 hover:underline">{alert.monitorTitle}</Link>
                  </td>
                  <td className="px-3 py-1.5 text-slate-700">{alert.summary}</td>
                  <td className="px-3 py-1.5 text-xs"><UtcTime value={alert.firstSeenAt} /></td>
                  <td className="px-3 py-1.5 text-xs"><UtcTime value={alert.lastSeenAt} /></td>
                  <td className="px-3 py-1.5"><AlertStatusBadge status={alert.status} cleared={alert.clearedAt !== null} /></td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="flex justify-end gap-2">
            <Button variant="secondary" size="sm" disabled={!pages.canGoBack} onClick={pages.back}>Newer</Button>
            <Button variant="secondary" size="sm" disabled={!alerts.data.next} onClick={() => alerts.data.next && pages.forward(alerts.data.next)}>Older</Button>
          </div>
        </>
      )}
    </div>
  );
}
