"use client";

import { useQuery } from "@tanstack/react-query";
import { Hourglass } from "lucide-react";
import Link from "next/link";
import { useTRPC } from "../trpc";
import { AdjustmentAmount, agingText, reasonLabels, requestHref } from "./approval-format";

/** While an adjustment for the account waits for approval, the account page says so and links to it. */
export function PendingAdjustmentsBanner({ accountId }: { accountId: string }) {
  const trpc = useTRPC();
  const pending = useQuery(trpc.approvals.list.queryOptions({ queue: "all", accountId, status: "pending", limit: 20 }));
  const items = pending.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <section aria-label="Pending adjustments" className="flex items-start gap-2 rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-950">
      <Hourglass className="mt-0.5 size-4 shrink-0" aria-hidden />
      <div className="flex flex-col gap-1">
        <p className="font-medium">{items.length === 1 ? "An adjustment for this account is pending approval." : `${items.length} adjustments for this account are pending approval.`}</p>
        <ul className="flex flex-col gap-0.5">
          {items.map((item) => (
            <li key={item.id} className="flex flex-wrap items-baseline gap-x-2">
              {item.amount && item.currency && item.direction ? <AdjustmentAmount amount={item.amount} currency={item.currency} direction={item.direction} className="font-medium" /> : null}
              {item.reasonCode ? <span>{reasonLabels[item.reasonCode]}</span> : null}
              <span>
                · {item.approvals} of {item.approvalsRequired} approvals · raised by {item.makerName} · {agingText(item)}
              </span>
              <Link href={requestHref(item.id)} className="font-medium text-indigo-800 underline">
                View request
              </Link>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
