"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { errorMessage, fieldErrorsOf, useTRPC } from "../trpc";
import { Dialog, DialogActions } from "../ui/dialog";
import { TextAreaField } from "../ui/field";

const commentLengthMin = 3;

/** Acknowledge ("someone is on it") or resolve ("the cause is dealt with"); both need a comment for the record. */
export function AlertActionDialog({ action, alert, onClose }: { action: "acknowledge" | "resolve" | null; alert: { id: string; monitorTitle: string }; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [comment, setComment] = useState("");
  const options = {
    onSuccess: async () => {
      toast.success(action === "acknowledge" ? "Alert acknowledged." : "Alert resolved.");
      await queryClient.invalidateQueries({ queryKey: trpc.monitoring.pathKey() });
      setComment("");
      onClose();
    },
  };
  const acknowledge = useMutation(trpc.monitoring.acknowledge.mutationOptions(options));
  const resolve = useMutation(trpc.monitoring.resolve.mutationOptions(options));
  const mutation = action === "resolve" ? resolve : acknowledge;
  const tooShort = comment.trim().length < commentLengthMin;
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!tooShort) mutation.mutate({ alertId: alert.id, comment: comment.trim() });
  }
  const verb = action === "resolve" ? "Resolve" : "Acknowledge";
  return (
    <Dialog open={action !== null} onClose={onClose} title={`${verb} alert: ${alert.monitorTitle}`}>
      <form onSubmit={submit} className="flex flex-col gap-3">
        <p className="text-sm text-slate-700">
          {action === "resolve"
            ? "Resolving closes this alert for good. If the monitor is still failing, the next check opens a new alert."
            : "Acknowledging tells colleagues someone is on it. The alert stays open until it is resolved; if it gets worse, it is reopened."}
        </p>
        <TextAreaField
          label="Comment"
          value={comment}
          onChange={(event) => setComment(event.target.value)}
          required
          maxLength={500}
          error={fieldErrorsOf(mutation.error).comment ?? (mutation.error ? errorMessage(mutation.error) : undefined)}
          hint={`What you found or did; ${comment.trim().length}/500`}
        />
        <DialogActions onCancel={onClose} disabled={tooShort || mutation.isPending} submitLabel={`${verb} alert`} />
      </form>
    </Dialog>
  );
}
