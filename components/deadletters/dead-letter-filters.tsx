"use client";

import type { FormEvent } from "react";
import { Button } from "../ui/button";
import { SelectField, TextField } from "../ui/field";
import type { DeadLetterState } from "./dead-letter-state";

type FilterValues = Omit<DeadLetterState, "cursor">;

export interface Facets {
  handlers: string[];
  eventTypes: string[];
  providers: string[];
  errorClasses: string[];
}

const facetFields = [
  { name: "handler", label: "Handler", any: "Any handler", facet: "handlers" },
  { name: "eventType", label: "Event type", any: "Any event type", facet: "eventTypes" },
  { name: "provider", label: "Provider", any: "Any provider", facet: "providers" },
  { name: "errorClass", label: "Error class", any: "Any error class", facet: "errorClasses" },
] as const;

/** The filters, their options from the server's facets; Enter or Apply puts them in the URL. */
export function DeadLetterFilters({ state, facets, errors, onApply, onClear }: { state: DeadLetterState; facets: Facets | undefined; errors: Record<string, string>; onApply: (values: FilterValues) => void; onClear: () => void }) {
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => {
      const value = String(form.get(name) ?? "").trim();
      return value === "" ? null : value;
    };
    onApply({ handler: text("handler"), eventType: text("eventType"), provider: text("provider"), errorClass: text("errorClass"), from: text("from"), to: text("to") });
  }

  return (
    <form onSubmit={submit} aria-label="Dead-letter filters" className="grid grid-cols-2 gap-3 rounded-md border border-slate-200 bg-white p-3 md:grid-cols-4 xl:grid-cols-7">
      {facetFields.map((field) => {
        const current = state[field.name];
        const options = facets?.[field.facet] ?? [];
        return (
          <SelectField key={field.name} label={field.label} name={field.name} defaultValue={current ?? ""} error={errors[field.name]}>
            <option value="">{field.any}</option>
            {/* A value from the URL that is no longer a facet still shows, so the form says what is applied. */}
            {current && !options.includes(current) ? <option value={current}>{current}</option> : null}
            {options.map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </SelectField>
        );
      })}
      <TextField label="From (UTC)" name="from" type="datetime-local" step={1} defaultValue={state.from ?? ""} error={errors.from} />
      <TextField label="To (UTC)" name="to" type="datetime-local" step={1} defaultValue={state.to ?? ""} error={errors.to} />
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
