"use client";

import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { AlertTriangle } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState, type FormEvent } from "react";
import { toast } from "sonner";
import type { z } from "zod";
import { adjustmentReasons, justificationLengthMin, type adjustmentPreview } from "@/server/approvals/schemas";
import type { accountView } from "@/server/ledger/schemas";
import { formatAmountDisplay, parseAmount } from "@/server/money";
import { Amount } from "../ledger/amount";
import { accountHref } from "../ledger/entries-table";
import { AccountStatusBadge } from "../ledger/ledger-badges";
import { errorMessage, fieldErrorsOf, useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { CopyId } from "../ui/copy-id";
import { SelectField, TextAreaField, TextField } from "../ui/field";
import { ErrorState, Skeleton } from "../ui/states";
import { AdjustmentAmount, reasonLabels, requestHref, shortId, type Direction, type ReasonCode } from "./approval-format";
import { useInvalidateApprovals } from "./use-invalidate-approvals";

type Account = z.infer<typeof accountView>;
type Preview = z.infer<typeof adjustmentPreview>;

const previewDelayMs = 400;

function useDebounced<T>(value: T, delayMs: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return settled;
}

/** The amount as the server will read it, formatted for the button; null while it is not valid. */
function displayAmount(amount: string, currency: string): string | null {
  try {
    return formatAmountDisplay(parseAmount(amount.trim(), currency, { field: "amount" }), currency);
  } catch {
    return null;
  }
}

export function NewAdjustmentForm({ accountId }: { accountId: string }) {
  const trpc = useTRPC();
  const account = useQuery(trpc.ledger.account.queryOptions({ id: accountId }));
  if (account.isPending) return <Skeleton rows={10} />;
  if (account.error) return <ErrorState message={errorMessage(account.error)} onRetry={() => void account.refetch()} />;
  return (
    <div className="flex max-w-6xl flex-col gap-5">
      <div>
        <Link href={accountHref(account.data.id)} className="text-sm text-indigo-700 hover:underline">
          ← {account.data.name}
        </Link>
        <h1 className="mt-1 text-xl font-semibold">Raise an adjustment</h1>
        <p className="text-sm text-slate-600">A manual credit or debit to a customer&apos;s account. It posts only after the checkers the policy names approve it; you cannot approve your own.</p>
      </div>
      <AccountSummary account={account.data} />
      {account.data.customerId ? <AdjustmentForm account={account.data} /> : <ErrorState message="Manual adjustments apply to customer accounts only; this is a system account." />}
    </div>
  );
}

function AccountSummary({ account }: { account: Account }) {
  return (
    <section aria-label="Account" className="flex flex-wrap items-center gap-x-6 gap-y-2 rounded-md border border-slate-200 bg-white px-4 py-3 text-sm">
      <span className="font-medium">{account.name}</span>
      <AccountStatusBadge status={account.status} />
      <span>
        Code <CopyId value={account.code} />
      </span>
      <span>
        Balance <Amount value={account.cachedBalance} currency={account.currency} className="font-medium" />
      </span>
      {account.status === "open" ? null : (
        <span className="inline-flex items-center gap-1 text-amber-900">
          <AlertTriangle className="size-4" aria-hidden /> The account is {account.status}: an approved adjustment would fail to post.
        </span>
      )}
    </section>
  );
}

function AdjustmentForm({ account }: { account: Account }) {
  const trpc = useTRPC();
  const router = useRouter();
  const invalidate = useInvalidateApprovals();
  // One key per opened form: a double-click or a resubmission replays instead of raising twice.
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const [direction, setDirection] = useState<Direction>("credit");
  const [amount, setAmount] = useState("");
  const [reasonCode, setReasonCode] = useState<ReasonCode | "">("");
  const [justification, setJustification] = useState("");
  const previewInput = useDebounced({ accountId: account.id, direction, amount: amount.trim(), currency: account.currency, reasonCode }, previewDelayMs);
  const previewReady = previewInput.amount !== "" && previewInput.reasonCode !== "";
  const preview = useQuery({
    ...trpc.approvals.preview.queryOptions({ ...previewInput, reasonCode: previewInput.reasonCode === "" ? "other" : previewInput.reasonCode }),
    enabled: previewReady,
    placeholderData: keepPreviousData,
  });
  const create = useMutation(
    trpc.approvals.create.mutationOptions({
      onSuccess: (created) => {
        void invalidate();
        toast.success(created.warnings.length > 0 ? `Submitted for approval. ${created.warnings.join(" ")}` : "Submitted for approval.");
        router.push(requestHref(created.requestId));
      },
    }),
  );
  const submitErrors = fieldErrorsOf(create.error);
  const previewErrors = previewReady ? fieldErrorsOf(preview.error) : {};
  const errors = { ...previewErrors, ...submitErrors };
  const shownAmount = displayAmount(amount, account.currency);
  const justificationLength = justification.trim().length;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (create.isPending || create.isSuccess) return;
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? "").trim();
    create.mutate({
      idempotencyKey,
      accountId: account.id,
      direction,
      amount: amount.trim(),
      currency: account.currency,
      reasonCode: reasonCode as ReasonCode,
      justification,
      ticketRef: text("ticketRef"),
      reconExceptionId: text("reconExceptionId") === "" ? undefined : text("reconExceptionId"),
    });
  }

  return (
    <div className="grid gap-5 lg:grid-cols-[3fr_2fr]">
      <form onSubmit={submit} noValidate aria-label="Adjustment request" className="flex flex-col gap-3 rounded-md border border-slate-200 bg-white p-4">
        <fieldset className="flex flex-col gap-1">
          <legend className="text-xs font-medium text-slate-700">Direction</legend>
          <div className="flex gap-4 text-sm">
            {(["credit", "debit"] as const).map((option) => (
              <label key={option} className="inline-flex items-center gap-1.5">
                <input type="radio" name="direction" value={option} checked={direction === option} onChange={() => setDirection(option)} className="accent-indigo-600" />
                {option === "credit" ? "Credit (raises the balance)" : "Debit (lowers the balance)"}
              </label>
            ))}
          </div>
          {errors.direction ? <p className="text-xs text-rose-700">{errors.direction}</p> : null}
        </fieldset>
        <div className="grid grid-cols-[2fr_1fr] gap-3">
          <TextField
            label="Amount"
            name="amount"
            inputMode="decimal"
            autoComplete="off"
            placeholder="1250.00"
            value={amount}
            onChange={(event) => setAmount(event.target.value)}
            error={errors.amount}
            hint="Digits and a decimal point, at the currency's precision."
          />
          <TextField label="Currency" name="currency" value={account.currency} readOnly error={errors.currency} hint="The account's currency" />
        </div>
        <SelectField label="Reason" name="reasonCode" value={reasonCode} onChange={(event) => setReasonCode(event.target.value as ReasonCode | "")} error={errors.reasonCode}>
          <option value="">Choose a reason</option>
          {adjustmentReasons.map((reason) => (
            <option key={reason} value={reason}>
              {reasonLabels[reason]}
            </option>
          ))}
        </SelectField>
        <TextAreaField
          label="Justification"
          name="justification"
          rows={4}
          maxLength={2000}
          value={justification}
          onChange={(event) => setJustification(event.target.value)}
          error={errors.justification}
          hint={`${justificationLength} ${justificationLength === 1 ? "character" : "characters"}; at least ${justificationLengthMin}. The checkers read this.`}
        />
        <div className="grid grid-cols-2 gap-3">
          <TextField label="Ticket reference" name="ticketRef" autoComplete="off" error={errors.ticketRef} placeholder="SUP-4821" />
          <TextField label="Reconciliation exception id (optional)" name="reconExceptionId" autoComplete="off" spellCheck={false} error={errors.reconExceptionId} />
        </div>
        {create.error && Object.keys(submitErrors).length === 0 ? (
          <p role="alert" className="text-sm text-rose-700">
            {errorMessage(create.error)}
          </p>
        ) : null}
        <div className="flex justify-end gap-2">
          <Link href={accountHref(account.id)} className="inline-flex h-9 items-center rounded-md px-3.5 text-sm font-medium text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600">
            Back to the account
          </Link>
          <Button type="submit" disabled={create.isPending || create.isSuccess}>
            {create.isPending || create.isSuccess ? "Submitting…" : shownAmount ? `Submit ${direction} of ${shownAmount} ${account.currency} for approval` : "Submit for approval"}
          </Button>
        </div>
      </form>
      <PreviewPanel account={account} ready={previewReady} preview={preview.data} stale={preview.isFetching || previewInput.amount !== amount.trim()} failed={preview.isError} shownAmount={shownAmount} />
    </div>
  );
}

