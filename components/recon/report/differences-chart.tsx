"use client";

import { useQuery } from "@tanstack/react-query";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { differenceClasses } from "@/server/recon/report-schemas";
import { errorMessage, useTRPC } from "../../trpc";
import { ErrorState, Skeleton } from "../../ui/states";
import { classColours, classLabels } from "./recon-format";

/** Differences per day, stacked by class; the same figures as a table for screen readers. */
export function DifferencesChart({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const chart = useQuery(trpc.recon.report.chart.queryOptions({ runId }));
  if (chart.isPending) return <Skeleton rows={4} />;
  if (chart.error) return <ErrorState message={`Chart: ${errorMessage(chart.error)}`} onRetry={() => void chart.refetch()} />;
  const present = differenceClasses.filter((klass) => chart.data.days.some((row) => row.class === klass));
  const byDay = new Map<string, Record<string, number | string>>();
  for (const row of chart.data.days) {
    const entry = byDay.get(row.day) ?? { day: row.day };
    entry[row.class] = row.count;
    byDay.set(row.day, entry);
  }
  const data = [...byDay.values()];
  return (
    <section aria-labelledby="differences-by-day" className="rounded-md border border-slate-200 bg-white p-3 print:break-inside-avoid">
      <h2 id="differences-by-day" className="text-sm font-semibold text-slate-800">
        Differences by day and class <span className="font-normal text-slate-600">(the day the item occurred, UTC{chart.data.truncated ? "; the first 400 days" : ""})</span>
      </h2>
      {data.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">No dated differences.</p>
      ) : (
        <>
          <div className="mt-2 h-64 w-full" aria-hidden>
            <ResponsiveContainer width="100%" height="100%">
              <BarChart accessibilityLayer={false} data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
                <XAxis dataKey="day" tick={{ fontSize: 11, fill: "#334155" }} />
                <YAxis allowDecimals={false} tick={{ fontSize: 11, fill: "#334155" }} width={36} />
                <Tooltip />
                <Legend wrapperStyle={{ fontSize: 11 }} />
                {present.map((klass) => (
                  <Bar key={klass} dataKey={klass} name={classLabels[klass]} stackId="classes" fill={classColours[klass]} isAnimationActive={false} />
                ))}
              </BarChart>
            </ResponsiveContainer>
          </div>
          <table className="sr-only">
            <caption>Differences per day and class</caption>
            <thead>
              <tr>
                <th scope="col">Day</th>
                {present.map((klass) => (
                  <th key={klass} scope="col">{classLabels[klass]}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.map((row) => (
                <tr key={String(row.day)}>
                  <th scope="row">{String(row.day)}</th>
                  {present.map((klass) => (
                    <td key={klass}>{row[klass] ?? 0}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
