"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../trpc";

/** After a decision: every queue, count and request view, and the ledger views whose balances moved. */
export function useInvalidateApprovals(): () => Promise<void> {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return async () => {
    await Promise.all([queryClient.invalidateQueries({ queryKey: trpc.approvals.pathKey() }), queryClient.invalidateQueries({ queryKey: trpc.ledger.pathKey() })]);
  };
}
