"use client";

import { currencyCodes } from "@/server/money";
import { transactionKinds } from "@/server/ledger/types";
import { Button } from "../ui/button";
import { SelectField, TextField } from "../ui/field";
import { UtcTimeField } from "../ui/utc-time-field";
import { ChoiceField, FilterActions, filterSubmit, pick } from "../ui/filter-form";
import { dateFields, sortOrders, type SearchState } from "./transaction-search-state";

type FilterValues = Omit<SearchState, "cursor">;

interface TransactionFiltersProps {
  state: SearchState;
  /** Field errors from the server, keyed by input name. */
  errors: Record<string, string>;
  onApply: (values: FilterValues) => void;
  onClear: () => void;
}

/** The search box and the filters; Enter in any field applies them all. */
export function TransactionFilters({ state, errors, onApply, onClear }: TransactionFiltersProps) {
  return (
    <form
      onSubmit={filterSubmit((text) =>
        onApply({
          q: text("q"),
          accountId: text("accountId"),
          customerId: text("customerId"),
          kind: pick(transactionKinds, text("kind")),
          currency: text("currency"),
          amountMin: text("amountMin"),
          amountMax: text("amountMax"),
          dateField: pick(dateFields, text("dateField")),
          from: text("from"),
          to: text("to"),
          metadata: text("metadata"),
          sort: pick(sortOrders, text("sort")),
        }),
      )}
      aria-label="Transaction search"
      className="flex flex-col gap-3 rounded-md border border-slate-200 bg-white p-3"
    >
      <div className="flex items-end gap-2">
        <TextField
          className="flex-1"
          label="Search"
          name="q"
          type="search"
          defaultValue={state.q ?? ""}
          error={errors.q}
          placeholder="Transaction id, idempotency key, provider reference, correlation id, customer id, reference or email"
          hint={<>Exact match. Press <kbd className="rounded border border-slate-300 px-1 font-mono">/</kbd> to search from anywhere on the page.</>}
          autoComplete="off"
          spellCheck={false}
        />
        <Button type="submit" className="mb-5">
          Search
        </Button>
      </div>
      <fieldset className="grid grid-cols-2 gap-3 md:grid-cols-4 xl:grid-cols-6">
        <legend className="sr-only">Filters</legend>
        <TextField label="Account id" name="accountId" defaultValue={state.accountId ?? ""} error={errors.accountId} autoComplete="off" />
        <TextField label="Customer id" name="customerId" defaultValue={state.customerId ?? ""} error={errors.customerId} autoComplete="off" />
        <ChoiceField label="Kind" name="kind" current={state.kind} anyLabel="Any kind" choices={transactionKinds} error={errors.kind} />
        <ChoiceField label="Currency" name="currency" current={state.currency} anyLabel="Any currency" choices={currencyCodes} error={errors.currency} />
        <TextField label="Amount min" name="amountMin" inputMode="decimal" defaultValue={state.amountMin ?? ""} error={errors.amountMin} placeholder="0.00" autoComplete="off" />
        <TextField label="Amount max" name="amountMax" inputMode="decimal" defaultValue={state.amountMax ?? ""} error={errors.amountMax} placeholder="1250.00" autoComplete="off" />
        <SelectField label="Date field" name="dateField" defaultValue={state.dateField ?? "occurred"}>
          <option value="occurred">Occurred</option>
          <option value="booked">Booked</option>
        </SelectField>
        <UtcTimeField label="From (UTC)" name="from" defaultValue={state.from} error={errors.from} />
        <UtcTimeField label="To (UTC)" name="to" defaultValue={state.to} error={errors.to} />
        <TextField label="Metadata" name="metadata" defaultValue={state.metadata ?? ""} error={errors.metadata} placeholder="provider=acmepay" autoComplete="off" />
        <SelectField label="Sort" name="sort" defaultValue={state.sort ?? "newest"}>
          <option value="newest">Newest first</option>
          <option value="oldest">Oldest first</option>
        </SelectField>
        <FilterActions onClear={onClear} className="whitespace-nowrap" />
      </fieldset>
    </form>
  );
}
