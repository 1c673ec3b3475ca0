"use client";

import { useEffect, useRef, useState } from "react";
import { utcInputMessage, utcIsoFromInput } from "@/lib/time";
import { TextField } from "./field";

/** Empty (no filter) or a real moment; anything else stops the form with the field's message. */
function checkTime(element: HTMLInputElement, label: string): void {
  element.setCustomValidity(element.value.trim() === "" || utcIsoFromInput(element.value) ? "" : `${label} ${utcInputMessage}`);
}

/**
 * A moment in UTC, typed on the 24-hour clock ("2026-03-01 14:05:09"; a time copied from any page
 * of the console, " UTC" included, works too). Not a datetime-local input: its picker follows the
 * browser's locale and shows AM/PM in en-US while the console reads every time in UTC. Text that is
 * not a real moment (February 30th, 24:00, a 12-hour time) stops the form with the field's message.
 */
export function UtcTimeField({ label, name, defaultValue, error, required, className }: { label: string; name: string; defaultValue: string | null | undefined; error?: string | undefined; required?: boolean; className?: string }) {
  const input = useRef<HTMLInputElement>(null);
  const [refused, setRefused] = useState<string | undefined>(undefined);

  // A new value from outside (the URL) is checked as it arrives; typing is checked on input.
  useEffect(() => {
    if (input.current) checkTime(input.current, label);
  }, [defaultValue, label]);

  return (
    <TextField
      ref={input}
      className={className}
      label={label}
      name={name}
      defaultValue={defaultValue ?? ""}
      required={required}
      placeholder="YYYY-MM-DD HH:MM"
      autoComplete="off"
      spellCheck={false}
      title="24-hour clock, UTC"
      error={refused ?? error}
      onInput={(event) => {
        checkTime(event.currentTarget, label);
        setRefused(undefined);
      }}
      onInvalid={(event) => setRefused(event.currentTarget.validity.valueMissing ? "is required" : utcInputMessage)}
    />
  );
}
