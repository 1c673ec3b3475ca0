"use client";

import { UtcTimeField } from "../ui/utc-time-field";
import { ChoiceField, FilterActions, filterSubmit } from "../ui/filter-form";
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
  return (
    <form
      onSubmit={filterSubmit((text) =>
        onApply({ handler: text("handler"), eventType: text("eventType"), provider: text("provider"), errorClass: text("errorClass"), from: text("from"), to: text("to") }),
      )}
      aria-label="Dead-letter filters"
      className="grid grid-cols-2 gap-3 rounded-md border border-slate-200 bg-white p-3 md:grid-cols-4 xl:grid-cols-7"
    >
      {facetFields.map((field) => (
        <ChoiceField key={field.name} label={field.label} name={field.name} current={state[field.name]} anyLabel={field.any} choices={facets?.[field.facet] ?? []} error={errors[field.name]} />
      ))}
      <UtcTimeField label="From (UTC)" name="from" defaultValue={state.from} error={errors.from} />
      <UtcTimeField label="To (UTC)" name="to" defaultValue={state.to} error={errors.to} />
      <FilterActions onClear={onClear} />
    </form>
  );
}
