"use client";

import { useMutation } from "@tanstack/react-query";
import { Lock } from "lucide-react";
import { useId, useState, type FormEvent } from "react";
import { toast } from "sonner";
import type { RequestDetailView } from "@/server/approvals/schemas";
import { errorMessage, fieldErrorsOf, useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { Dialog, DialogActions } from "../ui/dialog";
import { TextAreaField } from "../ui/field";
import { moneyText, movementText, shortId, signedAmountText } from "./approval-format";
import { useInvalidateApprovals } from "./use-invalidate-approvals";

type Decision = "approve" | "reject";

/** "Approve 1,250.00 EUR": the button says exactly what it does. */
export function approveLabel(request: RequestDetailView): string {
  if (request.kind === "policy_change") return "Approve policy change";
  if (request.kind === "monitor_threshold") return "Approve new thresholds";
  return request.amount && request.currency ? `Approve ${moneyText(request.amount, request.currency)}` : "Approve";
}

/** The decision and cancel buttons; each disabled one says why, visibly and to assistive technology. */
export function RequestActions({ request, viewerId, onChanged }: { request: RequestDetailView; viewerId: string; onChanged: () => void }) {
  const [deciding, setDeciding] = useState<Decision | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const decideReasonId = useId();
  const cancelReasonId = useId();
  const { decide, cancel } = request.actions;
  const isMaker = request.makerId === viewerId;
  return (
    <section aria-labelledby="actions-heading" className="flex flex-col gap-2 rounded-md border border-slate-200 bg-white p-4">
      <h2 id="actions-heading" className="text-sm font-semibold">
        Decision
      </h2>
      <div className="flex flex-wrap items-center gap-2">
        <Button disabled={!decide.allowed} aria-describedby={decide.allowed ? undefined : decideReasonId} onClick={() => setDeciding("approve")}>
          {approveLabel(request)}
        </Button>
        <Button variant="secondary" disabled={!decide.allowed} aria-describedby={decide.allowed ? undefined : decideReasonId} onClick={() => setDeciding("reject")}>
          Reject
        </Button>
        {isMaker ? (
          <Button variant="ghost" disabled={!cancel.allowed} aria-describedby={cancel.allowed ? undefined : cancelReasonId} onClick={() => setCancelling(true)}>
            Cancel request
          </Button>
        ) : null}
      </div>
      {decide.allowed ? (
        <p className="text-xs text-slate-600">{consequenceSummary(request)}</p>
      ) : (
        <p id={decideReasonId} className="inline-flex items-center gap-1.5 text-sm text-slate-700">
          <Lock className="size-3.5 shrink-0" aria-hidden />
          {decide.reason}
        </p>
      )}
      {isMaker && !cancel.allowed ? (
        <p id={cancelReasonId} className="text-xs text-slate-600">
          Cancel: {cancel.reason}
        </p>
      ) : null}
      <DecideDialog request={request} decision={deciding} onClose={() => setDeciding(null)} onDecided={onChanged} />
      <CancelDialog request={request} open={cancelling} onClose={() => setCancelling(false)} onCancelled={onChanged} />
    </section>
  );
}

function isFinalApproval(request: RequestDetailView): boolean {
  return request.approvals + 1 >= request.approvalsRequired;
}

/** What the next approval does, for the line under the buttons and the confirmation. */
function consequenceSummary(request: RequestDetailView): string {
  const step = `Approval ${request.approvals + 1} of ${request.approvalsRequired}`;
  if (!isFinalApproval(request)) return `${step}: nothing moves until another checker also approves.`;
  if (request.kind === "policy_change") return `${step} is the final one: the proposed policy takes effect at once.`;
  return `${step} is the final one: the adjustment posts to the ledger at once.`;
}

function DecideDialog({ request, decision, onClose, onDecided }: { request: RequestDetailView; decision: Decision | null; onClose: () => void; onDecided: () => void }) {
  const title = decision === "reject" ? "Reject this request" : approveLabel(request);
  return (
    <Dialog open={decision !== null} onClose={onClose} title={title}>
      {decision ? <DecideForm request={request} decision={decision} onClose={onClose} onDecided={onDecided} /> : null}
    </Dialog>
  );
}

function DecideForm({ request, decision, onClose, onDecided }: { request: RequestDetailView; decision: Decision; onClose: () => void; onDecided: () => void }) {
  const trpc = useTRPC();
  const invalidate = useInvalidateApprovals();
  const [commentMissing, setCommentMissing] = useState(false);
  const options = {
    onSuccess: (result: { status: string; approvals: number; approvalsRequired: number; failureReason: string | null }) => {
      if (result.status === "failed") toast.error(`Approved, but execution failed: ${result.failureReason ?? "see the request"}`);
      else if (result.status === "pending") toast.success(`Approved: ${result.approvals} of ${result.approvalsRequired}. Another checker must approve.`);
      else toast.success(result.status === "executed" ? "Approved and executed." : "Rejected.");
      onDecided();
      onClose();
    },
    onSettled: () => void invalidate(),
  };
  const decideAdjustment = useMutation(trpc.approvals.decide.mutationOptions(options));
  const decidePolicy = useMutation(trpc.approvals.decidePolicy.mutationOptions(options));
  const decideThreshold = useMutation(trpc.monitoring.decideThreshold.mutationOptions(options));
  const mutation = request.kind === "policy_change" ? decidePolicy : request.kind === "monitor_threshold" ? decideThreshold : decideAdjustment;
  const fields = fieldErrorsOf(mutation.error);
  const commentError = commentMissing ? "Say why you reject it; the maker reads this." : fields.comment;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const comment = String(new FormData(event.currentTarget).get("comment") ?? "").trim();
    if (decision === "reject" && comment === "") {
      setCommentMissing(true);
      return;
    }
    // The hash of the payload this page showed: if the request changed since, the server refuses.
    mutation.mutate({ requestId: request.id, payloadHash: request.payloadHash, decision, comment: comment === "" ? undefined : comment });
  }

  return (
    <form className="flex flex-col gap-3" onSubmit={submit} noValidate>
      <Consequence request={request} decision={decision} />
      <TextAreaField
        label={decision === "reject" ? "Comment (required)" : "Comment (optional)"}
        name="comment"
        maxLength={1000}
        required={decision === "reject"}
        error={commentError}
        onChange={() => setCommentMissing(false)}
      />
      {mutation.error && !fields.comment ? (
        <div role="alert" className="flex flex-col gap-2 rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800">
          <span>{errorMessage(mutation.error)}</span>
        </div>
      ) : null}
      <DialogActions
        onCancel={onClose}
        variant={decision === "reject" ? "danger" : "primary"}
        disabled={mutation.isPending}
        submitLabel={mutation.isPending ? "Deciding…" : decision === "reject" ? "Reject request" : approveLabel(request)}
      />
    </form>
  );
}

