import type { ReactNode } from "react";
import { cn } from "@/lib/cn";

export type DescriptionItem = readonly [label: string, value: ReactNode];

/** Label and value pairs in a calm two-column grid; an absent value shows as a dash. */
export function DescriptionList({ items, className }: { items: readonly DescriptionItem[]; className?: string }) {
  return (
    <dl className={cn("grid grid-cols-[10rem_1fr] gap-x-4 gap-y-1.5 rounded-md border border-slate-200 bg-white p-4 text-sm", className)}>
      {items.map(([label, value]) => (
        <div key={label} className="contents">
          <dt className="text-slate-600">{label}</dt>
          <dd className="min-w-0 break-words">{value ?? <span className="text-slate-500">—</span>}</dd>
        </div>
      ))}
    </dl>
  );
}
