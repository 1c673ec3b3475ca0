import type Decimal from "decimal.js";
import { cn } from "@/lib/cn";
import { durationText } from "@/lib/time";
import type { RequestSummary } from "@/server/approvals/schemas";
import { formatAmountDisplay } from "@/server/money";
import { Badge, type BadgeTone } from "../ui/badge";

export type RequestStatus = RequestSummary["status"];
export type ReasonCode = NonNullable<RequestSummary["reasonCode"]>;
export type Direction = "credit" | "debit";

export const kindLabels: Record<RequestSummary["kind"], string> = {
  adjustment: "Adjustment",
  policy_change: "Policy change",
  monitor_threshold: "Monitor threshold",
};

export const reasonLabels: Record<ReasonCode, string> = {
  goodwill: "Goodwill",
  bonus_correction: "Bonus correction",
  void_bet: "Void bet",
  chargeback: "Chargeback",
  reconciliation_fix: "Reconciliation fix",
  other: "Other",
};

const statusTones: Record<RequestStatus, BadgeTone> = {
  pending: "warning",
  executed: "success",
  rejected: "danger",
  cancelled: "neutral",
  expired: "neutral",
  failed: "danger",
};

export function RequestStatusBadge({ status }: { status: RequestStatus }) {
  return <Badge tone={statusTones[status]}>{status}</Badge>;
}

export function requestHref(id: string): string {
  return `/approvals/${id}`;
}

export function shortId(id: string): string {
  return `${id.slice(0, 8)}…${id.slice(-4)}`;
}

/** "1,250.00 EUR": the exact amount at the currency's exponent, as buttons and dialogs say it. */
export function moneyText(amount: Decimal, currency: string): string {
  return `${formatAmountDisplay(amount, currency)} ${currency}`;
}

/** A change to the customer's balance as people read it: "+1,250.00" for a credit, "−80.00" for a debit. */
export function signedAmountText(amount: Decimal, currency: string, direction: Direction): string {
  return `${direction === "credit" ? "+" : "\u2212"}${formatAmountDisplay(amount, currency)}`;
}

/** An adjustment's amount, signed by its direction, right-aligned in tables by the column. */
export function AdjustmentAmount({ amount, currency, direction, className }: { amount: Decimal; currency: string; direction: Direction; className?: string }) {
  return (
    <span className={cn("whitespace-nowrap tabular-nums", className)}>
      <span className={direction === "credit" ? "text-emerald-800" : "text-rose-800"}>{signedAmountText(amount, currency, direction)}</span>{" "}
      <span className="text-xs text-slate-500">{currency}</span>
    </span>
  );
}

/** "credits 1,250.00 EUR to" or "debits 80.00 EUR from": what execution does to the customer's account. */
export function movementText(amount: Decimal, currency: string, direction: Direction): string {
  return direction === "credit" ? `credits ${moneyText(amount, currency)} to` : `debits ${moneyText(amount, currency)} from`;
}

/** How old a request is and, while it is pending, how long it has left: "3h old · expires in 2d". */
export function agingText(request: { status: RequestStatus; createdAt: Date; expiresAt: Date; decidedAt: Date | null }, now = Date.now()): string {
  const age = `${durationText(now - request.createdAt.getTime())} old`;
  if (request.status === "pending") return `${age} · expires in ${durationText(request.expiresAt.getTime() - now)}`;
  if (request.decidedAt) return `${age} · ${request.status} ${durationText(now - request.decidedAt.getTime())} ago`;
  return age;
}

/** "expires in 2d", or "expired" once the moment has passed. */
export function expiryText(expiresAt: Date, now = Date.now()): string {
  return expiresAt.getTime() > now ? `expires in ${durationText(expiresAt.getTime() - now)}` : "expired";
}

/** "1 of 2": distinct approvals given out of those the policy requires. */
export function ApprovalsProgress({ approvals, required }: { approvals: number; required: number }) {
  return (
    <span className="inline-flex items-center gap-1.5 whitespace-nowrap tabular-nums" title={`${approvals} of ${required} approvals`}>
      <span aria-hidden className="flex gap-0.5">
        {Array.from({ length: required }, (_, index) => (
          <span key={index} className={cn("size-2 rounded-full ring-1 ring-inset", index < approvals ? "bg-emerald-600 ring-emerald-700" : "bg-white ring-slate-400")} />
        ))}
      </span>
      {approvals} of {required}
    </span>
  );
}
