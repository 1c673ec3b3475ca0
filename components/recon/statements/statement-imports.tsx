"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePermissions } from "../../shell/use-permissions";
import { errorMessage, useTRPC } from "../../trpc";
import { Badge } from "../../ui/badge";
import { Pager } from "../../ui/pager";
import { useLocalCursorTrail } from "../../ui/use-cursor-trail";
import { EmptyState, ErrorState, Skeleton } from "../../ui/states";
import { UtcTime } from "../../ui/time";

type Cursor = { at: string; id: string };

export function StatementImports() {
  const trpc = useTRPC();
  const { has } = usePermissions();
  const pages = useLocalCursorTrail<Cursor>();
  const cursor = pages.cursor;
  const list = useQuery(trpc.recon.imports.list.queryOptions({ limit: 50, ...(cursor ? { cursor } : {}) }));
  const rows = list.data?.items ?? [];
  return (
    <div className="flex flex-col gap-4">
      <header className="flex items-start justify-between gap-4">
        <div>
          <h1 className="text-xl font-semibold">Statements</h1>
          <p className="text-sm text-slate-600">Provider statements as uploaded, newest first. A rejected statement keeps its bad rows and imported nothing. Times are UTC.</p>
        </div>
        {has("recon.run") ? (
          <Link href="/reconciliation/statements/new" className="inline-flex h-9 items-center rounded-md bg-indigo-600 px-3.5 text-sm font-medium text-white hover:bg-indigo-700">
            Upload a statement
          </Link>
        ) : null}
      </header>
      {list.isPending ? <Skeleton rows={8} /> : null}
      {list.error ? <ErrorState message={errorMessage(list.error)} onRetry={() => void list.refetch()} /> : null}
      {list.data && rows.length === 0 ? <EmptyState title="No statements yet.">Upload a provider statement to reconcile it against the ledger.</EmptyState> : null}
      {rows.length > 0 ? (
        <div className="overflow-x-auto rounded-md border border-slate-200 bg-white">
          <table className="w-full border-collapse text-sm">
            <caption className="sr-only">Statement imports, newest first</caption>
            <thead className="bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">Uploaded</th>
                <th scope="col" className="px-3 py-2">Provider</th>
                <th scope="col" className="px-3 py-2">File</th>
                <th scope="col" className="px-3 py-2">Status</th>
                <th scope="col" className="px-3 py-2 text-right">Rows</th>
                <th scope="col" className="px-3 py-2 text-right">Bad rows</th>
                <th scope="col" className="px-3 py-2">Period</th>
                <th scope="col" className="px-3 py-2">By</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id} className="border-t border-slate-100">
                  <td className="px-3 py-1.5">
                    <UtcTime value={row.createdAt} />
                  </td>
                  <td className="px-3 py-1.5">{row.provider}</td>
                  <td className="px-3 py-1.5">
                    <Link className="text-indigo-700 underline" href={`/reconciliation/statements/${row.id}`}>
                      {row.fileName}
                    </Link>
                  </td>
                  <td className="px-3 py-1.5">
                    <Badge tone={row.status === "accepted" ? "success" : "danger"}>{row.status}</Badge>
                  </td>
                  <td className="px-3 py-1.5 text-right tabular-nums">{row.rowCount.toLocaleString("en-GB")}</td>
                  <td className="px-3 py-1.5 text-right tabular-nums">{row.rejectedRows.toLocaleString("en-GB")}</td>
                  <td className="px-3 py-1.5">{row.periodFrom && row.periodTo ? `${row.periodFrom} to ${row.periodTo}` : "—"}</td>
                  <td className="px-3 py-1.5">{row.uploadedBy ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pager
        label="Statement pages"
        summary={`${rows.length} statements on this page`}
        backLabel="Newer"
        forwardLabel="Older"
        trail={pages}
        next={list.data?.next}
      />
    </div>
  );
}