/** The exact amount, account and what happens next, in words. */
function Consequence({ request, decision }: { request: RequestDetailView; decision: Decision }) {
  const step = `${request.approvals + 1} of ${request.approvalsRequired}`;
  if (request.kind === "monitor_threshold") {
    return (
      <p className="rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-sm text-slate-800">
        {decision === "reject"
          ? `Rejecting keeps the thresholds of ${request.monitorThreshold?.monitor ?? "the monitor"} as they are.`
          : `Approving makes the proposed thresholds of ${request.monitorThreshold?.monitor ?? "the monitor"} the next version, used from the next check.`}
      </p>
    );
  }
  if (request.kind === "policy_change") {
    return (
      <div className="flex flex-col gap-2 text-sm text-slate-800">
        <p>
          Policy change <span className="font-mono text-xs">{shortId(request.id)}</span>, based on version {request.policyChange?.basedOnVersion}, proposed by {request.makerName}.
        </p>
        <p className="rounded-md border border-slate-200 bg-slate-50 px-3 py-2">
          {decision === "reject"
            ? "Rejecting closes the proposal; the active policy stays as it is."
            : isFinalApproval(request)
              ? `This is the final approval (${step}): the proposed policy becomes the active version at once and decides every new request.`
              : `This is approval ${step}: nothing changes until another compliance officer or administrator also approves.`}
        </p>
      </div>
    );
  }
  const { amount, currency, direction, balances } = request;
  if (!amount || !currency || !direction) return null;
  const account = (
    <>
      {request.accountName} <span className="font-mono text-xs">{request.accountCode}</span>
    </>
  );
  return (
    <div className="flex flex-col gap-2 text-sm text-slate-800">
      <dl className="grid grid-cols-[7rem_1fr] gap-x-3 gap-y-1 rounded-md border border-slate-200 p-3">
        <dt className="text-slate-600">Amount</dt>
        <dd className="font-medium tabular-nums">
          {signedAmountText(amount, currency, direction)} {currency} ({direction})
        </dd>
        <dt className="text-slate-600">Account</dt>
        <dd className="min-w-0 break-all">{account}</dd>
        <dt className="text-slate-600">Maker</dt>
        <dd>{request.makerName}</dd>
        <dt className="text-slate-600">Payload</dt>
        <dd className="font-mono text-xs">{shortId(request.payloadHash)}</dd>
      </dl>
      <p className="rounded-md border border-slate-200 bg-slate-50 px-3 py-2">
        {decision === "reject" ? (
          <>Rejecting closes the request: nothing is posted, and it cannot be approved afterwards.</>
        ) : isFinalApproval(request) ? (
          <>
            This is the final approval ({step}): it {movementText(amount, currency, direction)} {account} at once
            {balances ? <> — balance becomes {moneyText(balances.after, currency)}</> : null}.
          </>
        ) : (
          <>
            This is approval {step}: nothing moves until another checker also approves. Then it {movementText(amount, currency, direction)} {account}
            {balances ? <> — balance becomes {moneyText(balances.after, currency)} at today&apos;s balance</> : null}.
          </>
        )}
      </p>
      {balances && !balances.drift.isZero() && decision === "approve" ? (
        <p className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-amber-950">
          The balance moved by {balances.drift.greaterThan(0) ? "+" : ""}
          {moneyText(balances.drift, currency)} since the request was made. Check that the adjustment is still right.
        </p>
      ) : null}
    </div>
  );
}

