"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { editChangesMax } from "@/server/deadletters/schemas";
import { formatUtc } from "@/lib/time";
import { errorMessage, fieldErrorsOf, useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { Dialog, DialogActions } from "../ui/dialog";
import { TextAreaField } from "../ui/field";

interface Edit {
  id: string;
  status: string;
  editorId: string;
  editorName: string;
  reason: string;
  diff: { path: string; before: unknown; after: unknown }[];
  payloadHash: string;
  createdAt: Date;
}

function valueAt(payload: Record<string, unknown>, path: string): unknown {
  return path.split(".").reduce<unknown>((node, key) => (node !== null && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), payload);
}

const shown = (value: unknown) => (value === undefined ? "(absent)" : typeof value === "string" ? value : JSON.stringify(value));

/** The changes a JSON object of path to new value describes; only changed, editable paths count. */
function changesOf(text: string, editablePaths: string[], payload: Record<string, unknown>): { changes: { path: string; value: string }[] } | { error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { error: "Not valid JSON: an object of field path to new value is expected." };
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return { error: "An object of field path to new value is expected." };
  const changes: { path: string; value: string }[] = [];
  for (const [path, value] of Object.entries(parsed)) {
    if (!editablePaths.includes(path)) return { error: `${path} is not an editable field.` };
    const text = typeof value === "string" ? value : JSON.stringify(value);
    if (text !== shown(valueAt(payload, path))) changes.push({ path, value: text });
  }
  if (changes.length === 0) return { error: "Nothing changed." };
  if (changes.length > editChangesMax) return { error: `At most ${editChangesMax} fields per edit.` };
  return { changes };
}

export function EditPayloadDialog({ open, onClose, id, editablePaths, payload }: { open: boolean; onClose: () => void; id: string; editablePaths: string[]; payload: Record<string, unknown> }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const initial = JSON.stringify(Object.fromEntries(editablePaths.map((path) => [path, valueAt(payload, path) ?? ""])), null, 2);
  const [text, setText] = useState(initial);
  const [reason, setReason] = useState("");
  const [localError, setLocalError] = useState<string | null>(null);
  const propose = useMutation(
    trpc.deadLetters.proposeEdit.mutationOptions({
      onSuccess: async () => {
        toast.success("Edit proposed. A second person must approve it before the dead letter replays.");
        await queryClient.invalidateQueries({ queryKey: trpc.deadLetters.pathKey() });
        onClose();
      },
    }),
  );
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const result = changesOf(text, editablePaths, payload);
    if ("error" in result) {
      setLocalError(result.error);
      return;
    }
    setLocalError(null);
    propose.mutate({ id, changes: result.changes, reason: reason.trim() });
  }
  const serverErrors = fieldErrorsOf(propose.error);
  return (
    <Dialog open={open} onClose={onClose} title="Edit payload" wide>
      <form onSubmit={submit} className="flex flex-col gap-3">
        <p className="text-sm text-slate-700">Only the fields below can change. The edit is kept as a diff and replays only after a second person with deadletter.replay approves it.</p>
        <TextAreaField label="Editable fields (JSON)" value={text} onChange={(event) => setText(event.target.value)} rows={Math.min(12, editablePaths.length + 3)} className="font-mono" spellCheck={false} error={localError ?? serverErrors.changes} />
        <TextAreaField label="Reason" value={reason} onChange={(event) => setReason(event.target.value)} required maxLength={500} error={serverErrors.reason} hint="Why the payload is wrong, at least 10 characters" />
        <DialogActions
          error={propose.error && Object.keys(serverErrors).length === 0 ? errorMessage(propose.error) : null}
          onCancel={onClose}
          disabled={propose.isPending || reason.trim().length < 10}
          submitLabel="Propose edit for approval"
        />
      </form>
    </Dialog>
  );
}

/** A pending edit's diff; another person with deadletter.replay approves or rejects it, never its editor. */
export function PendingEdit({ edit, canReplay }: { edit: Edit; canReplay: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { staleTime: 60_000 }));
  const decide = useMutation(
    trpc.deadLetters.decideEdit.mutationOptions({
      onSuccess: async (result) => {
        toast.success(result.status === "approved" ? "Edit approved: the dead letter replays with the edited payload." : "Edit rejected.");
        await queryClient.invalidateQueries({ queryKey: trpc.deadLetters.pathKey() });
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
  const ownEdit = me.data?.staffId === edit.editorId;
  const blocked = !canReplay ? "Needs deadletter.replay" : ownEdit ? "You proposed this edit; a second person must decide it." : null;
  return (
    <section aria-labelledby={`edit-${edit.id}`} className="flex flex-col gap-2 rounded-md border border-amber-300 bg-amber-50/60 p-3 text-sm">
      <h3 id={`edit-${edit.id}`} className="font-semibold text-slate-900">
        Edit awaiting approval, proposed by {edit.editorName} at {formatUtc(edit.createdAt)}
      </h3>
      <p className="text-slate-700">Reason: {edit.reason}</p>
      <table className="w-full text-xs">
        <caption className="sr-only">Proposed changes</caption>
        <thead className="text-left text-slate-600">
          <tr>
            <th scope="col" className="py-1 pr-3 font-medium">Field</th>
            <th scope="col" className="py-1 pr-3 font-medium">Before</th>
            <th scope="col" className="py-1 font-medium">After</th>
          </tr>
        </thead>
        <tbody className="font-mono">
          {edit.diff.map((change) => (
            <tr key={change.path} className="border-t border-amber-200">
              <td className="py-1 pr-3">{change.path}</td>
              <td className="py-1 pr-3 text-rose-800 line-through">{shown(change.before)}</td>
              <td className="py-1 text-emerald-800">{shown(change.after)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="flex flex-wrap items-center gap-2">
        <Button size="sm" disabled={blocked !== null || decide.isPending} onClick={() => decide.mutate({ editId: edit.id, payloadHash: edit.payloadHash, decision: "approve" })}>
          Approve edit and replay
        </Button>
        <Button size="sm" variant="secondary" disabled={blocked !== null || decide.isPending} onClick={() => decide.mutate({ editId: edit.id, payloadHash: edit.payloadHash, decision: "reject" })}>
          Reject edit
        </Button>
        {blocked ? <span className="text-xs font-medium text-amber-900">{blocked}</span> : null}
      </div>
    </section>
  );
}
