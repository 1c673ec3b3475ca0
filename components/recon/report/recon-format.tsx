import { cn } from "@/lib/cn";
import type { DifferenceClass } from "@/server/recon/report-schemas";
import { findCurrency, formatAmountDisplay, MoneyDecimal } from "@/server/money";
import { Badge, type BadgeTone } from "../../ui/badge";

export const classLabels: Record<DifferenceClass, string> = {
  missing_in_ledger: "Missing in ledger",
  missing_at_provider: "Missing at provider",
  amount_mismatch: "Amount mismatch",
  currency_mismatch: "Currency mismatch",
  status_mismatch: "Status mismatch",
  duplicate_at_provider: "Duplicate at provider",
  balance_mismatch: "Balance mismatch",
  trial_balance: "Trial balance",
  stuck_payment: "Stuck payment",
  stuck_withdrawal: "Stuck withdrawal",
};

/** One colour per class, shared by the chart and the legend; dark enough for text contrast. */
export const classColours: Record<DifferenceClass, string> = {
  missing_in_ledger: "#b91c1c",
  missing_at_provider: "#c2410c",
  amount_mismatch: "#4338ca",
  currency_mismatch: "#0f766e",
  status_mismatch: "#a16207",
  duplicate_at_provider: "#7e22ce",
  balance_mismatch: "#be185d",
  trial_balance: "#334155",
  stuck_payment: "#0369a1",
  stuck_withdrawal: "#15803d",
};

export type ExceptionStatus = "open" | "investigating" | "explained" | "resolved";

const statusTones: Record<ExceptionStatus, BadgeTone> = { open: "danger", investigating: "warning", explained: "info", resolved: "success" };

export function ExceptionStatusBadge({ status }: { status: ExceptionStatus }) {
  return <Badge tone={statusTones[status]}>{status}</Badge>;
}

export function ClassBadge({ value }: { value: DifferenceClass }) {
  return <span className="whitespace-nowrap text-xs font-medium text-slate-800">{classLabels[value]}</span>;
}

/** "1,250.00" for a decimal string in a known currency; the stored text otherwise. */
export function amountDisplay(amount: string, currency: string | null): string {
  return currency && findCurrency(currency) ? formatAmountDisplay(new MoneyDecimal(amount), currency) : amount;
}

/** A matched share ("0.9263") as a percentage with two places ("92.63%"), exact; a dash without one. */
export function sharePercent(share: string | null | undefined): string {
  return share ? `${new MoneyDecimal(share).times(100).toFixed(2)}%` : "—";
}

/** An amount with its currency in tabular figures, or a dash when there is none. */
export function MoneyText({ amount, currency, className }: { amount: string | null; currency: string | null; className?: string }) {
  if (amount === null) return <span className="text-slate-500">—</span>;
  return (
    <span className={cn("whitespace-nowrap tabular-nums", className)}>
      <span className="text-slate-900">{amountDisplay(amount, currency)}</span> {currency ? <span className="text-xs text-slate-600">{currency}</span> : null}
    </span>
  );
}

export function runHref(id: string): string {
  return `/reconciliation/runs/${id}`;
}

export function exceptionHref(id: string): string {
  return `/reconciliation/exceptions/${id}`;
}
