import { eventDataSchemas, webhookEventTypes, type WebhookEventType } from "../ingest/events";

/** Personal data is never edited (it is not what breaks processing, and an edit's diff is kept). */
const personalFields = new Set(["payer", "payee"]);

/**
 * What an operator may change in a dead letter's payload. Provider events: their data fields, so a
 * mistyped customer reference or bet id can be corrected. Outbox events restate committed ledger
 * facts, which are corrected in the ledger (an adjustment), never in the message: only descriptive
 * fields are editable there.
 */
const outboxEditable: Record<string, string[]> = {
  "ledger.transaction_posted": ["externalReference", "occurredAt"],
  "payment.failed": ["failureCode", "occurredAt"],
};

export function editablePathsOf(source: "inbox" | "outbox", eventType: string): string[] {
  if (source === "outbox") return outboxEditable[eventType] ?? [];
  if (!(webhookEventTypes as readonly string[]).includes(eventType)) return [];
  const shape = eventDataSchemas[eventType as WebhookEventType].shape;
  return Object.keys(shape)
    .filter((field) => !personalFields.has(field))
    .map((field) => `data.${field}`);
}
