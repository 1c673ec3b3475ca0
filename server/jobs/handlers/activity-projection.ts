import { sql } from "drizzle-orm";
import type { Transaction } from "@/db/client";
import { customerActivity } from "@/db/schema";
import { findAccountOwners } from "../../ledger/account-owners";
import { MoneyDecimal } from "../../money";
import type { OutboxDelivery, OutboxPayload } from "../outbox-events";
import { projectionPolicy, type RetryPolicy } from "../retry-policy";
import type { OutboxHandler } from "./handler";

export const activityProjectionName = "activity-projection";

/** A withdrawal posts three times (hold, paid or released); the entries' accounts say which this is. */
function activityKind(payload: OutboxPayload<"ledger.transaction_posted">, owners: Map<string, { purpose: string }>): string {
  if (payload.kind !== "withdrawal") return payload.kind;
  const holdEntry = payload.entries.find((entry) => owners.get(entry.accountId)?.purpose === "withdrawal_hold");
  if (!holdEntry) return "withdrawal";
  if (holdEntry.amount.startsWith("-")) return "withdrawal_hold";
  const walletCredited = payload.entries.some((entry) => owners.get(entry.accountId)?.purpose === "wallet" && entry.amount.startsWith("-"));
  return walletCredited ? "withdrawal_released" : "withdrawal_paid";
}

async function bump(tx: Transaction, row: { customerId: string; currency: string; kind: string; amount: string; eventId: string; at: string }): Promise<void> {
  const amount = new MoneyDecimal(row.amount);
  await tx
    .insert(customerActivity)
    .values({ customerId: row.customerId, currency: row.currency, kind: row.kind, eventCount: 1, total: amount, lastEventId: row.eventId, lastActivityAt: new Date(row.at) })
    .onConflictDoUpdate({
      target: [customerActivity.customerId, customerActivity.currency, customerActivity.kind],
      set: {
        eventCount: sql`${customerActivity.eventCount} + 1`,
        total: sql`${customerActivity.total} + ${amount.toFixed()}::numeric`,
        lastEventId: row.eventId,
        lastActivityAt: sql`greatest(${customerActivity.lastActivityAt}, ${row.at}::timestamptz)`,
      },
    });
}

async function project(tx: Transaction, delivery: OutboxDelivery): Promise<void> {
  const { event } = delivery;
  if (event.type === "payment.failed") {
    const { customerId, currency, amount, occurredAt } = event.payload;
    await bump(tx, { customerId, currency, kind: "payment_failed", amount, eventId: delivery.id, at: occurredAt });
    return;
  }
  if (event.type !== "ledger.transaction_posted") return;
  const payload = event.payload;
  if (!payload.amount || !payload.currency) return;
  const owners = await findAccountOwners(tx, payload.entries.map((entry) => entry.accountId));
  const customers = [...new Set([...owners.values()].map((owner) => owner.customerId))].sort();
  const kind = activityKind(payload, owners);
  for (const customerId of customers) {
    await bump(tx, { customerId, currency: payload.currency, kind, amount: payload.amount, eventId: delivery.id, at: payload.bookedAt });
  }
}

/** The internal read model: per customer, currency and kind, how many postings and how much. */
export function activityProjection(policy: RetryPolicy = projectionPolicy): OutboxHandler {
  return { name: activityProjectionName, policy, accepts: (type) => !type.startsWith("alert."), handle: (tx, delivery) => project(tx, delivery) };
}
