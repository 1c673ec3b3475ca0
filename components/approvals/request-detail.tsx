"use client";

import { useQuery } from "@tanstack/react-query";
import { AlertTriangle } from "lucide-react";
import Link from "next/link";
import type { ReactNode } from "react";
import type { RequestDetailView } from "@/server/approvals/schemas";
import { Amount } from "../ledger/amount";
import { accountHref } from "../ledger/entries-table";
import { transactionHref } from "../ledger/transaction-table";
import { errorMessage, useTRPC } from "../trpc";
import { CopyId } from "../ui/copy-id";
import { DescriptionList } from "../ui/description-list";
import { ErrorState, Skeleton } from "../ui/states";
import { UtcTime } from "../ui/time";
import { AdjustmentAmount, ApprovalsProgress, expiryText, moneyText, reasonLabels, RequestStatusBadge } from "./approval-format";
import { PolicyDiff } from "./policy-diff";
import { RequestActions } from "./request-actions";
import { RequestTimeline } from "./request-timeline";

export interface DetailViewer {
  staffId: string;
  canReadAudit: boolean;
  /** Administrators manage policy without reading adjustments: they open policy changes only. */
  policyChangesOnly: boolean;
}

export function RequestDetail({ id, viewer }: { id: string; viewer: DetailViewer }) {
  const trpc = useTRPC();
  const adjustmentReader = useQuery({ ...trpc.approvals.get.queryOptions({ id }), enabled: !viewer.policyChangesOnly });
  const policyReader = useQuery({ ...trpc.approvals.policyChange.queryOptions({ id }), enabled: viewer.policyChangesOnly });
  const detail = viewer.policyChangesOnly ? policyReader : adjustmentReader;
  if (detail.isPending) return <Skeleton rows={14} />;
  if (detail.error) return <ErrorState message={errorMessage(detail.error)} onRetry={() => void detail.refetch()} />;
  const request = detail.data;
  return (
    <div className="flex max-w-6xl flex-col gap-5">
      <RequestHeader request={request} backHref={viewer.policyChangesOnly ? "/policy" : "/approvals"} />
      <Outcome request={request} />
      {request.status === "pending" || request.status === "expired" ? <RequestActions request={request} viewerId={viewer.staffId} onChanged={() => void detail.refetch()} /> : null}
      {request.kind === "adjustment" ? (
        <div className="grid gap-5 lg:grid-cols-[3fr_2fr]">
          <RequestFacts request={request} />
          <CheckerPreview request={request} />
        </div>
      ) : (
        <>
          <RequestFacts request={request} />
          <ProposedPolicy request={request} />
        </>
      )}
      <Approvals request={request} />
      <PayloadHash request={request} />
      <RequestTimeline timeline={request.timeline} canReadAudit={viewer.canReadAudit} />
    </div>
  );
}

function RequestHeader({ request, backHref }: { request: RequestDetailView; backHref: string }) {
  const title =
    request.kind === "policy_change"
      ? "Policy change"
      : request.kind === "monitor_threshold"
        ? `Monitor threshold change: ${request.monitorThreshold?.monitor ?? ""}`
        : request.amount && request.currency && request.direction
        ? `${request.direction === "credit" ? "Credit" : "Debit"} ${moneyText(request.amount, request.currency)}`
        : "Adjustment";
  return (
    <div>
      <Link href={backHref} className="text-sm text-indigo-700 hover:underline">
        ← {backHref === "/policy" ? "Policy" : "Approvals"}
      </Link>
      <div className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1">
        <h1 className="text-xl font-semibold">{title}</h1>
        <RequestStatusBadge status={request.status} />
        <span className="text-sm text-slate-700" aria-label={`${request.approvals} of ${request.approvalsRequired} approvals`}>
          <ApprovalsProgress approvals={request.approvals} required={request.approvalsRequired} /> approvals
        </span>
      </div>
      <div className="mt-1 flex flex-wrap items-center gap-x-5 gap-y-1 text-sm text-slate-600">
        <span>
          {request.kind === "adjustment"
            ? `${request.reasonCode ? reasonLabels[request.reasonCode] : "Manual"} adjustment`
            : request.kind === "monitor_threshold"
              ? `Proposed thresholds, based on version ${request.monitorThreshold?.basedOnVersion ?? "?"}: warning ${request.monitorThreshold?.current?.warning ?? "?"} → ${request.monitorThreshold?.proposed.warning ?? "?"}, critical ${request.monitorThreshold?.current?.critical ?? "?"} → ${request.monitorThreshold?.proposed.critical ?? "?"} (${request.monitorThreshold?.proposed.direction ?? ""})`
              : `Proposed policy, based on version ${request.policyChange?.basedOnVersion ?? request.policyVersion}`}
        </span>
        <span>
          Request <CopyId value={request.id} />
        </span>
      </div>
    </div>
  );
}

