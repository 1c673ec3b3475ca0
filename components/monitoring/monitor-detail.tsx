"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { errorMessage, useTRPC } from "../trpc";
import { Badge } from "../ui/badge";
import { CopyId } from "../ui/copy-id";
import { ErrorState, Skeleton } from "../ui/states";
import { UtcTime } from "../ui/time";
import { formatMeasure, stateLabel, stateTone } from "./format";
import { Sparkline } from "./sparkline";

/** Where an id in the evidence leads in the console. */
const linkFor: Record<string, (id: string) => string> = {
  accountId: (id) => `/accounts/${id}`,
  customerId: (id) => `/customers/${id}`,
  transactionId: (id) => `/transactions/${id}`,
};

const hidden = new Set(["summary", "evidenceHref"]);

function Cell({ name, value }: { name: string; value: unknown }) {
  if (value === null || value === undefined) return <span className="text-slate-400">—</span>;
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  const link = linkFor[name];
  if (link) {
    return (
      <Link href={link(text)} className="font-mono text-xs text-indigo-700 hover:underline">
        {text}
      </Link>
    );
  }
  return <span className={/Id$|^id$/.test(name) ? "font-mono text-xs" : undefined}>{text}</span>;
}

/** The records behind the newest reading: every list in its details as a table, ids linked to their pages. */
function Evidence({ details }: { details: Record<string, unknown> }) {
  const entries = Object.entries(details).filter(([name]) => !hidden.has(name));
  const lists = entries.filter((entry): entry is [string, Record<string, unknown>[]] => Array.isArray(entry[1]) && entry[1].every((item) => typeof item === "object" && item !== null));
  const facts = entries.filter(([, value]) => !Array.isArray(value));
  return (
    <div className="flex flex-col gap-3">
      {facts.length > 0 ? (
        <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
          {facts.map(([name, value]) => (
            <div key={name} className="contents">
              <dt className="text-slate-600">{name}</dt>
              <dd>
                <Cell name={name} value={value} />
              </dd>
            </div>
          ))}
        </dl>
      ) : null}
      {lists.map(([name, rows]) => {
        const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
        return (
          <div key={name} className="overflow-x-auto">
            <table className="w-full text-sm">
              <caption className="text-left text-xs font-medium text-slate-700">
                {name} ({rows.length}
                {rows.length >= 20 ? ", first 20" : ""})
              </caption>
              <thead className="text-left text-xs text-slate-600">
                <tr>
                  {columns.map((column) => (
                    <th key={column} scope="col" className="py-1 pr-3 font-medium">
                      {column}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((row, index) => (
                  <tr key={index} className="border-t border-slate-100">
                    {columns.map((column) => (
                      <td key={column} className="py-1 pr-3 tabular-nums">
                        <Cell name={column} value={row[column]} />
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        );
      })}
    </div>
  );
}

export function MonitorDetail({ monitorKey }: { monitorKey: string }) {
  const trpc = useTRPC();
  const history = useQuery(trpc.monitoring.history.queryOptions({ monitor: monitorKey, limit: 200 }));
  if (history.isPending) return <Skeleton />;
  if (history.error) return <ErrorState message={errorMessage(history.error)} onRetry={() => void history.refetch()} />;
  const { readings } = history.data;
  const latest = readings[0];
  const state = latest?.state ?? "unknown";
  return (
    <div className="flex flex-col gap-4">
      <header>
        <h1 className="flex items-center gap-2 text-xl font-semibold">
          {history.data.title} <Badge tone={stateTone[state]}>{stateLabel[state]}</Badge>
        </h1>
        <p className="text-sm text-slate-600">
          {history.data.description} <Link href="/integrity" className="text-indigo-700 underline">Back to the monitors</Link>
        </p>
        <p className="text-xs text-slate-500">
          <CopyId value={history.data.key} />
        </p>
      </header>
      <section aria-labelledby="monitor-now" className="rounded-md border border-slate-200 bg-white p-3">
        <h2 id="monitor-now" className="text-sm font-semibold">
          Newest reading: <span className="tabular-nums">{formatMeasure(latest?.value ?? null, history.data.unit)}</span>
          {latest ? (
            <span className="font-normal text-slate-600">
              {" "}
              at <UtcTime value={latest.checkedAt} showAge />
            </span>
          ) : null}
        </h2>
        {latest ? (
          <>
            <p className="mt-1 text-sm text-slate-700">{typeof latest.details.summary === "string" ? latest.details.summary : null}</p>
            <div className="mt-3">
              <Evidence details={latest.details} />
            </div>
          </>
        ) : (
          <p className="mt-1 text-sm text-slate-600">Not checked yet.</p>
        )}
      </section>
      <section aria-labelledby="monitor-history" className="rounded-md border border-slate-200 bg-white p-3">
        <h2 id="monitor-history" className="text-sm font-semibold">
          History <span className="font-normal text-slate-600">(last {readings.length} readings)</span>
        </h2>
        <div className="mt-2">
          <Sparkline points={[...readings].reverse()} state={state} width={640} height={120} />
        </div>
        <table className="mt-2 w-full text-sm">
          <caption className="sr-only">Readings, newest first</caption>
          <thead className="text-left text-xs text-slate-600">
            <tr>
              <th scope="col" className="py-1 font-medium">Checked</th>
              <th scope="col" className="py-1 text-right font-medium">Value</th>
              <th scope="col" className="py-1 pl-3 font-medium">State</th>
              <th scope="col" className="py-1 text-right font-medium">Threshold version</th>
            </tr>
          </thead>
          <tbody>
            {readings.slice(0, 30).map((reading, index) => (
              <tr key={index} className="border-t border-slate-100">
                <td className="py-1 text-xs"><UtcTime value={reading.checkedAt} /></td>
                <td className="py-1 text-right tabular-nums">{formatMeasure(reading.value, history.data.unit)}</td>
                <td className="py-1 pl-3"><Badge tone={stateTone[reading.state]}>{stateLabel[reading.state]}</Badge></td>
                <td className="py-1 text-right tabular-nums">{reading.thresholdVersion ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
