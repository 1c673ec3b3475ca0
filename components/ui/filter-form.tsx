"use client";

import type { FormEvent } from "react";
import { Button } from "./button";
import { SelectField } from "./field";

/** One field of a submitted filter form: trimmed, or null when empty (no filter). */
export type FilterText = (name: string) => string | null;

/**
 * The submit handler every filter form shares: Enter in any field or Apply reads all the fields
 * at once and hands them to `apply`, which builds the URL state (the server validates it again).
 */
export function filterSubmit(apply: (text: FilterText) => void) {
  return (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    apply((name) => {
      const value = String(form.get(name) ?? "").trim();
      return value === "" ? null : value;
    });
  };
}

/** The value when it is one of `options`, else null: a select's value narrowed to its type. */
export function pick<T extends string>(options: readonly T[], value: string | null): T | null {
  return options.find((option) => option === value) ?? null;
}

/** Apply and Clear, at the end of a filter form's grid. */
export function FilterActions({ onClear, className }: { onClear: () => void; className?: string }) {
  return (
    <div className="flex items-end gap-2">
      <Button type="submit" variant="secondary" className={className}>
        Apply
      </Button>
      <Button variant="ghost" onClick={onClear}>
        Clear
      </Button>
    </div>
  );
}

export type Choice = string | { value: string; label: string };

/**
 * A select of one filter: an "any" entry (no filter), then the choices. A current value that is no
 * longer among them (a facet that changed since the link was made) still shows, so the form says
 * what is applied.
 */
export function ChoiceField({ label, name, current, anyLabel, choices, error }: { label: string; name: string; current: string | null | undefined; anyLabel: string; choices: readonly Choice[]; error?: string | undefined }) {
  const options = choices.map((choice) => (typeof choice === "string" ? { value: choice, label: choice } : choice));
  const stale = current && !options.some((option) => option.value === current) ? current : null;
  return (
    <SelectField label={label} name={name} defaultValue={current ?? ""} error={error}>
      <option value="">{anyLabel}</option>
      {stale ? <option value={stale}>{stale}</option> : null}
      {options.map((option) => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </SelectField>
  );
}
