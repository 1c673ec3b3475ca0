"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { errorMessage, fieldErrorsOf, useTRPC } from "../trpc";
import { Dialog, DialogActions } from "../ui/dialog";
import { TextAreaField } from "../ui/field";

const reasonLengthMin = 10;

/** Discarding keeps the dead letter and marks it; it is never deleted, so the reason is required. */
export function DiscardDialog({ open, onClose, id, eventLabel }: { open: boolean; onClose: () => void; id: string; eventLabel: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState("");
  const discard = useMutation(
    trpc.deadLetters.discard.mutationOptions({
      onSuccess: async () => {
        toast.success(`Discarded ${eventLabel}.`);
        await queryClient.invalidateQueries({ queryKey: trpc.deadLetters.pathKey() });
        setReason("");
        onClose();
      },
    }),
  );
  const tooShort = reason.trim().length < reasonLengthMin;
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!tooShort) discard.mutate({ id, reason: reason.trim() });
  }
  return (
    <Dialog open={open} onClose={onClose} title={`Discard ${eventLabel}`}>
      <form onSubmit={submit} className="flex flex-col gap-3">
        <p className="text-sm text-slate-700">The event will not be replayed. The dead letter stays in the list, marked discarded, with your reason in the audit trail.</p>
        <TextAreaField
          label="Reason"
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          required
          maxLength={500}
          error={fieldErrorsOf(discard.error).reason ?? (discard.error ? errorMessage(discard.error) : undefined)}
          hint={`At least ${reasonLengthMin} characters; ${reason.trim().length}/500`}
        />
        <DialogActions onCancel={onClose} cancelLabel="Keep it" variant="danger" disabled={tooShort || discard.isPending} submitLabel="Discard dead letter" />
      </form>
    </Dialog>
  );
}
