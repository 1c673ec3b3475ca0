"use client";

import type { ReportSummary } from "@/server/recon/report-schemas";
import { classLabels, MoneyText, sharePercent } from "./recon-format";

/** Matched share and, per class and currency, how many differences and how much is at stake. */
export function ReportSummaryView({ summary }: { summary: ReportSummary }) {
  return (
    <section aria-labelledby="report-summary" className="flex flex-col gap-3">
      <h2 id="report-summary" className="text-sm font-semibold text-slate-800">
        Summary
      </h2>
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
        <Card label="Matched share" value={sharePercent(summary.matchedShare)} />
        <Card label="Statement lines" value={summary.lines === null ? "—" : summary.lines.toLocaleString("en-GB")} />
        <Card label="Matched lines" value={summary.matchedLines.toLocaleString("en-GB")} />
        <Card label="Differences" value={summary.differences.toLocaleString("en-GB")} />
      </div>
      {summary.byClass.length === 0 ? (
        <p className="text-sm text-slate-600">The run found no differences.</p>
      ) : (
        <div className="overflow-x-auto rounded-md border border-slate-200 bg-white">
          <table className="w-full border-collapse text-sm">
            <caption className="sr-only">Differences per class and currency</caption>
            <thead className="bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="border-b border-slate-200 px-3 py-2">Class</th>
                <th scope="col" className="border-b border-slate-200 px-3 py-2">Currency</th>
                <th scope="col" className="border-b border-slate-200 px-3 py-2 text-right">Count</th>
                <th scope="col" className="border-b border-slate-200 px-3 py-2 text-right">Amount</th>
              </tr>
            </thead>
            <tbody>
              {summary.byClass.map((row) => (
                <tr key={`${row.class}-${row.currency ?? "none"}`} className="border-b border-slate-100 last:border-0">
                  <th scope="row" className="px-3 py-1.5 text-left font-normal">{classLabels[row.class]}</th>
                  <td className="px-3 py-1.5">{row.currency ?? <span className="text-slate-500">—</span>}</td>
                  <td className="px-3 py-1.5 text-right tabular-nums">{row.count.toLocaleString("en-GB")}</td>
                  <td className="px-3 py-1.5 text-right">{row.currency ? <MoneyText amount={row.amount} currency={row.currency} /> : <span className="text-slate-500">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Card({ label, value }: { label: string; value: string }) {
  return (
    <div className="rounded-md border border-slate-200 bg-white px-4 py-3">
      <p className="text-xs font-medium text-slate-600">{label}</p>
      <p className="mt-1 text-xl font-semibold tabular-nums text-slate-900" aria-label={`${label}: ${value}`}>
        {value}
      </p>
    </div>
  );
}
