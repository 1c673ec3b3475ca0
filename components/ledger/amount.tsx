import type Decimal from "decimal.js";
import { cn } from "@/lib/cn";
import { formatAmountDisplay } from "@/server/money";

/**
 * An amount with its currency, at the currency's exponent, in tabular figures. `signed` puts a
 * plus on increases and colours the sign, for changes to a balance; plain amounts stay neutral.
 */
export function Amount({ value, currency, signed = false, className }: { value: Decimal; currency: string; signed?: boolean; className?: string }) {
  const text = formatAmountDisplay(value, currency);
  const shown = signed && value.greaterThan(0) ? `+${text}` : text;
  const tone = signed ? (value.greaterThan(0) ? "text-emerald-800" : value.lessThan(0) ? "text-rose-800" : "text-slate-700") : "text-slate-900";
  return (
    <span className={cn("whitespace-nowrap tabular-nums", className)}>
      <span className={tone}>{shown}</span> <span className="text-xs text-slate-500">{currency}</span>
    </span>
  );
}
