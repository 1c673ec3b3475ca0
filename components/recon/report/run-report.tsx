"use client";

import { useQuery } from "@tanstack/react-query";
import { Download, Printer } from "lucide-react";
import Link from "next/link";
import { errorMessage, fieldErrorsOf, useTRPC } from "../../trpc";
import { Pager } from "../../ui/pager";
import { useCursorTrail } from "../../ui/use-cursor-trail";
import { EmptyState, ErrorState, Skeleton } from "../../ui/states";
import { Button } from "../../ui/button";
import { DifferenceFilters } from "./difference-filters";
import { DifferencesChart } from "./differences-chart";
import { DifferencesTable } from "./differences-table";
import { ReportSummaryView } from "./report-summary";
import { exportHref, filterOf, isFiltered, listInputOf, useReportState, type ReportState } from "./report-state";
import { RunHeaderView } from "./run-header";

type Cursor = NonNullable<ReportState["cursor"]>;

const linkButton = "inline-flex h-9 items-center gap-1.5 rounded-md border border-slate-300 bg-white px-3.5 text-sm font-medium text-slate-800 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600";

/** The run report: header, summary, chart, and the drill-down whose filters the export shares. */
export function RunReport({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const [state, setState] = useReportState();
  const run = useQuery(trpc.recon.report.run.queryOptions({ runId }));
  const summary = useQuery(trpc.recon.report.summary.queryOptions({ runId }));
  const facets = useQuery(trpc.recon.report.facets.queryOptions({ runId }));
  const list = useQuery(trpc.recon.report.differences.queryOptions(listInputOf(runId, state)));
  const { cursor, ...filters } = state;
  const pages = useCursorTrail<Cursor>(cursor, (to) => void setState({ cursor: to }));
  const rows = list.data?.items ?? [];
  const apply = (values: Partial<ReportState>) => {
    pages.reset();
    void setState({ ...values, cursor: null });
  };

  if (run.error) return <ErrorState message={errorMessage(run.error)} onRetry={() => void run.refetch()} />;

  return (
    <div className="flex flex-col gap-5 print:gap-3">
      <header className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">Reconciliation report</h1>
          <p className="text-sm text-slate-600">A completed run compares provider statements with the ledger. Amounts are per currency; days are UTC.</p>
        </div>
        <div role="toolbar" aria-label="Report actions" className="flex flex-wrap gap-2 print:hidden">
          <Link href={`/reconciliation/exceptions?runId=${runId}`} className={linkButton}>
            Open exceptions
          </Link>
          <a href={exportHref(filterOf(runId, state))} className={linkButton} download>
            <Download className="size-4" aria-hidden /> Export CSV
          </a>
          <Button variant="secondary" onClick={() => window.print()}>
            <Printer className="size-4" aria-hidden /> Print
          </Button>
        </div>
      </header>

      {run.isPending ? <Skeleton rows={4} /> : <RunHeaderView run={run.data} />}

      {summary.isPending ? <Skeleton rows={3} /> : null}
      {summary.error ? <ErrorState message={`Summary: ${errorMessage(summary.error)}`} onRetry={() => void summary.refetch()} /> : null}
      {summary.data ? <ReportSummaryView summary={summary.data} /> : null}

      <DifferencesChart runId={runId} />

      <section aria-labelledby="drill-down" className="flex flex-col gap-3">
        <h2 id="drill-down" className="text-sm font-semibold text-slate-800">
          Differences
        </h2>
        <DifferenceFilters key={JSON.stringify(filters)} state={state} facets={facets.data} errors={fieldErrorsOf(list.error)} onApply={apply} onClear={() => apply({ class: null, currency: null, provider: null, from: null, to: null, reference: null })} />
        {list.isPending ? <Skeleton rows={8} /> : null}
        {list.error ? <ErrorState message={errorMessage(list.error)} onRetry={() => void list.refetch()} /> : null}
        {list.data && rows.length === 0 ? (
          <EmptyState title={isFiltered(state) ? "No differences match these filters." : "This run found no differences."}>{isFiltered(state) ? "Clear a filter or widen the days." : null}</EmptyState>
        ) : null}
        {list.data && rows.length > 0 ? (
          <>
            <DifferencesTable rows={rows} />
            <Pager
              label="Difference pages"
              summary={`${rows.length} differences on this page`}
              backLabel="Previous"
              forwardLabel="Next"
              trail={pages}
              next={list.data.next}
            />
          </>
        ) : null}
      </section>
    </div>
  );
}
