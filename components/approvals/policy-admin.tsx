"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { toast } from "sonner";
import { justificationLengthMin, policyDocumentSchema, type ActivePolicyView, type PolicyDocument, type RequestSummary } from "@/server/approvals/schemas";
import { errorMessage, fieldErrorsOf, useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { CopyId } from "../ui/copy-id";
import { DataTable } from "../ui/data-table";
import { TextAreaField } from "../ui/field";
import { EmptyState, ErrorState, Skeleton } from "../ui/states";
import { UtcTime } from "../ui/time";
import { agingText, ApprovalsProgress, requestHref, RequestStatusBadge, shortId } from "./approval-format";
import { PolicyDiff, PolicyRulesTable, type PolicyDoc } from "./policy-diff";
import { useInvalidateApprovals } from "./use-invalidate-approvals";

export function PolicyAdmin() {
  const trpc = useTRPC();
  const policy = useQuery(trpc.approvals.policy.queryOptions());
  return (
    <div className="flex max-w-6xl flex-col gap-6">
      <header>
        <h1 className="text-xl font-semibold">Approval policy</h1>
        <p className="text-sm text-slate-600">
          Which adjustments need one checker or two, who may approve, and each maker&apos;s daily cap. A change is itself a request that two compliance officers or administrators other than
          you must approve.
        </p>
      </header>
      {policy.isPending ? <Skeleton rows={10} /> : null}
      {policy.error ? <ErrorState message={errorMessage(policy.error)} onRetry={() => void policy.refetch()} /> : null}
      {policy.data ? <ActivePolicy policy={policy.data} /> : null}
      <PendingPolicyChanges />
      {policy.data ? <ProposeChange key={policy.data.version} policy={policy.data} /> : null}
    </div>
  );
}

function ActivePolicy({ policy }: { policy: ActivePolicyView }) {
  const caps = Object.entries(policy.dailyCaps).sort(([a], [b]) => a.localeCompare(b));
  return (
    <section aria-labelledby="active-heading" className="flex flex-col gap-3">
      <div className="flex flex-wrap items-baseline gap-x-4 gap-y-1">
        <h2 id="active-heading" className="text-base font-semibold">
          Active policy: version {policy.version}
        </h2>
        <span className="text-sm text-slate-600">
          In effect since <UtcTime value={policy.activatedAt} showAge />
          {policy.requestId ? (
            <>
              {" "}
              through{" "}
              <Link href={requestHref(policy.requestId)} className="font-mono text-xs text-indigo-700 hover:underline">
                request {shortId(policy.requestId)}
              </Link>
            </>
          ) : (
            " (the initial policy)"
          )}
        </span>
      </div>
      <p className="text-sm text-slate-700">Rules are tried in order; the first whose conditions all hold decides. Amounts are in the rule&apos;s currency.</p>
      <PolicyRulesTable rules={policy.rules} caption={`Rules of policy version ${policy.version}, in the order they are tried`} />
      <div className="grid gap-3 sm:grid-cols-[2fr_1fr]">
        <div className="overflow-x-auto rounded-md border border-slate-200 bg-white">
          <table className="w-full border-collapse text-sm">
            <caption className="sr-only">Daily caps per maker and currency</caption>
            <thead className="bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="border-b border-slate-200 px-3 py-2">
                  Currency
                </th>
                <th scope="col" className="border-b border-slate-200 px-3 py-2 text-right">
                  Daily cap per maker
                </th>
              </tr>
            </thead>
            <tbody>
              {caps.map(([currency, cap]) => (
                <tr key={currency} className="border-b border-slate-100 last:border-0">
                  <td className="px-3 py-1.5 font-mono text-xs">{currency}</td>
                  <td className="px-3 py-1.5 text-right tabular-nums">
                    {cap} <span className="text-xs text-slate-500">{currency}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="rounded-md border border-slate-200 bg-white px-4 py-3">
          <p className="text-xs font-medium uppercase tracking-wide text-slate-600">Requests expire after</p>
          <p className="mt-1 text-2xl font-semibold tabular-nums">{policy.expiryHours} hours</p>
          <p className="text-xs text-slate-500">An expired request is never executed.</p>
        </div>
      </div>
    </section>
  );
}

const changeColumns: ColumnDef<RequestSummary, unknown>[] = [
  {
    header: "Request",
    accessorKey: "id",
    cell: ({ row }) => (
      <span className="inline-flex items-center gap-1">
        <Link href={requestHref(row.original.id)} aria-label={`Policy change ${row.original.id}`} className="font-mono text-xs text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600">
          {shortId(row.original.id)}
        </Link>
        <CopyId value={row.original.id} iconOnly />
      </span>
    ),
  },
  { header: "Status", accessorKey: "status", cell: ({ row }) => <RequestStatusBadge status={row.original.status} /> },
  { header: "Approvals", accessorKey: "approvals", cell: ({ row }) => <ApprovalsProgress approvals={row.original.approvals} required={row.original.approvalsRequired} /> },
  { header: "Proposed by", accessorKey: "makerName" },
  {
    header: "Created (UTC)",
    accessorKey: "createdAt",
    cell: ({ row }) => (
      <span className="flex flex-col">
        <UtcTime value={row.original.createdAt} />
        <span className="text-xs text-slate-600">{agingText(row.original)}</span>
      </span>
    ),
  },
];

function PendingPolicyChanges() {
  const trpc = useTRPC();
  const router = useRouter();
  const changes = useQuery(trpc.approvals.policyChanges.queryOptions({ status: "pending" }));
  return (
    <section aria-labelledby="pending-heading" className="flex flex-col gap-2">
      <h2 id="pending-heading" className="text-base font-semibold">
        Pending policy changes
      </h2>
      {changes.isPending ? <Skeleton rows={3} /> : null}
      {changes.error ? <ErrorState message={errorMessage(changes.error)} onRetry={() => void changes.refetch()} /> : null}
      {changes.data && changes.data.items.length === 0 ? <EmptyState title="No policy change is waiting for approval." /> : null}
      {changes.data && changes.data.items.length > 0 ? (
        <DataTable caption="Pending policy changes, newest first" columns={changeColumns} data={changes.data.items} getRowId={(row) => row.id} onRowOpen={(row) => router.push(requestHref(row.id))} />
      ) : null}
    </section>
  );
}

function editableDocument(policy: ActivePolicyView): PolicyDoc {
  return { rules: policy.rules, dailyCaps: policy.dailyCaps, expiryHours: policy.expiryHours };
}

type Parsed = { ok: true; document: PolicyDocument } | { ok: false; problems: string[] };

/** The text as a policy document, or every problem with the path it is at ("rules.1.maxAmount"). */
function parsePolicy(text: string): Parsed {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`Not valid JSON: ${error instanceof Error ? error.message : String(error)}`] };
  }
  const result = policyDocumentSchema.safeParse(raw);
  if (result.success) return { ok: true, document: result.data };
  return { ok: false, problems: result.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "policy"}: ${issue.message}`) };
}

function ProposeChange({ policy }: { policy: ActivePolicyView }) {
  const trpc = useTRPC();
  const router = useRouter();
  const invalidate = useInvalidateApprovals();
  const problemsId = useId();
  const current = editableDocument(policy);
  const initial = JSON.stringify(current, null, 2);
  const [text, setText] = useState(initial);
  const [justification, setJustification] = useState("");
  // One key per opened form: a double-click replays instead of proposing twice.
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const parsed = parsePolicy(text);
  const unchanged = parsed.ok && JSON.stringify(parsed.document) === JSON.stringify(policyDocumentSchema.parse(current));
  const propose = useMutation(
    trpc.approvals.proposePolicy.mutationOptions({
      onSuccess: (created) => {
        void invalidate();
        toast.success("Policy change proposed. Two approvals from people other than you activate it.");
        router.push(requestHref(created.requestId));
      },
    }),
  );
  const fields = fieldErrorsOf(propose.error);
  const serverPolicyProblems = Object.entries(fields)
    .filter(([field]) => field.startsWith("policy"))
    .map(([field, message]) => `${field.replace(/^policy\.?/, "") || "policy"}: ${message}`);
  const problems = parsed.ok ? serverPolicyProblems : parsed.problems;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!parsed.ok || unchanged || propose.isPending || propose.isSuccess) return;
    propose.mutate({ idempotencyKey, justification, policy: parsed.document });
  }

  return (
    <section aria-labelledby="propose-heading" className="flex flex-col gap-3">
      <h2 id="propose-heading" className="text-base font-semibold">
        Propose a change
      </h2>
      <form onSubmit={submit} noValidate aria-label="Propose a policy change" className="flex flex-col gap-3 rounded-md border border-slate-200 bg-white p-4">
        <p className="text-sm text-slate-700">
          Edit the policy as JSON. Each rule may name a <code className="font-mono text-xs">currency</code>, <code className="font-mono text-xs">reasonCodes</code>,{" "}
          <code className="font-mono text-xs">accountTypes</code>, <code className="font-mono text-xs">minAmount</code> and <code className="font-mono text-xs">maxAmount</code>; the last rule
          should have none of them (the catch-all). Below, the proposal is checked and compared with version {policy.version} as you type.
        </p>
        <div className="flex flex-col gap-1">
          <div className="flex items-end justify-between">
            <label htmlFor="policy-json" className="text-xs font-medium text-slate-700">
              Proposed policy (JSON)
            </label>
            <Button size="sm" variant="ghost" onClick={() => setText(initial)} disabled={text === initial}>
              Reset to version {policy.version}
            </Button>
          </div>
          <textarea
            id="policy-json"
            name="policy"
            rows={18}
            spellCheck={false}
            value={text}
            onChange={(event) => setText(event.target.value)}
            aria-invalid={problems.length > 0 ? true : undefined}
            aria-describedby={problems.length > 0 ? problemsId : undefined}
            className="w-full rounded-md border border-slate-300 bg-slate-50 p-2.5 font-mono text-xs leading-relaxed text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-600 aria-invalid:border-rose-500"
          />
          {problems.length > 0 ? (
            <div id={problemsId} role="alert" className="rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-xs text-rose-800">
              <p className="font-medium">
                {problems.length === 1 ? "1 problem" : `${problems.length} problems`} in the proposed policy:
              </p>
              <ul className="mt-1 list-disc pl-4 font-mono">
                {problems.map((problem) => (
                  <li key={problem}>{problem}</li>
                ))}
              </ul>
            </div>
          ) : null}
        </div>
        {parsed.ok ? (
          <div className="flex flex-col gap-2">
            <h3 className="text-sm font-semibold">Compared with version {policy.version}</h3>
            <PolicyDiff before={current} after={parsed.document} beforeLabel={`version ${policy.version}`} />
          </div>
        ) : null}
        <TextAreaField
          label="Justification"
          name="justification"
          rows={3}
          maxLength={2000}
          value={justification}
          onChange={(event) => setJustification(event.target.value)}
          error={fields.justification}
          hint={`${justification.trim().length} characters; at least ${justificationLengthMin}. The approvers read this.`}
        />
        {propose.error && Object.keys(fields).length === 0 ? (
          <p role="alert" className="text-sm text-rose-700">
            {errorMessage(propose.error)}
          </p>
        ) : null}
        <div className="flex items-center justify-end gap-3">
          {unchanged ? <span className="text-xs text-slate-600">Nothing to propose yet: the text matches version {policy.version}.</span> : null}
          <Button type="submit" disabled={!parsed.ok || unchanged || propose.isPending || propose.isSuccess}>
            {propose.isPending || propose.isSuccess ? "Proposing…" : "Propose change for approval"}
          </Button>
        </div>
      </form>
    </section>
  );
}