/** A decided request says how it ended, first. */
function Outcome({ request }: { request: RequestDetailView }) {
  if (request.status === "executed") {
    return (
      <p role="status" className="rounded-md border border-emerald-300 bg-emerald-50 px-4 py-3 text-sm text-emerald-950">
        Executed{request.decidedAt ? <> at <UtcTime value={request.decidedAt} /></> : null}:{" "}
        {request.kind === "adjustment" && request.resultRef ? (
          <>
            posted as{" "}
            <Link href={transactionHref(request.resultRef)} className="font-mono text-xs text-indigo-800 underline">
              transaction {request.resultRef}
            </Link>
            .
          </>
        ) : (
          <>the policy is now version {request.resultRef}.</>
        )}
      </p>
    );
  }
  if (request.status === "failed") {
    return (
      <p role="alert" className="rounded-md border border-rose-300 bg-rose-50 px-4 py-3 text-sm text-rose-900">
        Approved, but execution failed and nothing was posted: {request.failureReason}
      </p>
    );
  }
  if (request.status === "rejected") {
    const rejection = request.decisions.find((decision) => decision.decision === "reject");
    return (
      <p role="status" className="rounded-md border border-rose-200 bg-rose-50 px-4 py-3 text-sm text-rose-900">
        Rejected by {rejection?.approverName ?? "a checker"}
        {rejection?.comment ? `: “${rejection.comment}”` : "."} Nothing was posted.
      </p>
    );
  }
  if (request.status === "cancelled") {
    return (
      <p role="status" className="rounded-md border border-slate-200 bg-slate-100 px-4 py-3 text-sm text-slate-800">
        Cancelled by the maker. Nothing was posted.
      </p>
    );
  }
  return null;
}

function RequestFacts({ request }: { request: RequestDetailView }) {
  const expiry = expiryText(request.expiresAt);
  const items: [string, ReactNode][] = [["Kind", request.kind === "adjustment" ? "Manual adjustment" : request.kind === "monitor_threshold" ? "Monitor threshold change" : "Policy change"], ["Status", <RequestStatusBadge key="status" status={request.status} />]];
  if (request.kind === "adjustment") {
    items.push(
      [
        "Amount",
        request.amount && request.currency && request.direction ? (
          <span key="amount">
            <AdjustmentAmount amount={request.amount} currency={request.currency} direction={request.direction} className="font-medium" /> <span className="text-slate-600">({request.direction})</span>
          </span>
        ) : null,
      ],
      [
        "Account",
        request.accountId ? (
          <span key="account" className="flex flex-col">
            <Link href={accountHref(request.accountId)} className="text-indigo-700 hover:underline">
              {request.accountName ?? "Account"}
            </Link>
            {request.accountCode ? <CopyId value={request.accountCode} /> : null}
          </span>
        ) : null,
      ],
      ["Reason", request.reasonCode ? reasonLabels[request.reasonCode] : null],
      ["Justification", request.justification ? <span key="justification" className="whitespace-pre-wrap">{request.justification}</span> : null],
      ["Ticket", request.ticketRef ? <CopyId key="ticket" value={request.ticketRef} /> : null],
      [
        "Reconciliation exception",
        request.reconExceptionId ? (
          <span key="recon" className="inline-flex items-center gap-1">
            <Link href={`/reconciliation/exceptions/${request.reconExceptionId}`} className="font-mono text-xs text-indigo-700 hover:underline">
              {request.reconExceptionId}
            </Link>
            <CopyId value={request.reconExceptionId} iconOnly />
          </span>
        ) : null,
      ],
    );
  } else {
    items.push(["Justification", request.justification ? <span key="justification" className="whitespace-pre-wrap">{request.justification}</span> : null]);
  }
  items.push(
    ["Maker", <span key="maker">{request.makerName} <CopyId value={request.makerId} short /></span>],
    ["Created", <UtcTime key="created" value={request.createdAt} showAge />],
    ["Expires", <span key="expires"><UtcTime value={request.expiresAt} /> <span className="text-slate-500">({request.status === "pending" || request.status === "expired" ? expiry : "closed"})</span></span>],
  );
  if (request.decidedAt) items.push(["Decided", <UtcTime key="decided" value={request.decidedAt} showAge />]);
  items.push(
    ["Policy", <span key="policy">Version {request.policyVersion}, rule <code className="font-mono text-xs">{request.policyRule}</code></span>],
    ["Rule says", request.policyRuleDescription],
    ["May approve", request.approverRoles.join(", ")],
  );
  return (
    <section aria-labelledby="facts-heading" className="flex flex-col gap-2">
      <h2 id="facts-heading" className="text-sm font-semibold">
        Request
      </h2>
      <DescriptionList items={items} />
    </section>
  );
}

