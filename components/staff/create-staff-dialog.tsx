"use client";

import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { passwordMinLength } from "@/server/auth/password-rules";
import { roleLabels, roles, type Role } from "@/server/auth/permissions";
import { errorMessage, fieldErrorsOf, useTRPC } from "../trpc";
import { Dialog, DialogActions } from "../ui/dialog";
import { SelectField, TextField } from "../ui/field";

export function CreateStaffDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: () => void }) {
  const trpc = useTRPC();
  // One key per opened form: a double-click or a retry replays instead of creating twice.
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const create = useMutation(
    trpc.staff.create.mutationOptions({
      onSuccess: (member) => {
        toast.success(`Created ${member.displayName} (${roleLabels[member.role]}).`);
        setIdempotencyKey(crypto.randomUUID());
        onCreated();
        onClose();
      },
    }),
  );
  const fields = fieldErrorsOf(create.error);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    create.mutate({
      idempotencyKey,
      email: String(form.get("email") ?? ""),
      displayName: String(form.get("displayName") ?? ""),
      role: String(form.get("role") ?? "support") as Role,
      initialPassword: String(form.get("initialPassword") ?? ""),
    });
  }

  return (
    <Dialog open={open} onClose={onClose} title="Add staff member">
      <form className="flex flex-col gap-3" onSubmit={submit} noValidate>
        <TextField label="Email" name="email" type="email" required error={fields.email} autoComplete="off" />
        <TextField label="Display name" name="displayName" required error={fields.displayName} autoComplete="off" />
        <SelectField label="Role" name="role" defaultValue="support" error={fields.role}>
          {roles.map((role) => (
            <option key={role} value={role}>
              {roleLabels[role]}
            </option>
          ))}
        </SelectField>
        <TextField
          label="Initial password"
          name="initialPassword"
          type="password"
          required
          autoComplete="new-password"
          error={fields.initialPassword}
          hint={`At least ${passwordMinLength} characters. Share it over a separate channel.`}
        />
        <DialogActions
          error={create.error && Object.keys(fields).length === 0 ? errorMessage(create.error) : null}
          onCancel={onClose}
          disabled={create.isPending}
          submitLabel={create.isPending ? "Creating…" : "Create account"}
          className="mt-2"
        />
      </form>
    </Dialog>
  );
}
