"use client";

import { differenceClasses } from "@/server/recon/report-schemas";
import { TextField } from "../../ui/field";
import { ChoiceField, FilterActions, filterSubmit, pick } from "../../ui/filter-form";
import { classLabels } from "./recon-format";
import type { ReportState } from "./report-state";

type FilterValues = Omit<ReportState, "cursor">;

/** The drill-down's filters; Enter or Apply puts them in the URL. */
export function DifferenceFilters({ state, facets, errors, onApply, onClear }: { state: ReportState; facets: { currencies: string[]; providers: string[] } | undefined; errors: Record<string, string>; onApply: (values: FilterValues) => void; onClear: () => void }) {
  const currentClass = state.class?.length === 1 ? state.class[0] : "";
  return (
    <form
      onSubmit={filterSubmit((text) => {
        const klass = pick(differenceClasses, text("class"));
        onApply({ class: klass ? [klass] : null, currency: text("currency"), provider: text("provider"), from: text("from"), to: text("to"), reference: text("reference") });
      })}
      aria-label="Difference filters"
      className="grid grid-cols-2 gap-3 rounded-md border border-slate-200 bg-white p-3 md:grid-cols-4 xl:grid-cols-7 print:hidden"
    >
      <ChoiceField label="Class" name="class" current={currentClass} anyLabel="Any class" choices={differenceClasses.map((klass) => ({ value: klass, label: classLabels[klass] }))} error={errors.class} />
      <ChoiceField label="Currency" name="currency" current={state.currency} anyLabel="Any currency" choices={facets?.currencies ?? []} error={errors.currency} />
      <ChoiceField label="Provider" name="provider" current={state.provider} anyLabel="Any provider" choices={facets?.providers ?? []} error={errors.provider} />
      <TextField label="From day (UTC)" name="from" type="date" defaultValue={state.from ?? ""} error={errors.from} />
      <TextField label="To day (UTC)" name="to" type="date" defaultValue={state.to ?? ""} error={errors.to} />
      <TextField label="Reference" name="reference" type="search" defaultValue={state.reference ?? ""} error={errors.reference} placeholder="Exact reference" />
      <FilterActions onClear={onClear} />
    </form>
  );
}
