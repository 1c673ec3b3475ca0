"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import type { ExceptionDetail } from "@/server/recon/exceptions-schemas";
import { RequestStatusBadge, type RequestStatus } from "../../approvals/approval-format";
import { usePermissions } from "../../shell/use-permissions";
import { errorMessage, fieldErrorsOf, useTRPC } from "../../trpc";
import { Button } from "../../ui/button";
import { CopyId } from "../../ui/copy-id";
import { DescriptionList } from "../../ui/description-list";
import { TextAreaField } from "../../ui/field";
import { ErrorState, Skeleton } from "../../ui/states";
import { UtcTime } from "../../ui/time";
import { classLabels, ExceptionStatusBadge, MoneyText, runHref } from "../report/recon-format";
import { AdjustLedgerDialog } from "./adjust-ledger-dialog";
import { needsWorkReason } from "./exceptions-workbench";

export function ExceptionDetailView({ id }: { id: string }) {
  const trpc = useTRPC();
  const detail = useQuery(trpc.recon.exceptions.get.queryOptions({ id }));
  if (detail.isPending) return <Skeleton rows={12} />;
  if (detail.error) return <ErrorState message={errorMessage(detail.error)} onRetry={() => void detail.refetch()} />;
  return <Loaded exception={detail.data} />;
}

function Loaded({ exception }: { exception: ExceptionDetail }) {
  const { has } = usePermissions();
  const canWork = has("recon.run");
  const [adjusting, setAdjusting] = useState(false);
  const title = `${classLabels[exception.class]}${exception.reference ? ` · ${exception.reference}` : ""}`;
  return (
    <div className="flex flex-col gap-5">
      <header className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <p className="text-sm">
            <Link href="/reconciliation/exceptions" className="text-indigo-700 hover:underline">
              Exceptions
            </Link>
          </p>
          <h1 className="flex items-center gap-2 text-xl font-semibold">
            <span className="break-all">{title}</span> <ExceptionStatusBadge status={exception.status} />
          </h1>
        </div>
      </header>

      <div className="grid gap-5 lg:grid-cols-2">
        <section aria-labelledby="the-difference" className="flex flex-col gap-2">
          <h2 id="the-difference" className="text-sm font-semibold text-slate-800">
            The difference
          </h2>
          <DescriptionList
            items={[
              ["Exception", <CopyId key="id" value={exception.id} />],
              ["At stake", <MoneyText key="amount" amount={exception.amount} currency={exception.currency} />],
              ["Statement says", <MoneyText key="statement" amount={exception.difference.statementAmount} currency={exception.currency} />],
              ["Ledger says", <MoneyText key="ledger" amount={exception.difference.ledgerAmount} currency={exception.currency} />],
              ["Occurred on", exception.difference.occurredOn],
              ["Provider", exception.provider],
              ["Reference", exception.reference ? <span key="ref" className="break-all font-mono text-xs">{exception.reference}</span> : null],
              ["Ledger transaction", exception.transactionId ? <Link key="tx" href={`/transactions/${exception.transactionId}`} className="font-mono text-xs text-indigo-700 hover:underline">{exception.transactionId}</Link> : null],
              ["Account", exception.accountId ? <Link key="account" href={`/accounts/${exception.accountId}`} className="font-mono text-xs text-indigo-700 hover:underline">{exception.accountId}</Link> : null],
              ["Found by", <Link key="run" href={runHref(exception.difference.runId)} className="text-indigo-700 hover:underline">the run report</Link>],
              ["Assignee", exception.assigneeName ?? "Unassigned"],
              ["Opened", <UtcTime key="opened" value={exception.openedAt} showAge />],
              ["Resolved", exception.resolvedAt ? <span key="resolved"><UtcTime value={exception.resolvedAt} /> ({exception.resolution})</span> : null],
            ]}
          />
          {exception.statementLine ? (
            <>
              <h3 className="mt-2 text-sm font-semibold text-slate-800">Statement line</h3>
              <DescriptionList
                items={[
                  ["Line", `${exception.statementLine.lineNo} (${exception.statementLine.kind}, ${exception.statementLine.status})`],
                  ["Amount", <MoneyText key="amount" amount={exception.statementLine.amount} currency={exception.statementLine.currency} />],
                  ["Booked on", exception.statementLine.bookedOn],
                  ["Description", exception.statementLine.description ? <span key="d" className="break-all">{exception.statementLine.description}</span> : null],
                ]}
              />
            </>
          ) : null}
        </section>

        <div className="flex flex-col gap-5">
          <AdjustmentPanel exception={exception} canWork={canWork} onAdjust={() => setAdjusting(true)} />
          <StatusActions exception={exception} canWork={canWork} />
          <NotesThread exception={exception} canWork={canWork} />
        </div>
      </div>
      {adjusting ? <AdjustLedgerDialog exception={exception} open={adjusting} onClose={() => setAdjusting(false)} /> : null}
    </div>
  );
}

