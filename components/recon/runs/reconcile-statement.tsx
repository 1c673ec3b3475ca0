"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { usePermissions } from "../../shell/use-permissions";
import { errorMessage, useTRPC } from "../../trpc";
import { Button } from "../../ui/button";
import { SelectField } from "../../ui/field";

type StatementScope = "payments" | "withdrawals";

/**
 * Reconciles one statement on its own: a recorded run over exactly this import (not every
 * statement of the last days), then its report. The idempotency key is made once per mount, so a
 * double click records one run.
 */
export function ReconcileStatement({ importId, provider }: { importId: string; provider: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const { has } = usePermissions();
  const [scope, setScope] = useState<StatementScope>("payments");
  const [idempotencyKey] = useState(() => `statement-run-${crypto.randomUUID()}`);
  const start = useMutation(
    trpc.recon.runs.start.mutationOptions({
      onSuccess: (result) => {
        if (result.status === "completed") toast.success(`Run recorded: ${result.summary?.differences ?? 0} differences, ${result.exceptionsOpened} new exceptions.`);
        else toast.error(`The run failed: ${result.failureReason ?? "unknown reason"}. It is recorded as failed.`);
        router.push(`/reconciliation/runs/${result.runId}`);
      },
    }),
  );
  if (!has("recon.run")) return null;
  return (
    <div role="group" aria-label="Reconcile this statement" className="flex flex-wrap items-end gap-3 border-t border-slate-100 pt-3">
      <SelectField label="Compare" value={scope} className="w-40" onChange={(event) => setScope(event.target.value === "withdrawals" ? "withdrawals" : "payments")}>
        <option value="payments">payments</option>
        <option value="withdrawals">withdrawals</option>
      </SelectField>
      <Button disabled={start.isPending} onClick={() => start.mutate({ scope, provider, importIds: [importId], idempotencyKey: `${idempotencyKey}-${scope}` })}>
        Reconcile this statement
      </Button>
      {start.error ? <p role="alert" className="text-sm text-rose-700">{errorMessage(start.error)}</p> : null}
    </div>
  );
}
