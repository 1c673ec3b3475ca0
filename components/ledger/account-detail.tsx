"use client";

import { useQuery } from "@tanstack/react-query";
import { AlertTriangle, Lock, Scale } from "lucide-react";
import Link from "next/link";
import type { z } from "zod";
import type { accountView } from "@/server/ledger/schemas";
import { PendingAdjustmentsBanner } from "../approvals/pending-adjustments-banner";
import { usePermissions } from "../shell/use-permissions";
import { errorMessage, useTRPC } from "../trpc";
import { Badge } from "../ui/badge";
import { CopyId } from "../ui/copy-id";
import { ErrorState, Skeleton } from "../ui/states";
import { AccountStatement } from "./account-statement";
import { Amount } from "./amount";
import { BalanceAsOf } from "./balance-as-of";
import { AccountStatusBadge } from "./ledger-badges";

type Account = z.infer<typeof accountView>;

export function AccountDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const { has } = usePermissions();
  const account = useQuery(trpc.ledger.account.queryOptions({ id }));
  if (account.isPending) return <Skeleton rows={12} />;
  if (account.error) return <ErrorState message={errorMessage(account.error)} onRetry={() => void account.refetch()} />;
  return (
    <div className="flex max-w-6xl flex-col gap-5">
      <AccountHeader account={account.data} />
      {has("adjustment.read") && account.data.customerId ? <PendingAdjustmentsBanner accountId={account.data.id} /> : null}
      <Balances account={account.data} />
      <BalanceAsOf accountId={account.data.id} currency={account.data.currency} entryCount={account.data.entryCount} />
      <AccountStatement accountId={account.data.id} currency={account.data.currency} />
    </div>
  );
}

function AccountHeader({ account }: { account: Account }) {
  const { has } = usePermissions();
  return (
    <div>
      <Link href="/transactions" className="text-sm text-indigo-700 hover:underline">
        ← Transactions
      </Link>
      <div className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1">
        <h1 className="text-xl font-semibold">{account.name}</h1>
        <AccountStatusBadge status={account.status} />
        <Badge tone="neutral">{account.type}</Badge>
        <Badge tone="info">{account.purpose}</Badge>
        <Badge tone="neutral">{account.currency}</Badge>
        {has("adjustment.create") ? <RaiseAdjustment account={account} /> : null}
      </div>
      <div className="mt-1 flex flex-wrap items-center gap-x-5 gap-y-1 text-sm text-slate-600">
        <span>
          Code <CopyId value={account.code} />
        </span>
        <span>
          Id <CopyId value={account.id} short />
        </span>
        {account.customerId ? (
          <span className="inline-flex items-center gap-1">
            Owner{" "}
            {has("customer.read") ? (
              <Link href={`/customers/${account.customerId}`} className="font-mono text-xs text-indigo-700 hover:underline" aria-label={`Owner customer ${account.customerId}`}>
                customer {account.customerId.slice(0, 8)}…
              </Link>
            ) : (
              <CopyId value={account.customerId} short />
            )}
          </span>
        ) : (
          <span>System account (no owner)</span>
        )}
        <Link href={`/transactions?accountId=${account.id}`} className="text-indigo-700 hover:underline">
          Search this account&apos;s transactions
        </Link>
      </div>
    </div>
  );
}

/** Makers raise an adjustment from the account it is for; system accounts take none. */
function RaiseAdjustment({ account }: { account: Account }) {
  const linkClass = "inline-flex h-8 items-center gap-1.5 rounded-md px-2.5 text-xs font-medium";
  if (!account.customerId) {
    return (
      <span className="ml-auto flex items-center gap-2">
        <span id="raise-needs" className="inline-flex items-center gap-1 text-xs text-slate-600">
          <Lock className="size-3" aria-hidden /> Adjustments apply to customer accounts only
        </span>
        <span role="link" aria-disabled="true" aria-describedby="raise-needs" className={`${linkClass} cursor-not-allowed border border-slate-200 text-slate-500`}>
          <Scale className="size-3.5" aria-hidden /> Raise adjustment
        </span>
      </span>
    );
  }
  return (
    <Link
      href={`/approvals/new?accountId=${account.id}`}
      className={`${linkClass} ml-auto bg-indigo-600 text-white hover:bg-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600`}
    >
      <Scale className="size-3.5" aria-hidden /> Raise adjustment
    </Link>
  );
}

function Balances({ account }: { account: Account }) {
  return (
    <section aria-labelledby="balances-heading" className="flex flex-col gap-2">
      <h2 id="balances-heading" className="sr-only">
        Balances
      </h2>
      {account.balancesAgree ? null : (
        <div role="alert" className="flex items-start gap-2 rounded-md border border-rose-300 bg-rose-50 px-4 py-3 text-sm text-rose-900">
          <AlertTriangle className="mt-0.5 size-4 shrink-0" aria-hidden />
          <p>
            The cached balance differs from the ledger by <Amount value={account.cachedBalance.minus(account.derivedBalance)} currency={account.currency} signed />. The ledger is authoritative;
            do not act on the cached figure. ledger:verify reports this account, and the difference needs an exception, not a silent fix.
          </p>
        </div>
      )}
      <div className="grid gap-3 sm:grid-cols-2">
        <BalanceCard label="Cached balance" note="The read model updated with each posting" value={<Amount value={account.cachedBalance} currency={account.currency} />} />
        <BalanceCard
          label="Ledger-derived balance"
          note={`The sum of all ${account.entryCount.toLocaleString("en-US")} entries, on the ${account.type === "asset" || account.type === "expense" ? "debit" : "credit"} side`}
          value={<Amount value={account.derivedBalance} currency={account.currency} />}
          status={account.balancesAgree ? <Badge tone="success">agrees</Badge> : <Badge tone="danger">differs</Badge>}
        />
      </div>
    </section>
  );
}

function BalanceCard({ label, note, value, status }: { label: string; note: string; value: React.ReactNode; status?: React.ReactNode }) {
  return (
    <div className="rounded-md border border-slate-200 bg-white px-4 py-3">
      <div className="flex items-center justify-between">
        <p className="text-xs font-medium uppercase tracking-wide text-slate-600">{label}</p>
        {status}
      </div>
      <p className="mt-1 text-2xl font-semibold">{value}</p>
      <p className="text-xs text-slate-500">{note}</p>
    </div>
  );
}
