"use client";

import { Check, Copy } from "lucide-react";
import { useState } from "react";

/**
 * An identifier in monospace with a copy button; long ids are shortened on screen, never in the copy.
 * `iconOnly` leaves the showing to something else (a link with the id) and keeps just the button.
 */
export function CopyId({ value, short = false, iconOnly = false }: { value: string; short?: boolean; iconOnly?: boolean }) {
  const [copied, setCopied] = useState(false);
  const shown = short && value.length > 14 ? `${value.slice(0, 8)}…${value.slice(-4)}` : value;
  return (
    <span className="inline-flex items-center gap-1 font-mono text-xs text-slate-800">
      {iconOnly ? null : <span title={value}>{shown}</span>}
      <button
        type="button"
        aria-label={`Copy ${value}`}
        className="rounded p-0.5 text-slate-400 hover:bg-slate-100 hover:text-slate-700 focus-visible:outline-2 focus-visible:outline-indigo-600"
        onClick={() => {
          void navigator.clipboard?.writeText(value).then(() => {
            setCopied(true);
            setTimeout(() => setCopied(false), 1200);
          });
        }}
      >
        {copied ? <Check className="size-3" aria-hidden /> : <Copy className="size-3" aria-hidden />}
      </button>
    </span>
  );
}