function PreviewPanel({ account, ready, preview, stale, failed, shownAmount }: { account: Account; ready: boolean; preview: Preview | undefined; stale: boolean; failed: boolean; shownAmount: string | null }) {
  return (
    <section aria-labelledby="preview-heading" aria-busy={stale} className="flex flex-col gap-3 rounded-md border border-slate-200 bg-white p-4 text-sm">
      <h2 id="preview-heading" className="text-sm font-semibold">
        Preview
      </h2>
      {!ready || !preview ? (
        <p className="text-slate-600">{failed ? "Fix the highlighted field to see the preview." : "Enter an amount and a reason to see the balance after, and which approvals the policy requires."}</p>
      ) : (
        <>
          {failed ? <p className="text-rose-700">Fix the highlighted field; this preview is for the last valid amount.</p> : null}
          <dl className="grid grid-cols-[9rem_1fr] gap-x-3 gap-y-2">
            <dt className="text-slate-600">Balance</dt>
            <dd data-testid="preview-balance">
              <Amount value={preview.balanceNow} currency={account.currency} /> → <Amount value={preview.balanceAfter} currency={account.currency} className="font-semibold" />
            </dd>
            <dt className="text-slate-600">Approvals</dt>
            <dd className="font-medium">
              Needs {preview.approvalsRequired === 1 ? "1 checker" : `${preview.approvalsRequired} checkers`} ({preview.approverRoles.join(" or ")})
            </dd>
            <dt className="text-slate-600">Policy rule</dt>
            <dd>
              <code className="font-mono text-xs">{preview.policyRule}</code>: {preview.policyRuleDescription}
              <span className="block text-xs text-slate-500">Policy version {preview.policyVersion}</span>
            </dd>
            <dt className="text-slate-600">Your daily cap</dt>
            <dd>
              {preview.dailyCapRemaining ? (
                <>
                  <Amount value={preview.dailyCapRemaining} currency={account.currency} /> remains today
                </>
              ) : (
                `No daily cap for ${account.currency}`
              )}
            </dd>
          </dl>
          {preview.balanceAfter.isNegative() ? (
            <p role="alert" className="rounded-md border border-rose-300 bg-rose-50 px-3 py-2 text-rose-900">
              The balance would go below zero: this debit would fail when approved.
            </p>
          ) : null}
          {preview.dailyCapRemaining && shownAmount && preview.dailyCapRemaining.lessThan(preview.balanceAfter.minus(preview.balanceNow).abs()) ? (
            <p role="alert" className="rounded-md border border-rose-300 bg-rose-50 px-3 py-2 text-rose-900">
              This is more than your daily cap allows; the request will be refused.
            </p>
          ) : null}
          {preview.pendingForAccount.length > 0 ? (
            <div role="alert" className="flex flex-col gap-1 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-amber-950">
              <p className="flex items-center gap-1.5 font-medium">
                <AlertTriangle className="size-4" aria-hidden />
                {preview.pendingForAccount.length === 1 ? "Another adjustment for this account is pending:" : `${preview.pendingForAccount.length} other adjustments for this account are pending:`}
              </p>
              <ul className="flex flex-col gap-0.5">
                {preview.pendingForAccount.map((other) => (
                  <li key={other.id} className="flex flex-wrap items-baseline gap-x-2">
                    <Link href={requestHref(other.id)} className="font-mono text-xs text-indigo-800 underline">
                      {shortId(other.id)}
                    </Link>
                    {other.amount && (other.direction === "credit" || other.direction === "debit") ? (
                      <AdjustmentAmount amount={other.amount} currency={account.currency} direction={other.direction} />
                    ) : null}
                    {other.reasonCode && other.reasonCode in reasonLabels ? <span>{reasonLabels[other.reasonCode as ReasonCode]}</span> : null}
                  </li>
                ))}
              </ul>
              <p className="text-xs">An identical pending request (same amount, direction and reason) is refused.</p>
            </div>
          ) : null}
        </>
      )}
    </section>
  );
}
