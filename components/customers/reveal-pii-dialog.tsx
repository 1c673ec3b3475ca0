"use client";

import { useMutation } from "@tanstack/react-query";
import type { FormEvent } from "react";
import type { z } from "zod";
import type { revealedPii } from "@/server/customers/schemas";
import { errorMessage, fieldErrorsOf, useTRPC } from "../trpc";
import { Dialog, DialogActions } from "../ui/dialog";
import { TextField } from "../ui/field";

export type RevealedPii = z.infer<typeof revealedPii>;

const reasonLengthMin = 10;

/** Asks why, then reveals; the server writes the reveal and its reason into the audit trail. */
export function RevealPiiDialog({ customerId, open, onClose, onRevealed }: { customerId: string; open: boolean; onClose: () => void; onRevealed: (pii: RevealedPii) => void }) {
  const trpc = useTRPC();
  const reveal = useMutation(
    trpc.customers.revealPii.mutationOptions({
      onSuccess: (pii) => {
        onRevealed(pii);
        onClose();
      },
    }),
  );
  const fields = fieldErrorsOf(reveal.error);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    reveal.mutate({ customerId, reason: String(new FormData(event.currentTarget).get("reason") ?? "") });
  }

  return (
    <Dialog
      open={open}
      onClose={() => {
        reveal.reset();
        onClose();
      }}
      title="Reveal personal data"
    >
      <form className="flex flex-col gap-3" onSubmit={submit} noValidate>
        <p className="text-sm text-slate-700">
          The full name, email and date of birth are shown to you only. The reveal and your reason are recorded in the audit trail, where compliance and auditors read them.
        </p>
        <TextField label="Reason" name="reason" required minLength={reasonLengthMin} error={fields.reason} hint={`At least ${reasonLengthMin} characters, e.g. the ticket you are working.`} autoComplete="off" />
        <DialogActions error={reveal.error && !fields.reason ? errorMessage(reveal.error) : null} onCancel={onClose} disabled={reveal.isPending} submitLabel="Reveal and record" />
      </form>
    </Dialog>
  );
}