/** Balance when the request was made, now, and after approval; any drift since is called out. */
function CheckerPreview({ request }: { request: RequestDetailView }) {
  const { balances, currency } = request;
  if (!balances || !currency) return null;
  const pending = request.status === "pending";
  // Once decided, the balance includes the adjustment itself; drift only matters while someone may still approve.
  const drifted = pending && !balances.drift.isZero();
  return (
    <section aria-labelledby="preview-heading" className="flex flex-col gap-2">
      <h2 id="preview-heading" className="text-sm font-semibold">
        Checker&apos;s preview
      </h2>
      <dl className="grid grid-cols-[1fr_auto] gap-x-4 gap-y-2 rounded-md border border-slate-200 bg-white p-4 text-sm">
        <dt className="text-slate-600">Balance at request time</dt>
        <dd className="text-right">
          <Amount value={balances.atRequest} currency={currency} />
        </dd>
        <dt className="text-slate-600">Balance now</dt>
        <dd className="text-right">
          <Amount value={balances.now} currency={currency} className="font-medium" />
        </dd>
        {pending ? (
          <>
            <dt className={drifted ? "font-medium text-amber-900" : "text-slate-600"}>Drift since the request</dt>
            <dd className={drifted ? "rounded bg-amber-100 px-1.5 text-right ring-1 ring-amber-300" : "text-right"}>
              <Amount value={balances.drift} currency={currency} signed />
            </dd>
            <dt className="text-slate-600">Balance after approval</dt>
            <dd className="text-right">
              <Amount value={balances.after} currency={currency} className="font-semibold" />
            </dd>
          </>
        ) : null}
      </dl>
      {pending ? null : <p className="text-xs text-slate-600">The request is {request.status}; the balance now includes whatever it posted.</p>}
      {drifted ? (
        <p className="flex items-start gap-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950">
          <AlertTriangle className="mt-0.5 size-4 shrink-0" aria-hidden />
          The balance moved since the request was made. Check that the adjustment is still right before approving.
        </p>
      ) : null}
      {pending && balances.after.isNegative() ? (
        <p role="alert" className="rounded-md border border-rose-300 bg-rose-50 px-3 py-2 text-sm text-rose-900">
          The balance would go below zero: execution would fail with insufficient funds.
        </p>
      ) : null}
    </section>
  );
}

function ProposedPolicy({ request }: { request: RequestDetailView }) {
  const change = request.policyChange;
  if (!change) return null;
  return (
    <section aria-labelledby="proposed-heading" className="flex flex-col gap-2">
      <h2 id="proposed-heading" className="text-sm font-semibold">
        Proposed policy against version {change.basedOnVersion}
      </h2>
      {request.status === "pending" && change.activeVersion !== change.basedOnVersion ? (
        <p role="alert" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950">
          The active policy is now version {change.activeVersion}: approving this replaces it with the proposal below, which was written against version {change.basedOnVersion}.
        </p>
      ) : null}
      {change.basedOn ? <PolicyDiff before={change.basedOn} after={change.proposed} beforeLabel={`version ${change.basedOnVersion}`} /> : null}
    </section>
  );
}

function Approvals({ request }: { request: RequestDetailView }) {
  const remaining = Math.max(request.approvalsRequired - request.approvals, 0);
  return (
    <section aria-labelledby="approvals-heading" className="flex flex-col gap-2">
      <h2 id="approvals-heading" className="text-sm font-semibold">
        Approvals: {request.approvals} of {request.approvalsRequired}
      </h2>
      <ul aria-label="Decisions" className="divide-y divide-slate-100 rounded-md border border-slate-200 bg-white text-sm">
        {request.decisions.map((decision) => (
          <li key={decision.approverId} className="flex flex-wrap items-baseline gap-x-3 gap-y-0.5 px-3 py-2">
            <span className={decision.decision === "approve" ? "font-medium text-emerald-800" : "font-medium text-rose-800"}>{decision.decision === "approve" ? "Approved" : "Rejected"}</span>
            <span>by {decision.approverName}</span>
            <UtcTime value={decision.createdAt} showAge />
            {decision.comment ? <span className="basis-full text-slate-700">“{decision.comment}”</span> : null}
          </li>
        ))}
        {request.status === "pending" && remaining > 0 ? (
          <li className="px-3 py-2 text-slate-600">
            Needs {remaining} more {remaining === 1 ? "approval" : "approvals"} from {request.approverRoles.join(" or ")}, never the maker{request.decisions.length > 0 ? " or an earlier checker" : ""}.
          </li>
        ) : null}
        {request.decisions.length === 0 && request.status !== "pending" ? <li className="px-3 py-2 text-slate-600">No decisions were made.</li> : null}
      </ul>
    </section>
  );
}

function PayloadHash({ request }: { request: RequestDetailView }) {
  return (
    <section aria-labelledby="payload-heading" className="flex flex-col gap-2">
      <h2 id="payload-heading" className="text-sm font-semibold">
        What is approved
      </h2>
      <div className="rounded-md border border-slate-200 bg-white p-4 text-sm">
        <dl className="grid grid-cols-[10rem_1fr] gap-x-4">
          <dt className="text-slate-600">Payload SHA-256</dt>
          <dd className="min-w-0 break-all">
            <CopyId value={request.payloadHash} />
          </dd>
        </dl>
        <p className="mt-1 text-xs text-slate-600">Every approval binds to this hash of the canonical payload below. If the stored request changes, approval is refused.</p>
        <details className="mt-2">
          <summary className="cursor-pointer text-xs font-medium text-indigo-700">Canonical payload</summary>
          <pre className="mt-2 overflow-x-auto rounded-md bg-slate-900 p-3 font-mono text-xs text-slate-100">{JSON.stringify(request.payload, null, 2)}</pre>
        </details>
      </div>
    </section>
  );
}