function CancelDialog({ request, open, onClose, onCancelled }: { request: RequestDetailView; open: boolean; onClose: () => void; onCancelled: () => void }) {
  return (
    <Dialog open={open} onClose={onClose} title="Cancel this request">
      {open ? <CancelForm request={request} onClose={onClose} onCancelled={onCancelled} /> : null}
    </Dialog>
  );
}

function CancelForm({ request, onClose, onCancelled }: { request: RequestDetailView; onClose: () => void; onCancelled: () => void }) {
  const trpc = useTRPC();
  const invalidate = useInvalidateApprovals();
  const cancel = useMutation(
    trpc.approvals.cancel.mutationOptions({
      onSuccess: () => {
        toast.success("Request cancelled. Nothing was posted.");
        onCancelled();
        onClose();
      },
      onSettled: () => void invalidate(),
    }),
  );
  const fields = fieldErrorsOf(cancel.error);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    cancel.mutate({ requestId: request.id, reason: String(new FormData(event.currentTarget).get("reason") ?? "") });
  }

  return (
    <form className="flex flex-col gap-3" onSubmit={submit} noValidate>
      <p className="text-sm text-slate-700">
        The request is withdrawn: nothing is posted and nobody can approve it afterwards.
        {request.amount && request.currency && request.direction ? ` It would have ${movementText(request.amount, request.currency, request.direction)} ${request.accountName ?? "the account"}.` : ""}
      </p>
      <TextAreaField label="Reason" name="reason" required minLength={5} maxLength={500} error={fields.reason} hint="At least 5 characters; recorded in the audit trail." />
      <DialogActions
        error={cancel.error && !fields.reason ? errorMessage(cancel.error) : null}
        onCancel={onClose}
        cancelLabel="Keep request"
        variant="danger"
        disabled={cancel.isPending}
        submitLabel="Cancel request"
      />
    </form>
  );
}
