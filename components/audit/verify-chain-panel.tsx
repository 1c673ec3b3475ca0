"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ShieldAlert, ShieldCheck } from "lucide-react";
import { errorMessage, useTRPC } from "../trpc";
import { Button } from "../ui/button";

export function VerifyChainPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const verify = useMutation(
    trpc.audit.verifyChain.mutationOptions({ onSettled: () => void queryClient.invalidateQueries({ queryKey: trpc.audit.checkpointStatus.queryKey() }) }),
  );
  const result = verify.data;
  return (
    <div className="flex flex-wrap items-center gap-3">
      <Button variant="secondary" onClick={() => verify.mutate(undefined)} disabled={verify.isPending}>
        {verify.isPending ? "Verifying…" : "Verify chain"}
      </Button>
      <div role="status" aria-live="polite" className="text-sm">
        {result?.ok ? (
          <span className="inline-flex items-center gap-1 text-emerald-800">
            <ShieldCheck className="size-4" aria-hidden />
            Chain intact: {result.checked.toLocaleString("en-US")} records verified against {result.checkpointsChecked.toLocaleString("en-US")} signed checkpoints in {Math.round(result.elapsedMs).toLocaleString("en-US")} ms (head seq {result.headSeq}).
          </span>
        ) : null}
        {result && !result.ok ? (
          <span className="inline-flex items-center gap-1 font-medium text-rose-800">
            <ShieldAlert className="size-4" aria-hidden />
            Chain broken at seq {result.firstBreak?.seq}: {result.firstBreak?.reason.replaceAll("_", " ")} ({result.firstBreak?.detail}). Checked {result.checked.toLocaleString("en-US")} records in{" "}
            {Math.round(result.elapsedMs)} ms.
          </span>
        ) : null}
        {verify.error ? <span className="text-rose-800">{errorMessage(verify.error)}</span> : null}
      </div>
    </div>
  );
}
