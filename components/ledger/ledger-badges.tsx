import type { TransactionKind } from "@/server/ledger/types";
import { Badge, type BadgeTone } from "../ui/badge";

const kindTones: Record<TransactionKind, BadgeTone> = {
  deposit: "success",
  withdrawal: "info",
  bet: "neutral",
  win: "success",
  bonus: "info",
  fee: "neutral",
  rollback: "warning",
  reversal: "warning",
  adjustment: "warning",
};

export function KindBadge({ kind }: { kind: TransactionKind }) {
  return <Badge tone={kindTones[kind]}>{kind}</Badge>;
}

const accountStatusTones = { open: "success", frozen: "warning", closed: "neutral" } as const;

export function AccountStatusBadge({ status }: { status: keyof typeof accountStatusTones }) {
  return <Badge tone={accountStatusTones[status]}>{status}</Badge>;
}

const outboxStatusTones: Record<string, BadgeTone> = { pending: "warning", delivered: "success", dead: "danger" };

export function OutboxStatusBadge({ status }: { status: string }) {
  return <Badge tone={outboxStatusTones[status] ?? "neutral"}>{status}</Badge>;
}

/** "deposit" as a heading word: "Deposit". */
export function kindLabel(kind: TransactionKind): string {
  return `${kind.slice(0, 1).toUpperCase()}${kind.slice(1)}`;
}
