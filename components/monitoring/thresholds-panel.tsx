"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { usePermissions } from "../shell/use-permissions";
import { errorMessage, fieldErrorsOf, useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { Dialog, DialogActions } from "../ui/dialog";
import { SelectField, TextAreaField, TextField } from "../ui/field";
import { ErrorState, Skeleton } from "../ui/states";
import { UtcTime } from "../ui/time";
import { thresholdText } from "./format";

interface MonitorRow {
  key: string;
  title: string;
  unit: string;
  threshold: { version: number; warning: string; critical: string; direction: "above" | "below"; params: Record<string, number> };
  paramDefinitions: Record<string, { label: string; min: number; max: number }>;
}

function ProposeDialog({ monitor, onClose }: { monitor: MonitorRow; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [warning, setWarning] = useState(monitor.threshold.warning);
  const [critical, setCritical] = useState(monitor.threshold.critical);
  const [direction, setDirection] = useState(monitor.threshold.direction);
  const [params, setParams] = useState<Record<string, string>>(Object.fromEntries(Object.entries(monitor.threshold.params).map(([name, value]) => [name, String(value)])));
  const [justification, setJustification] = useState("");
  const propose = useMutation(
    trpc.monitoring.proposeThreshold.mutationOptions({
      onSuccess: async () => {
        toast.success("Threshold change proposed; another administrator or compliance officer must approve it.");
        await queryClient.invalidateQueries({ queryKey: trpc.monitoring.pathKey() });
        onClose();
      },
    }),
  );
  const errors = fieldErrorsOf(propose.error);
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    propose.mutate({ monitor: monitor.key, warning: warning.trim(), critical: critical.trim(), direction, params: Object.fromEntries(Object.entries(params).map(([name, value]) => [name, Number.parseInt(value, 10)])), justification: justification.trim() });
  }
  return (
    <Dialog open onClose={onClose} title={`Propose thresholds: ${monitor.title}`}>
      <form onSubmit={submit} className="flex flex-col gap-3">
        <p className="text-sm text-slate-700">
          In force: {thresholdText(monitor.threshold, monitor.unit)} (version {monitor.threshold.version}). Values are in {monitor.unit}. Nothing changes until someone else approves.
        </p>
        <div className="grid grid-cols-3 gap-2">
          <TextField label={`Warning (${monitor.unit})`} value={warning} onChange={(event) => setWarning(event.target.value)} inputMode="decimal" required error={errors.warning} />
          <TextField label={`Critical (${monitor.unit})`} value={critical} onChange={(event) => setCritical(event.target.value)} inputMode="decimal" required error={errors.critical} />
          <SelectField label="Worse when" value={direction} onChange={(event) => setDirection(event.target.value as "above" | "below")}>
            <option value="above">above</option>
            <option value="below">below</option>
          </SelectField>
        </div>
        {Object.entries(monitor.paramDefinitions).map(([name, definition]) => (
          <TextField key={name} label={definition.label} value={params[name] ?? ""} onChange={(event) => setParams({ ...params, [name]: event.target.value })} inputMode="numeric" required error={errors[`params.${name}`]} />
        ))}
        <TextAreaField label="Justification" value={justification} onChange={(event) => setJustification(event.target.value)} required maxLength={1000} error={errors.justification} hint="Why the new values; at least 10 characters" />
        <DialogActions
          error={propose.error && Object.keys(errors).length === 0 ? errorMessage(propose.error) : null}
          onCancel={onClose}
          disabled={propose.isPending}
          submitLabel="Propose change"
        />
      </form>
    </Dialog>
  );
}

function PendingRequests({ canDecide, units }: { canDecide: boolean; units: Map<string, { title: string; unit: string }> }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const requests = useQuery(trpc.monitoring.thresholdRequests.queryOptions({ status: "pending", limit: 20 }));
  const decide = useMutation(
    trpc.monitoring.decideThreshold.mutationOptions({
      onSuccess: async (result) => {
        toast.success(result.status === "executed" ? `Approved: ${result.resultRef ?? "new version"} is in force.` : `Request ${result.status}.`);
        await queryClient.invalidateQueries({ queryKey: trpc.monitoring.pathKey() });
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
  const [rejecting, setRejecting] = useState<{ id: string; payloadHash: string; title: string } | null>(null);
  const [reason, setReason] = useState("");
  if (requests.isPending) return <Skeleton rows={1} />;
  if (requests.error) return <ErrorState message={errorMessage(requests.error)} onRetry={() => void requests.refetch()} />;
  if (requests.data.length === 0) return <p className="text-sm text-slate-600">No threshold change is waiting for approval.</p>;
  const reject = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!rejecting || reason.trim() === "") return;
    decide.mutate({ requestId: rejecting.id, payloadHash: rejecting.payloadHash, decision: "reject", comment: reason.trim() }, { onSuccess: () => { setRejecting(null); setReason(""); } });
  };
  return (
    <>
    <Dialog open={rejecting !== null} onClose={() => setRejecting(null)} title={`Reject thresholds: ${rejecting?.title ?? ""}`}>
      <form onSubmit={reject} className="flex flex-col gap-3">
        <TextAreaField label="Why reject it" value={reason} onChange={(event) => setReason(event.target.value)} required maxLength={500} hint="The maker reads this." />
        <div className="flex justify-end gap-2">
          <Button variant="ghost" onClick={() => setRejecting(null)}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" disabled={reason.trim() === "" || decide.isPending}>
            Reject change
          </Button>
        </div>
      </form>
    </Dialog>
    <ul className="flex flex-col gap-2">
      {requests.data.map((request) => {
        const monitor = units.get(request.monitor) ?? { title: request.monitor, unit: "" };
        return (
          <li key={request.id} className="rounded border border-amber-300 bg-amber-50 p-2 text-sm">
            <p className="font-medium">{monitor.title}</p>
            <p>
              From {request.current ? thresholdText(request.current, monitor.unit) : "—"} (v{request.basedOnVersion}) to <strong>{thresholdText(request.proposed, monitor.unit)}</strong>
              {Object.keys(request.proposed.params).length > 0 ? ` with ${JSON.stringify(request.proposed.params)}` : ""}.
            </p>
            <p className="text-slate-700">“{request.justification}” · proposed <UtcTime value={request.createdAt} showAge /></p>
            {canDecide ? (
              <div className="mt-1 flex gap-2">
                <Button size="sm" onClick={() => decide.mutate({ requestId: request.id, payloadHash: request.payloadHash, decision: "approve" })} disabled={decide.isPending}>
                  Approve new thresholds
                </Button>
                <Button size="sm" variant="secondary" disabled={decide.isPending} onClick={() => setRejecting({ id: request.id, payloadHash: request.payloadHash, title: monitor.title })}>
                  Reject
                </Button>
              </div>
            ) : null}
          </li>
        );
      })}
    </ul>
    </>
  );
}

/** Thresholds in force per monitor; administrators and compliance propose changes, and a different one approves. */
export function ThresholdsPanel() {
  const trpc = useTRPC();
  const { has } = usePermissions();
  const canPropose = has("policy.manage");
  const overview = useQuery(trpc.monitoring.overview.queryOptions());
  const [editing, setEditing] = useState<MonitorRow | null>(null);
  if (overview.isPending) return <Skeleton rows={3} />;
  if (overview.error) return <ErrorState message={errorMessage(overview.error)} onRetry={() => void overview.refetch()} />;
  const units = new Map(overview.data.map((monitor) => [monitor.key, { title: monitor.title, unit: monitor.unit }]));
  return (
    <section aria-labelledby="thresholds" className="flex flex-col gap-3 rounded-md border border-slate-200 bg-white p-3">
      <h2 id="thresholds" className="text-sm font-semibold text-slate-800">
        Thresholds
      </h2>
      <PendingRequests canDecide={canPropose} units={units} />
      <table className="w-full text-sm">
        <caption className="sr-only">Thresholds in force</caption>
        <thead className="text-left text-xs text-slate-600">
          <tr>
            <th scope="col" className="py-1 font-medium">Monitor</th>
            <th scope="col" className="py-1 font-medium">In force</th>
            <th scope="col" className="py-1 font-medium">Settings</th>
            <th scope="col" className="py-1 text-right font-medium">Version</th>
            <th scope="col" className="py-1">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {overview.data.map((monitor) => (
            <tr key={monitor.key} className="border-t border-slate-100">
              <td className="py-1.5">{monitor.title}</td>
              <td className="py-1.5 text-slate-700">{thresholdText(monitor.threshold, monitor.unit)}</td>
              <td className="py-1.5 text-xs text-slate-600">
                {Object.entries(monitor.threshold.params)
                  .map(([name, value]) => `${name} ${value}`)
                  .join(", ") || "—"}
              </td>
              <td className="py-1.5 text-right tabular-nums">{monitor.threshold.version}</td>
              <td className="py-1.5 text-right">
                {canPropose ? (
                  <Button size="sm" variant="ghost" onClick={() => setEditing(monitor)} aria-label={`Propose thresholds for ${monitor.title}`}>
                    Propose change
                  </Button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing ? <ProposeDialog monitor={editing} onClose={() => setEditing(null)} /> : null}
    </section>
  );
}