function AdjustmentPanel({ exception, canWork, onAdjust }: { exception: ExceptionDetail; canWork: boolean; onAdjust: () => void }) {
  const disabledReason = !canWork ? needsWorkReason : exception.adjustment.reason;
  return (
    <section aria-labelledby="ledger-adjustment" className="flex flex-col gap-2 rounded-md border border-slate-200 bg-white p-4">
      <h2 id="ledger-adjustment" className="text-sm font-semibold text-slate-800">
        Ledger adjustment
      </h2>
      {exception.approval ? (
        <p className="flex flex-wrap items-center gap-2 text-sm" data-testid="linked-adjustment">
          <span>Linked request</span>
          <Link href={`/approvals/${exception.approval.id}`} className="font-mono text-xs text-indigo-700 underline">
            {exception.approval.id}
          </Link>
          <RequestStatusBadge status={exception.approval.status as RequestStatus} />
          <span className="text-slate-600">
            {exception.approval.direction} <MoneyText amount={exception.approval.amount} currency={exception.currency} />
          </span>
        </p>
      ) : (
        <p className="text-sm text-slate-600">No adjustment raised. Adjusting raises a maker-checker request; the exception resolves only when it executes.</p>
      )}
      <div className="flex items-center gap-2">
        <Button onClick={onAdjust} disabled={!canWork || !exception.adjustment.possible} title={disabledReason ?? undefined}>
          Adjust the ledger
        </Button>
        {disabledReason ? <span className="text-xs text-slate-600">{disabledReason}</span> : null}
      </div>
    </section>
  );
}

function StatusActions({ exception, canWork }: { exception: ExceptionDetail; canWork: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const setStatus = useMutation(
    trpc.recon.exceptions.setStatus.mutationOptions({
      onSuccess: async (result) => {
        toast.success(`Status: ${result.status}.`);
        await queryClient.invalidateQueries({ queryKey: trpc.recon.exceptions.pathKey() });
      },
    }),
  );
  const errors = fieldErrorsOf(setStatus.error);
  const [comment, setComment] = useState("");
  if (exception.status === "resolved") return null;
  const pendingAdjustment = exception.approval?.status === "pending";
  const change = (status: "open" | "investigating" | "explained") => setStatus.mutate({ id: exception.id, status, comment: comment.trim() === "" ? undefined : comment.trim() });
  return (
    <section aria-labelledby="status-actions" className="flex flex-col gap-2 rounded-md border border-slate-200 bg-white p-4">
      <h2 id="status-actions" className="text-sm font-semibold text-slate-800">
        Status
      </h2>
      <TextAreaField label="Explanation or status comment" value={comment} onChange={(event) => setComment(event.target.value)} maxLength={2000} error={errors.comment} hint="Explaining a difference needs a comment." disabled={!canWork} />
      {setStatus.error && !errors.comment ? <p role="alert" className="text-sm text-rose-700">{errorMessage(setStatus.error)}</p> : null}
      <div className="flex flex-wrap gap-2">
        <Button variant="secondary" size="sm" disabled={!canWork || setStatus.isPending || exception.status === "investigating"} onClick={() => change("investigating")} title={canWork ? undefined : needsWorkReason}>
          Mark investigating
        </Button>
        <Button variant="secondary" size="sm" disabled={!canWork || setStatus.isPending || pendingAdjustment} onClick={() => change("explained")} title={pendingAdjustment ? "An adjustment is waiting for approval" : canWork ? undefined : needsWorkReason}>
          Mark explained
        </Button>
        <Button variant="ghost" size="sm" disabled={!canWork || setStatus.isPending || exception.status === "open"} onClick={() => change("open")} title={canWork ? undefined : needsWorkReason}>
          Reopen
        </Button>
      </div>
    </section>
  );
}

function NotesThread({ exception, canWork }: { exception: ExceptionDetail; canWork: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [body, setBody] = useState("");
  const comment = useMutation(
    trpc.recon.exceptions.comment.mutationOptions({
      onSuccess: async () => {
        setBody("");
        await queryClient.invalidateQueries({ queryKey: trpc.recon.exceptions.get.queryKey({ id: exception.id }) });
      },
    }),
  );
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    comment.mutate({ id: exception.id, body });
  }
  return (
    <section aria-labelledby="notes" className="flex flex-col gap-2 rounded-md border border-slate-200 bg-white p-4">
      <h2 id="notes" className="text-sm font-semibold text-slate-800">
        Notes
      </h2>
      {exception.notes.length === 0 ? (
        <p className="text-sm text-slate-600">No notes yet.</p>
      ) : (
        <ol className="flex flex-col gap-2" aria-label="Notes, oldest first">
          {exception.notes.map((note) => (
            <li key={note.id} className="border-l-2 border-slate-200 pl-3 text-sm">
              <p className="text-xs text-slate-600">
                {note.authorName ?? note.authorId} · {note.kind.replace("_", " ")} · <UtcTime value={note.createdAt} />
              </p>
              <p className="whitespace-pre-wrap break-words">{note.body}</p>
            </li>
          ))}
        </ol>
      )}
      {canWork ? (
        <form onSubmit={submit} className="flex flex-col gap-2">
          <TextAreaField label="Add a comment" value={body} onChange={(event) => setBody(event.target.value)} maxLength={2000} error={fieldErrorsOf(comment.error).body} />
          {comment.error && !fieldErrorsOf(comment.error).body ? <p role="alert" className="text-sm text-rose-700">{errorMessage(comment.error)}</p> : null}
          <div>
            <Button type="submit" size="sm" variant="secondary" disabled={comment.isPending || body.trim() === ""}>
              Comment
            </Button>
          </div>
        </form>
      ) : null}
    </section>
  );
}
