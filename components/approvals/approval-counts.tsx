"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../trpc";

/** How often the queues' counts are fetched again while the console is open. */
export const countsRefreshMs = 30_000;

export function useApprovalCounts() {
  const trpc = useTRPC();
  return useQuery(trpc.approvals.counts.queryOptions(undefined, { refetchInterval: countsRefreshMs, staleTime: 5_000 }));
}

/** The navigation's small badges: requests waiting for my decision, and my own still pending. */
export function NavApprovalCounts() {
  const counts = useApprovalCounts();
  if (!counts.data) return null;
  const { waitingForMe, myPending } = counts.data;
  return (
    <span className="flex items-center gap-1">
      {waitingForMe > 0 ? (
        <span className="rounded bg-amber-300 px-1.5 text-[11px] font-semibold tabular-nums text-slate-900" title={`${waitingForMe} waiting for your decision`}>
          {waitingForMe}
          <span className="sr-only"> waiting for you</span>
        </span>
      ) : null}
      {myPending > 0 ? (
        <span className="rounded bg-slate-600 px-1.5 text-[11px] font-semibold tabular-nums text-white" title={`${myPending} of your requests pending`}>
          {myPending}
          <span className="sr-only"> of yours pending</span>
        </span>
      ) : null}
    </span>
  );
}
