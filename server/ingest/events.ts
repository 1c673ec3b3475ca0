import { z } from "zod";
import { DomainError } from "../errors";
import { amountString, currencyCodeString, parseAmount } from "../money";

/**
 * The provider events we accept, in the Standard Webhooks payload shape
 * `{ "type": "...", "timestamp": "ISO 8601", "data": { ... } }`. Amounts are decimal strings with a
 * currency; customers are named by their external reference. Fields we do not know are dropped
 * before the event is stored, so nothing unlisted (and no personal data we did not ask for) lands
 * in the inbox.
 */
export const webhookEventTypes = [
  "payment.succeeded",
  "payment.failed",
  "withdrawal.requested",
  "withdrawal.paid",
  "withdrawal.failed",
  "bet.placed",
  "bet.won",
  "bet.rolled_back",
  "bonus.granted",
] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

const providerId = z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, "must be 1-100 letters, digits or _.:-");
const customerRef = z.string().min(1, "is required").max(100, "must be at most 100 characters");
const occurredAt = z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time" });
const money = { amount: amountString, currency: currencyCodeString };
/** The paying or receiving person as the provider knows them: personal data, masked wherever it is shown. */
const party = z
  .object({
    name: z.string().max(200).optional(),
    email: z.string().max(320).optional(),
    iban: z.string().max(34).optional(),
  })
  .optional();
const failureCode = z.string().regex(/^[a-z0-9_]{2,50}$/, "must be 2-50 lower-case letters, digits or underscores");

export const eventDataSchemas = {
  "payment.succeeded": z.object({ paymentId: providerId, customerRef, ...money, method: z.enum(["card", "bank_transfer", "e_wallet"]).optional(), payer: party, occurredAt }),
  "payment.failed": z.object({ paymentId: providerId, customerRef, ...money, failureCode, payer: party, occurredAt }),
  "withdrawal.requested": z.object({ withdrawalId: providerId, customerRef, ...money, payee: party, occurredAt }),
  "withdrawal.paid": z.object({ withdrawalId: providerId, ...money, occurredAt }),
  "withdrawal.failed": z.object({ withdrawalId: providerId, failureCode, occurredAt }),
  "bet.placed": z.object({ betId: providerId, customerRef, ...money, game: z.string().min(1).max(100), roundId: providerId.optional(), occurredAt }),
  "bet.won": z.object({ betId: providerId, customerRef, ...money, occurredAt }),
  "bet.rolled_back": z.object({ betId: providerId, reason: z.string().max(200).optional(), occurredAt }),
  "bonus.granted": z.object({ bonusId: providerId, customerRef, ...money, campaign: z.string().max(100).optional(), occurredAt }),
} satisfies Record<WebhookEventType, z.ZodType>;

export type EventData<T extends WebhookEventType> = z.infer<(typeof eventDataSchemas)[T]>;
export type WebhookEvent = { [T in WebhookEventType]: { type: T; timestamp: string; data: EventData<T> } }[WebhookEventType];

const envelope = z.object({
  type: z.string().max(100),
  timestamp: occurredAt,
  data: z.record(z.string(), z.unknown()),
});

/** The first problem with a payload, naming the field: `data.amount: must be a plain decimal number`. */
export class EventSchemaError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = "EventSchemaError";
  }
}

function firstIssue(error: z.ZodError, prefix: string): EventSchemaError {
  const issue = error.issues[0];
  const path = [prefix, ...(issue?.path ?? []).map(String)].filter(Boolean).join(".");
  return new EventSchemaError(path || "body", issue?.message ?? "is invalid");
}

/**
 * Parses a payload into a known event with only its known fields, or throws EventSchemaError naming
 * the first bad field. Amounts are parsed against their currency here, so `0.005` EUR or `1.5` JPY
 * is refused at the door, never rounded later.
 */
export function parseWebhookEvent(payload: unknown): WebhookEvent {
  const outer = envelope.safeParse(payload);
  if (!outer.success) throw firstIssue(outer.error, "");
  const type = outer.data.type;
  if (!(webhookEventTypes as readonly string[]).includes(type)) throw new EventSchemaError("type", `is not an event type we accept (${webhookEventTypes.join(", ")})`);
  const schema = eventDataSchemas[type as WebhookEventType];
  const data = schema.safeParse(outer.data.data);
  if (!data.success) throw firstIssue(data.error, "data");
  const event = { type, timestamp: outer.data.timestamp, data: data.data } as WebhookEvent;
  checkAmount(event);
  return event;
}

function checkAmount(event: WebhookEvent): void {
  if (!("amount" in event.data)) return;
  try {
    parseAmount(event.data.amount, event.data.currency, { field: "data.amount", currencyField: "data.currency" });
  } catch (error) {
    if (error instanceof DomainError) throw new EventSchemaError(error.field ?? "data.amount", error.message.replace(/^data\.\w+ /, ""));
    throw error;
  }
}
