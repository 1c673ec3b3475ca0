"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import type { ExceptionDetail } from "@/server/recon/exceptions-schemas";
import { errorMessage, fieldErrorsOf, useTRPC } from "../../trpc";
import { Dialog, DialogActions } from "../../ui/dialog";
import { SelectField, TextAreaField, TextField } from "../../ui/field";
import { amountDisplay } from "../report/recon-format";

/**
 * Raises the maker-checker adjustment for an exception: account, currency and amount come from
 * the difference and cannot be changed here; the maker picks the direction (suggested from the
 * figures) and says why. Nothing posts until a checker approves.
 */
export function AdjustLedgerDialog({ exception, open, onClose }: { exception: ExceptionDetail; open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [idempotencyKey] = useState(() => `recon-adjust-${crypto.randomUUID()}`);
  const [direction, setDirection] = useState<"credit" | "debit">(exception.adjustment.suggestedDirection ?? "credit");
  const raise = useMutation(
    trpc.recon.exceptions.raiseAdjustment.mutationOptions({
      onSuccess: async (result) => {
        toast.success(`Adjustment raised for approval (${result.approvalsRequired} approval${result.approvalsRequired === 1 ? "" : "s"} needed).`);
        for (const warning of result.warnings) toast.warning(warning);
        onClose();
        await queryClient.invalidateQueries({ queryKey: trpc.recon.exceptions.pathKey() });
      },
    }),
  );
  const errors = fieldErrorsOf(raise.error);
  const amount = `${amountDisplay(exception.amount ?? "0", exception.currency)} ${exception.currency ?? ""}`;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    raise.mutate({ id: exception.id, direction, justification: String(form.get("justification") ?? ""), ticketRef: String(form.get("ticketRef") ?? ""), idempotencyKey });
  }

  return (
    <Dialog open={open} onClose={onClose} title="Adjust the ledger" wide>
      <form onSubmit={submit} className="flex flex-col gap-3 text-sm">
        <p>
          This raises a <strong>{direction}</strong> of <strong className="tabular-nums">{amount}</strong> to customer account <span className="font-mono text-xs">{exception.accountId}</span>, reason <em>reconciliation fix</em>, linked to this exception. It
          posts only after a checker approves it; the exception resolves when it executes.
        </p>
        <SelectField label="Direction" name="direction" value={direction} onChange={(event) => setDirection(event.target.value === "debit" ? "debit" : "credit")} error={errors.direction}>
          <option value="credit">Credit the customer{exception.adjustment.suggestedDirection === "credit" ? " (suggested)" : ""}</option>
          <option value="debit">Debit the customer{exception.adjustment.suggestedDirection === "debit" ? " (suggested)" : ""}</option>
        </SelectField>
        <TextAreaField label="Justification" name="justification" required minLength={20} maxLength={2000} error={errors.justification} hint="At least 20 characters: what the statement shows and why the ledger is wrong." />
        <TextField label="Ticket reference" name="ticketRef" required minLength={2} maxLength={100} error={errors.ticketRef} defaultValue={exception.reference ? `RECON-${exception.reference.slice(0, 40)}` : ""} />
        <DialogActions
          error={raise.error && !errors.direction && !errors.justification && !errors.ticketRef ? errorMessage(raise.error) : null}
          onCancel={onClose}
          cancelLabel="Back"
          disabled={raise.isPending}
          submitLabel={`Raise ${direction} of ${amount} for approval`}
        />
      </form>
    </Dialog>
  );
}
