"use client";

import { useQuery } from "@tanstack/react-query";
import { cn } from "@/lib/cn";
import { errorMessage, useTRPC } from "../trpc";
import { ErrorState, Skeleton } from "../ui/states";

const hourMs = 3_600_000;
const columnsMax = 48;

/** Darker for more; the top step keeps white text readable (axe checks the contrast). */
function shadeOf(count: number, max: number): string {
  if (count === 0) return "bg-slate-50 text-slate-400";
  const ratio = count / max;
  if (ratio > 0.66) return "bg-rose-700 text-white";
  if (ratio > 0.33) return "bg-rose-300 text-rose-950";
  return "bg-rose-100 text-rose-900";
}

/** Dead letters per error class and UTC hour, as a compact grid; a class name filters the list. */
export function DeadLetterHeatmap({ range, onPickErrorClass }: { range: { from?: string | undefined; to?: string | undefined }; onPickErrorClass: (errorClass: string) => void }) {
  const trpc = useTRPC();
  const counts = useQuery(trpc.deadLetters.counts.queryOptions(range.from || range.to ? range : {}));
  if (counts.isPending) return <Skeleton rows={3} />;
  if (counts.error) return <ErrorState message={`Counts: ${errorMessage(counts.error)}`} onRetry={() => void counts.refetch()} />;
  const { from, to, byErrorClass, byHour, total } = counts.data;
  const lastHour = Math.floor((to.getTime() - 1) / hourMs) * hourMs;
  const firstHour = Math.max(Math.floor(from.getTime() / hourMs) * hourMs, lastHour - (columnsMax - 1) * hourMs);
  const hours = Array.from({ length: (lastHour - firstHour) / hourMs + 1 }, (_, index) => firstHour + index * hourMs);
  const cell = new Map(byHour.map((row) => [`${row.errorClass}|${row.hour.getTime()}`, row.count]));
  const max = Math.max(1, ...byHour.map((row) => row.count));

  return (
    <section aria-labelledby="dead-letter-counts" className="rounded-md border border-slate-200 bg-white p-3">
      <h2 id="dead-letter-counts" className="text-sm font-semibold text-slate-800">
        {total.toLocaleString("en-GB")} dead-lettered by error class and hour <span className="font-normal text-slate-600">(UTC, {hours.length} hours to {to.toISOString().slice(0, 16).replace("T", " ")})</span>
      </h2>
      {byErrorClass.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">Nothing was dead-lettered in this range.</p>
      ) : (
        <div className="mt-2 overflow-x-auto">
          <table className="border-separate border-spacing-0.5 text-xs">
            <caption className="sr-only">Dead letters per error class and hour</caption>
            <thead>
              <tr>
                <th scope="col" className="pr-2 text-left font-medium text-slate-600">
                  Error class
                </th>
                <th scope="col" className="pr-2 text-right font-medium text-slate-600">
                  Total
                </th>
                {hours.map((hour) => (
                  <th key={hour} scope="col" className="w-6 text-center font-normal tabular-nums text-slate-600">
                    <span className="sr-only">{new Date(hour).toISOString().slice(0, 13).replace("T", " ")}:00 UTC</span>
                    <span aria-hidden>{new Date(hour).getUTCHours() % 3 === 0 ? String(new Date(hour).getUTCHours()).padStart(2, "0") : ""}</span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {byErrorClass.map((row) => (
                <tr key={row.errorClass}>
                  <th scope="row" className="pr-2 text-left font-normal">
                    <button type="button" className="font-mono text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600" onClick={() => onPickErrorClass(row.errorClass)} aria-label={`Filter by ${row.errorClass}`}>
                      {row.errorClass}
                    </button>
                  </th>
                  <td className="pr-2 text-right tabular-nums text-slate-800">{row.count}</td>
                  {hours.map((hour) => {
                    const count = cell.get(`${row.errorClass}|${hour}`) ?? 0;
                    return (
                      <td key={hour} title={`${row.errorClass}, ${new Date(hour).toISOString().slice(0, 13).replace("T", " ")}:00 UTC: ${count}`} className={cn("h-6 w-6 rounded-sm text-center tabular-nums", shadeOf(count, max))}>
                        {count === 0 ? "" : count}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
