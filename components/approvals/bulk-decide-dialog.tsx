"use client";

import { useMutation } from "@tanstack/react-query";
import { CheckCircle2, XCircle } from "lucide-react";
import { useState, type FormEvent } from "react";
import type { z } from "zod";
import type { bulkResult, RequestSummary } from "@/server/approvals/schemas";
import { errorMessage, fieldErrorsOf, useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { Dialog, DialogActions } from "../ui/dialog";
import { TextAreaField } from "../ui/field";
import { AdjustmentAmount, movementText, shortId } from "./approval-format";
import { useInvalidateApprovals } from "./use-invalidate-approvals";

type Decision = "approve" | "reject";
type Results = z.infer<typeof bulkResult>["results"];

/**
 * Confirms a bulk decision item by item (amount, account, what this approval does), then shows
 * each item's own result: some may fail while the others go through.
 */
export function BulkDecideDialog({ decision, items, onClose, onDecided }: { decision: Decision | null; items: RequestSummary[]; onClose: () => void; onDecided: () => void }) {
  const title = decision === "reject" ? `Reject ${countText(items.length)}` : `Approve ${countText(items.length)}`;
  return (
    <Dialog open={decision !== null} onClose={onClose} title={title} wide>
      {decision ? <BulkDecideBody decision={decision} items={items} onClose={onClose} onDecided={onDecided} /> : null}
    </Dialog>
  );
}

function countText(count: number): string {
  return `${count} ${count === 1 ? "request" : "requests"}`;
}

function BulkDecideBody({ decision, items, onClose, onDecided }: { decision: Decision; items: RequestSummary[]; onClose: () => void; onDecided: () => void }) {
  const trpc = useTRPC();
  const invalidate = useInvalidateApprovals();
  const confirmed = items;
  const [results, setResults] = useState<Results | null>(null);
  const decide = useMutation(
    trpc.approvals.bulkDecide.mutationOptions({
      onSuccess: (answer) => {
        setResults(answer.results);
        onDecided();
      },
      onSettled: () => void invalidate(),
    }),
  );
  const fields = fieldErrorsOf(decide.error);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const comment = String(new FormData(event.currentTarget).get("comment") ?? "").trim();
    decide.mutate({ items: confirmed.map((item) => ({ requestId: item.id, payloadHash: item.payloadHash })), decision, comment: comment === "" ? undefined : comment });
  }

  if (results) return <BulkResults items={confirmed} results={results} onClose={onClose} />;
  return (
    <form className="flex flex-col gap-3" onSubmit={submit} noValidate>
      <p className="text-sm text-slate-700">
        {decision === "approve"
          ? "Each request is decided on its own, bound to the payload you see listed. A final approval posts to the ledger at once; one that cannot be approved does not stop the others."
          : "Each request is rejected on its own and cannot be approved afterwards. Your comment is recorded with every rejection."}
      </p>
      <ul aria-label="Selected requests" className="max-h-72 divide-y divide-slate-100 overflow-y-auto rounded-md border border-slate-200 text-sm">
        {confirmed.map((item) => (
          <li key={item.id} className="flex items-start justify-between gap-3 px-3 py-2">
            <span className="flex min-w-0 flex-col">
              <span className="font-mono text-xs text-slate-600">{shortId(item.id)}</span>
              <span>
                {item.accountName ?? "Account"} <span className="font-mono text-xs text-slate-600">{item.accountCode}</span>
              </span>
              <span className="text-xs text-slate-600">{consequenceOf(item, decision)}</span>
            </span>
            {item.amount && item.currency && item.direction ? <AdjustmentAmount amount={item.amount} currency={item.currency} direction={item.direction} className="font-medium" /> : null}
          </li>
        ))}
      </ul>
      <TextAreaField
        label={decision === "reject" ? "Comment (required)" : "Comment (optional)"}
        name="comment"
        required={decision === "reject"}
        maxLength={1000}
        error={fields.comment}
        hint={decision === "reject" ? "Say why; the makers read it." : undefined}
      />
      <DialogActions
        error={decide.error && !fields.comment ? errorMessage(decide.error) : null}
        onCancel={onClose}
        variant={decision === "reject" ? "danger" : "primary"}
        disabled={decide.isPending}
        submitLabel={decide.isPending ? "Deciding…" : `${decision === "reject" ? "Reject" : "Approve"} ${countText(confirmed.length)}`}
      />
    </form>
  );
}

function consequenceOf(item: RequestSummary, decision: Decision): string {
  if (decision === "reject") return "Rejected: nothing is posted.";
  const next = item.approvals + 1;
  if (next < item.approvalsRequired) return `Approval ${next} of ${item.approvalsRequired}: nothing moves until another checker approves.`;
  if (!item.amount || !item.currency || !item.direction) return `Final approval (${next} of ${item.approvalsRequired}).`;
  return `Final approval (${next} of ${item.approvalsRequired}): ${movementText(item.amount, item.currency, item.direction)} this account at once.`;
}

function outcomeText(status: Results[number]["status"]): string {
  if (status === "executed") return "Approved and executed.";
  if (status === "pending") return "Approved; waits for another checker.";
  if (status === "rejected") return "Rejected.";
  if (status === "failed") return "Approved, but execution failed; see the request.";
  return `Now ${status ?? "unknown"}.`;
}

function BulkResults({ items, results, onClose }: { items: RequestSummary[]; results: Results; onClose: () => void }) {
  const succeeded = results.filter((result) => result.ok).length;
  const byId = new Map(items.map((item) => [item.id, item]));
  return (
    <div className="flex flex-col gap-3">
      <p role="status" className="text-sm font-medium">
        {succeeded} succeeded, {results.length - succeeded} failed.
      </p>
      <ul aria-label="Results" className="max-h-80 divide-y divide-slate-100 overflow-y-auto rounded-md border border-slate-200 text-sm">
        {results.map((result) => {
          const item = byId.get(result.requestId);
          return (
            <li key={result.requestId} className="flex items-start gap-2 px-3 py-2">
              {result.ok ? <CheckCircle2 className="mt-0.5 size-4 shrink-0 text-emerald-700" aria-hidden /> : <XCircle className="mt-0.5 size-4 shrink-0 text-rose-700" aria-hidden />}
              <span className="flex min-w-0 flex-1 flex-col">
                <span className="flex flex-wrap items-baseline gap-x-2">
                  <span className="font-mono text-xs text-slate-600">{shortId(result.requestId)}</span>
                  {item?.amount && item.currency && item.direction ? <AdjustmentAmount amount={item.amount} currency={item.currency} direction={item.direction} /> : null}
                </span>
                {result.ok ? (
                  <span className="text-emerald-800">{outcomeText(result.status)}</span>
                ) : (
                  <span className="text-rose-800">
                    Failed: <code className="font-mono text-xs">{result.code}</code> {result.message}
                  </span>
                )}
              </span>
            </li>
          );
        })}
      </ul>
      <div className="flex justify-end">
        <Button onClick={onClose}>Done</Button>
      </div>
    </div>
  );
}
