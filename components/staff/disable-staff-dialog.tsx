"use client";

import { useMutation } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { toast } from "sonner";
import type { StaffView } from "@/server/staff/schemas";
import { errorMessage, fieldErrorsOf, useTRPC } from "../trpc";
import { Dialog, DialogActions } from "../ui/dialog";
import { TextField } from "../ui/field";

export function DisableStaffDialog({ member, onClose, onDisabled }: { member: StaffView | null; onClose: () => void; onDisabled: () => void }) {
  const trpc = useTRPC();
  const disable = useMutation(
    trpc.staff.disable.mutationOptions({
      onSuccess: (updated) => {
        toast.success(`${updated.displayName} is disabled and signed out everywhere.`);
        onDisabled();
        onClose();
      },
    }),
  );
  const fields = fieldErrorsOf(disable.error);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!member) return;
    const form = new FormData(event.currentTarget);
    disable.mutate({ staffId: member.id, reason: String(form.get("reason") ?? "") });
  }

  return (
    <Dialog open={member !== null} onClose={onClose} title={`Disable ${member?.displayName ?? ""}`}>
      <form className="flex flex-col gap-3" onSubmit={submit} noValidate>
        <p className="text-sm text-slate-700">They are signed out at once and cannot sign in again. Their history stays.</p>
        <TextField label="Reason" name="reason" required error={fields.reason} />
        <DialogActions
          error={disable.error && Object.keys(fields).length === 0 ? errorMessage(disable.error) : null}
          onCancel={onClose}
          variant="danger"
          disabled={disable.isPending}
          submitLabel="Disable account"
        />
      </form>
    </Dialog>
  );
}
