"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { statementProviders } from "@/server/recon/formats";
import type { RunSummary } from "@/server/recon/run-reconciliation";
import { reconScopes, type ReconScope } from "@/server/recon/schemas";
import { usePermissions } from "../../shell/use-permissions";
import { errorMessage, fieldErrorsOf, useTRPC } from "../../trpc";
import { Badge } from "../../ui/badge";
import { Button } from "../../ui/button";
import { SelectField, TextField } from "../../ui/field";
import { Pager } from "../../ui/pager";
import { useLocalCursorTrail } from "../../ui/use-cursor-trail";
import { EmptyState, ErrorState, Skeleton } from "../../ui/states";
import { UtcTime } from "../../ui/time";
import { amountDisplay, classLabels, sharePercent } from "../report/recon-format";

type Cursor = { at: string; id: string };

export function ReconciliationRuns() {
  const trpc = useTRPC();
  const { has } = usePermissions();
  const [scopeFilter, setScopeFilter] = useState<ReconScope | "">("");
  const pages = useLocalCursorTrail<Cursor>();
  const cursor = pages.cursor;
  const list = useQuery(trpc.recon.runs.list.queryOptions({ limit: 50, ...(scopeFilter ? { scope: scopeFilter } : {}), ...(cursor ? { cursor } : {}) }));
  const rows = list.data?.items ?? [];
  return (
    <div className="flex flex-col gap-4">
      <header className="flex items-start justify-between gap-4">
        <div>
          <h1 className="text-xl font-semibold">Reconciliation</h1>
          <p className="text-sm text-slate-600">
            Runs compare provider statements with the ledger and check the ledger itself. A run is recorded once and never changed; scheduled runs come from the worker. Times are UTC.
          </p>
        </div>
        <Link href="/reconciliation/statements" className="inline-flex h-9 items-center rounded-md border border-slate-300 bg-white px-3.5 text-sm font-medium text-slate-800 hover:bg-slate-50">
          Statements
        </Link>
      </header>

      {has("recon.run") ? <StartRun /> : <p className="text-xs font-medium text-amber-800">Starting a run needs the recon.run permission.</p>}

      <div className="flex items-end gap-3">
        <SelectField label="Scope" value={scopeFilter} className="w-48" onChange={(event) => { setScopeFilter(event.target.value as ReconScope | ""); pages.reset(); }}>
          <option value="">All scopes</option>
          {reconScopes.map((scope) => (
            <option key={scope} value={scope}>
              {scope}
            </option>
          ))}
        </SelectField>
      </div>

      {list.isPending ? <Skeleton rows={8} /> : null}
      {list.error ? <ErrorState message={errorMessage(list.error)} onRetry={() => void list.refetch()} /> : null}
      {list.data && rows.length === 0 ? <EmptyState title="No reconciliation runs yet.">Upload a statement and start a run, or wait for the schedule.</EmptyState> : null}
      {rows.length > 0 ? (
        <div className="overflow-x-auto rounded-md border border-slate-200 bg-white">
          <table className="w-full border-collapse text-sm">
            <caption className="sr-only">Reconciliation runs, newest first</caption>
            <thead className="bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">Finished</th>
                <th scope="col" className="px-3 py-2">Scope</th>
                <th scope="col" className="px-3 py-2">Provider</th>
                <th scope="col" className="px-3 py-2">Trigger</th>
                <th scope="col" className="px-3 py-2">Status</th>
                <th scope="col" className="px-3 py-2 text-right">Lines</th>
                <th scope="col" className="px-3 py-2 text-right">Matched</th>
                <th scope="col" className="px-3 py-2 text-right">Differences</th>
                <th scope="col" className="px-3 py-2">Run</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((run) => {
                const summary = run.summary as Partial<RunSummary>;
                return (
                  <tr key={run.id} className="border-t border-slate-100">
                    <td className="px-3 py-1.5">
                      <UtcTime value={run.finishedAt} showAge />
                    </td>
                    <td className="px-3 py-1.5">{run.scope}</td>
                    <td className="px-3 py-1.5">{run.provider ?? "all"}</td>
                    <td className="px-3 py-1.5">{run.trigger}</td>
                    <td className="px-3 py-1.5">
                      <Badge tone={run.status === "completed" ? (summary.differences ? "warning" : "success") : "danger"}>{run.status}</Badge>
                    </td>
                    <td className="px-3 py-1.5 text-right tabular-nums">{(summary.statementLines ?? 0).toLocaleString("en-GB")}</td>
                    <td className="px-3 py-1.5 text-right tabular-nums">{sharePercent(summary.matchedShare)}</td>
                    <td className="px-3 py-1.5 text-right tabular-nums">{(summary.differences ?? 0).toLocaleString("en-GB")}</td>
                    <td className="px-3 py-1.5">
                      <Link className="text-indigo-700 underline" href={`/reconciliation/runs/${run.id}`}>
                        Open run
                      </Link>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pager
        label="Run pages"
        summary={`${rows.length} runs on this page`}
        backLabel="Newer"
        forwardLabel="Older"
        trail={pages}
        next={list.data?.next}
      />
    </div>
  );
}

function StartRun() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [scope, setScope] = useState<ReconScope>("payments");
  const [provider, setProvider] = useState("");
  const [dateWindowDays, setDateWindowDays] = useState("");
  const [amountTolerance, setAmountTolerance] = useState("");
  const [dryResult, setDryResult] = useState<{ summary: RunSummary; differences: { class: string; fingerprint: string; reference: string | null; currency: string | null; amount: string | null }[] } | null>(null);
  const parameters = () => ({
    scope,
    ...(provider && scope !== "ledger" ? { provider } : {}),
    ...(dateWindowDays ? { dateWindowDays: Number.parseInt(dateWindowDays, 10) } : {}),
    ...(amountTolerance ? { amountTolerance } : {}),
  });
  const start = useMutation(
    trpc.recon.runs.start.mutationOptions({
      onSuccess: async (result) => {
        setDryResult(null);
        if (result.status === "completed") toast.success(`Run recorded: ${result.summary?.differences ?? 0} differences, ${result.exceptionsOpened} new exceptions.`);
        else toast.error(`The run failed: ${result.failureReason ?? "unknown reason"}. It is recorded as failed.`);
        await queryClient.invalidateQueries({ queryKey: trpc.recon.runs.pathKey() });
      },
    }),
  );
  const dry = useMutation(trpc.recon.runs.dryRun.mutationOptions({ onSuccess: (result) => setDryResult({ summary: result.summary, differences: result.differences }) }));
  const error = start.error ?? dry.error;
  const fieldErrors = fieldErrorsOf(error);
  const busy = start.isPending || dry.isPending;
  function submit(event: FormEvent) {
    event.preventDefault();
    start.mutate({ ...parameters(), idempotencyKey: `run-${crypto.randomUUID()}` });
  }
  return (
    <section aria-label="Start a run" className="flex flex-col gap-3 rounded-md border border-slate-200 bg-white p-4">
      <form onSubmit={submit} className="flex flex-wrap items-end gap-3">
        <SelectField label="Scope" value={scope} className="w-40" onChange={(event) => setScope(event.target.value as ReconScope)}>
          {reconScopes.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </SelectField>
        <SelectField label="Provider" value={provider} className="w-40" disabled={scope === "ledger"} onChange={(event) => setProvider(event.target.value)}>
          <option value="">All providers</option>
          {statementProviders.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </SelectField>
        <TextField label="Date window (days)" inputMode="numeric" placeholder="default" className="w-40" value={dateWindowDays} error={fieldErrors.dateWindowDays} onChange={(event) => setDateWindowDays(event.target.value.replace(/\D/g, ""))} />
        <TextField label="Amount tolerance" inputMode="decimal" placeholder="default" className="w-40" value={amountTolerance} error={fieldErrors.amountTolerance} onChange={(event) => setAmountTolerance(event.target.value)} />
        <Button type="submit" disabled={busy}>
          Start run
        </Button>
        <Button variant="secondary" disabled={busy} onClick={() => dry.mutate(parameters())}>
          Dry run
        </Button>
      </form>
      <p className="text-xs text-slate-600">Payments and withdrawals runs compare the accepted statements of the last days with the ledger; a ledger run checks cached balances and the trial balance. A dry run shows what a run would find and records nothing.</p>
      {error ? <ErrorState message={errorMessage(error)} /> : null}
      {dryResult ? <DryRunResult summary={dryResult.summary} differences={dryResult.differences} /> : null}
    </section>
  );
}

function DryRunResult({ summary, differences }: { summary: RunSummary; differences: { class: string; fingerprint: string; reference: string | null; currency: string | null; amount: string | null }[] }) {
  return (
    <div className="flex flex-col gap-2" aria-label="Dry run result" role="region">
      <h2 className="text-base font-semibold">Dry run: nothing was recorded</h2>
      <p className="text-sm">
        {summary.statementLines.toLocaleString("en-GB")} statement lines, {summary.matchedLines.toLocaleString("en-GB")} matched ({sharePercent(summary.matchedShare)}), {summary.differences.toLocaleString("en-GB")} differences.
      </p>
      {summary.byClass.length > 0 ? (
        <table className="w-full max-w-xl text-sm">
          <caption className="sr-only">Differences per class and currency</caption>
          <thead>
            <tr className="text-left text-xs text-slate-600">
              <th scope="col">Class</th>
              <th scope="col">Currency</th>
              <th scope="col" className="text-right">Count</th>
              <th scope="col" className="text-right">Amount</th>
            </tr>
          </thead>
          <tbody>
            {summary.byClass.map((row) => (
              <tr key={`${row.class}-${row.currency ?? ""}`}>
                <td>{classLabels[row.class]}</td>
                <td>{row.currency ?? "—"}</td>
                <td className="text-right tabular-nums">{row.count}</td>
                <td className="text-right tabular-nums">{row.amount && row.currency ? `${amountDisplay(row.amount, row.currency)} ${row.currency}` : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {differences.length > 0 ? (
        <details>
          <summary className="cursor-pointer text-sm text-indigo-700">First {differences.length} differences</summary>
          <ul className="mt-1 font-mono text-xs">
            {differences.map((difference) => (
              <li key={difference.fingerprint}>{difference.fingerprint}</li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}
