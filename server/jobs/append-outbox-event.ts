import { uuidv7 } from "uuidv7";
import type { Transaction } from "@/db/client";
import { outboxEvents } from "@/db/schema";

export interface NewOutboxEvent {
  type: string;
  aggregateType: string;
  aggregateId: string;
  correlationId: string | null;
  payload: Record<string, unknown>;
}

/**
 * Writes an outbox event in the caller's transaction, for changes that are not ledger postings
 * (postTransaction writes its own `ledger.transaction_posted`). Delivered by the dispatcher.
 */
export async function appendOutboxEvent(tx: Transaction, event: NewOutboxEvent): Promise<string> {
  const id = uuidv7();
  await tx.insert(outboxEvents).values({ id, ...event });
  return id;
}
