"use client";

import { exceptionStatuses } from "@/server/recon/exceptions-schemas";
import { differenceClasses } from "@/server/recon/report-schemas";
import { TextField } from "../../ui/field";
import { ChoiceField, FilterActions, filterSubmit, pick } from "../../ui/filter-form";
import { classLabels } from "../report/recon-format";
import type { ExceptionState } from "./exception-state";

type FilterValues = Omit<ExceptionState, "cursor" | "runId">;

export function ExceptionFilters({ state, assignees, errors, onApply, onClear }: { state: ExceptionState; assignees: { id: string; displayName: string }[]; errors: Record<string, string>; onApply: (values: FilterValues) => void; onClear: () => void }) {
  return (
    <form
      onSubmit={filterSubmit((text) => {
        const status = pick(exceptionStatuses, text("status"));
        const klass = pick(differenceClasses, text("class"));
        const age = text("minAgeDays");
        onApply({ status: status ? [status] : null, class: klass ? [klass] : null, assignee: text("assignee"), currency: text("currency")?.toUpperCase() ?? null, minAgeDays: age === null ? null : Number.parseInt(age, 10) });
      })}
      aria-label="Exception filters"
      className="grid grid-cols-2 gap-3 rounded-md border border-slate-200 bg-white p-3 md:grid-cols-3 xl:grid-cols-6"
    >
      <ChoiceField label="Status" name="status" current={state.status?.length === 1 ? state.status[0] : null} anyLabel="Unresolved" choices={exceptionStatuses} error={errors.status} />
      <ChoiceField label="Class" name="class" current={state.class?.length === 1 ? state.class[0] : null} anyLabel="Any class" choices={differenceClasses.map((klass) => ({ value: klass, label: classLabels[klass] }))} error={errors.class} />
      <ChoiceField label="Assignee" name="assignee" current={state.assignee} anyLabel="Anyone" choices={[{ value: "none", label: "Unassigned" }, ...assignees.map((member) => ({ value: member.id, label: member.displayName }))]} error={errors.assignee} />
      <TextField label="Currency" name="currency" defaultValue={state.currency ?? ""} error={errors.currency} placeholder="EUR" maxLength={3} />
      <TextField label="Open at least (days)" name="minAgeDays" type="number" min={0} max={3650} defaultValue={state.minAgeDays ?? ""} error={errors.minAgeDays} />
      <FilterActions onClear={onClear} />
    </form>
  );
}
