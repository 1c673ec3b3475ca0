"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { toast } from "sonner";
import { usePermissions } from "../../shell/use-permissions";
import { errorMessage, fieldErrorsOf, useTRPC } from "../../trpc";
import { Button } from "../../ui/button";
import { SelectField } from "../../ui/field";
import { Pager } from "../../ui/pager";
import { useCursorTrail } from "../../ui/use-cursor-trail";
import { EmptyState, ErrorState, Skeleton } from "../../ui/states";
import { runHref } from "../report/recon-format";
import { ExceptionFilters } from "./exception-filters";
import { isFiltered, listInputOf, useExceptionState, type ExceptionState } from "./exception-state";
import { ExceptionTable } from "./exception-table";

type Cursor = NonNullable<ExceptionState["cursor"]>;

export const needsWorkReason = "Working exceptions needs the recon.run permission (finance).";

export function ExceptionsWorkbench() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { has } = usePermissions();
  const canWork = has("recon.run");
  const [state, setState] = useExceptionState();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [assignee, setAssignee] = useState("");
  const list = useQuery(trpc.recon.exceptions.list.queryOptions(listInputOf(state)));
  const assignees = useQuery(trpc.recon.exceptions.assignees.queryOptions());
  const rows = list.data?.items ?? [];
  const selectedIds = rows.filter((row) => selected.has(row.id) && row.status !== "resolved").map((row) => row.id);
  const { cursor, ...filters } = state;
  const pages = useCursorTrail<Cursor>(cursor, (to) => void setState({ cursor: to }));

  const assign = useMutation(
    trpc.recon.exceptions.assign.mutationOptions({
      onSuccess: async (result) => {
        setSelected(new Set());
        toast.success(`${result.changed} exception${result.changed === 1 ? "" : "s"} ${result.assigneeId ? "assigned" : "unassigned"}${result.unchanged ? `, ${result.unchanged} already so` : ""}.`);
        await queryClient.invalidateQueries({ queryKey: trpc.recon.exceptions.pathKey() });
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );

  const apply = (values: Partial<ExceptionState>) => {
    pages.reset();
    setSelected(new Set());
    void setState({ ...values, cursor: null });
  };

  return (
    <div className="flex flex-col gap-4">
      <header>
        <h1 className="text-xl font-semibold">Reconciliation exceptions</h1>
        <p className="text-sm text-slate-600">
          Each difference a recorded run found, to be worked: investigate, explain with a comment, or adjust the ledger through maker-checker. Oldest first; times are UTC.
          {state.runId ? (
            <>
              {" "}
              Showing the exceptions of <Link href={runHref(state.runId)} className="text-indigo-700 underline">one run</Link>.
            </>
          ) : null}
        </p>
      </header>

      <ExceptionFilters key={JSON.stringify(filters)} state={state} assignees={assignees.data ?? []} errors={fieldErrorsOf(list.error)} onApply={(values) => apply({ ...values, runId: state.runId })} onClear={() => apply({ status: null, class: null, assignee: null, currency: null, minAgeDays: null, runId: null })} />

      <div role="toolbar" aria-label="Exception actions" className="flex flex-wrap items-end gap-2">
        <SelectField label="Assign to" className="w-56" value={assignee} onChange={(event) => setAssignee(event.target.value)} disabled={!canWork} title={canWork ? undefined : needsWorkReason}>
          <option value="">Choose a person…</option>
          <option value="none">Nobody (unassign)</option>
          {(assignees.data ?? []).map((member) => (
            <option key={member.id} value={member.id}>
              {member.displayName}
            </option>
          ))}
        </SelectField>
        <Button
          disabled={!canWork || selectedIds.length === 0 || assignee === "" || assign.isPending}
          title={canWork ? (assignee === "" ? "Choose a person first" : undefined) : needsWorkReason}
          onClick={() => assign.mutate({ ids: selectedIds, assigneeId: assignee === "none" ? null : assignee })}
        >
          Assign selected ({selectedIds.length})
        </Button>
        {canWork ? null : <span className="text-xs font-medium text-amber-800">{needsWorkReason}</span>}
      </div>

      {list.isPending ? <Skeleton rows={10} /> : null}
      {list.error ? <ErrorState message={errorMessage(list.error)} onRetry={() => void list.refetch()} /> : null}
      {list.data && rows.length === 0 ? (
        <EmptyState title={isFiltered(state) ? "No exceptions match these filters." : "No unresolved exceptions."}>{isFiltered(state) ? "Clear a filter to see more." : "Every difference found so far has been worked."}</EmptyState>
      ) : null}
      {list.data && rows.length > 0 ? (
        <>
          <ExceptionTable
            rows={rows}
            selection={{
              enabled: canWork,
              selected,
              onToggle: (id, on) => setSelected((current) => toggled(current, [id], on)),
              onToggleAll: (on) => setSelected((current) => toggled(current, rows.filter((row) => row.status !== "resolved").map((row) => row.id), on)),
            }}
          />
          <Pager
            label="Exception pages"
            summary={`${rows.length} exceptions on this page`}
            backLabel="Previous"
            forwardLabel="Next"
            trail={pages}
            next={list.data.next}
          />
        </>
      ) : null}
    </div>
  );
}

function toggled(current: ReadonlySet<string>, ids: string[], on: boolean): ReadonlySet<string> {
  const next = new Set(current);
  for (const id of ids) {
    if (on) next.add(id);
    else next.delete(id);
  }
  return next;
}
