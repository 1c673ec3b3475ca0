"use client";

import type { FormEvent } from "react";
import { exceptionStatuses, type ExceptionStatus } from "@/server/recon/exceptions-schemas";
import { differenceClasses, type DifferenceClass } from "@/server/recon/report-schemas";
import { Button } from "../../ui/button";
import { SelectField, TextField } from "../../ui/field";
import { classLabels } from "../report/recon-format";
import type { ExceptionState } from "./exception-state";

type FilterValues = Omit<ExceptionState, "cursor" | "runId">;

export function ExceptionFilters({ state, assignees, errors, onApply, onClear }: { state: ExceptionState; assignees: { id: string; displayName: string }[]; errors: Record<string, string>; onApply: (values: FilterValues) => void; onClear: () => void }) {
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => {
      const value = String(form.get(name) ?? "").trim();
      return value === "" ? null : value;
    };
    const status = text("status") as ExceptionStatus | null;
    const klass = text("class") as DifferenceClass | null;
    const age = text("minAgeDays");
    onApply({ status: status ? [status] : null, class: klass ? [klass] : null, assignee: text("assignee"), currency: text("currency")?.toUpperCase() ?? null, minAgeDays: age === null ? null : Number.parseInt(age, 10) });
  }
  return (
    <form onSubmit={submit} aria-label="Exception filters" className="grid grid-cols-2 gap-3 rounded-md border border-slate-200 bg-white p-3 md:grid-cols-3 xl:grid-cols-6">
      <SelectField label="Status" name="status" defaultValue={state.status?.length === 1 ? state.status[0] : ""} error={errors.status}>
        <option value="">Unresolved</option>
        {exceptionStatuses.map((status) => (
          <option key={status} value={status}>
            {status}
          </option>
        ))}
      </SelectField>
      <SelectField label="Class" name="class" defaultValue={state.class?.length === 1 ? state.class[0] : ""} error={errors.class}>
        <option value="">Any class</option>
        {differenceClasses.map((klass) => (
          <option key={klass} value={klass}>
            {classLabels[klass]}
          </option>
        ))}
      </SelectField>
      <SelectField label="Assignee" name="assignee" defaultValue={state.assignee ?? ""} error={errors.assignee}>
        <option value="">Anyone</option>
        <option value="none">Unassigned</option>
        {assignees.map((member) => (
          <option key={member.id} value={member.id}>
            {member.displayName}
          </option>
        ))}
      </SelectField>
      <TextField label="Currency" name="currency" defaultValue={state.currency ?? ""} error={errors.currency} placeholder="EUR" maxLength={3} />
      <TextField label="Open at least (days)" name="minAgeDays" type="number" min={0} max={3650} defaultValue={state.minAgeDays ?? ""} error={errors.minAgeDays} />
      <div className="flex items-end gap-2">
        <Button type="submit" variant="secondary">
          Apply
        </Button>
        <Button variant="ghost" onClick={onClear}>
          Clear
        </Button>
      </div>
    </form>
  );
}
