"use client";

import type { FormEvent } from "react";
import { differenceClasses, type DifferenceClass } from "@/server/recon/report-schemas";
import { Button } from "../../ui/button";
import { SelectField, TextField } from "../../ui/field";
import { classLabels } from "./recon-format";
import type { ReportState } from "./report-state";

type FilterValues = Omit<ReportState, "cursor">;

/** The drill-down's filters; Enter or Apply puts them in the URL. */
export function DifferenceFilters({ state, facets, errors, onApply, onClear }: { state: ReportState; facets: { currencies: string[]; providers: string[] } | undefined; errors: Record<string, string>; onApply: (values: FilterValues) => void; onClear: () => void }) {
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => {
      const value = String(form.get(name) ?? "").trim();
      return value === "" ? null : value;
    };
    const klass = text("class") as DifferenceClass | null;
    onApply({ class: klass ? [klass] : null, currency: text("currency"), provider: text("provider"), from: text("from"), to: text("to"), reference: text("reference") });
  }
  const currentClass = state.class?.length === 1 ? state.class[0] : "";
  return (
    <form onSubmit={submit} aria-label="Difference filters" className="grid grid-cols-2 gap-3 rounded-md border border-slate-200 bg-white p-3 md:grid-cols-4 xl:grid-cols-7 print:hidden">
      <SelectField label="Class" name="class" defaultValue={currentClass} error={errors.class}>
        <option value="">Any class</option>
        {differenceClasses.map((klass) => (
          <option key={klass} value={klass}>
            {classLabels[klass]}
          </option>
        ))}
      </SelectField>
      <SelectField label="Currency" name="currency" defaultValue={state.currency ?? ""} error={errors.currency}>
        <option value="">Any currency</option>
        {state.currency && !facets?.currencies.includes(state.currency) ? <option value={state.currency}>{state.currency}</option> : null}
        {(facets?.currencies ?? []).map((currency) => (
          <option key={currency} value={currency}>
            {currency}
          </option>
        ))}
      </SelectField>
      <SelectField label="Provider" name="provider" defaultValue={state.provider ?? ""} error={errors.provider}>
        <option value="">Any provider</option>
        {state.provider && !facets?.providers.includes(state.provider) ? <option value={state.provider}>{state.provider}</option> : null}
        {(facets?.providers ?? []).map((provider) => (
          <option key={provider} value={provider}>
            {provider}
          </option>
        ))}
      </SelectField>
      <TextField label="From day (UTC)" name="from" type="date" defaultValue={state.from ?? ""} error={errors.from} />
      <TextField label="To day (UTC)" name="to" type="date" defaultValue={state.to ?? ""} error={errors.to} />
      <TextField label="Reference" name="reference" type="search" defaultValue={state.reference ?? ""} error={errors.reference} placeholder="Exact reference" />
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
