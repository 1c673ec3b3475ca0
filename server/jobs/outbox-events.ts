import { z } from "zod";
import { transactionKinds } from "../ledger/types";
import { amountString, currencyCodeString } from "../money";
import { JobError } from "./job-error";

/**
 * The outbox event types handlers understand, with their payloads. An event of another type, or
 * whose payload does not match, is poison: no retry can fix it, so it goes straight to the
 * dead-letter queue, where an operator can fix the payload (with a second person's approval) or
 * discard it.
 */
/** An integrity alert changed (server/monitoring): for the alert webhook. */
const alertEventPayload = z.object({
  alertId: z.uuid(),
  monitor: z.string().min(1).max(100),
  title: z.string().max(200),
  severity: z.enum(["warning", "critical"]),
  state: z.enum(["ok", "warning", "critical", "unknown"]),
  value: z.string().max(40).nullable(),
  summary: z.string().max(2000),
  evidenceHref: z.string().max(500).nullable(),
  at: z.iso.datetime({ offset: true }),
});

export const outboxEventSchemas = {
  "ledger.transaction_posted": z.object({
    transactionId: z.uuid(),
    kind: z.enum(transactionKinds),
    amount: amountString.nullable(),
    currency: currencyCodeString.nullable(),
    externalReference: z.string().max(200).nullable(),
    occurredAt: z.iso.datetime({ offset: true }),
    bookedAt: z.iso.datetime({ offset: true }),
    reversesTransactionId: z.uuid().nullable(),
    entries: z.array(z.object({ accountId: z.uuid(), currency: currencyCodeString, amount: amountString })).min(2).max(100),
  }),
  "payment.failed": z.object({
    paymentRecordId: z.uuid(),
    provider: z.string().min(1).max(40),
    paymentId: z.string().min(1).max(100),
    customerId: z.uuid(),
    amount: amountString,
    currency: currencyCodeString,
    failureCode: z.string().min(1).max(50),
    occurredAt: z.iso.datetime({ offset: true }),
  }),
  "alert.opened": alertEventPayload,
  "alert.escalated": alertEventPayload,
  "alert.recurred": alertEventPayload,
  "alert.cleared": alertEventPayload,
};

export type OutboxEventType = keyof typeof outboxEventSchemas;
export type OutboxPayload<T extends OutboxEventType> = z.infer<(typeof outboxEventSchemas)[T]>;
export type ParsedOutboxEvent = { [T in OutboxEventType]: { type: T; payload: OutboxPayload<T> } }[OutboxEventType];

/** An outbox row as handlers receive it: the payload checked against its type. */
export interface OutboxDelivery {
  id: string;
  aggregateType: string;
  aggregateId: string;
  correlationId: string | null;
  createdAt: Date;
  event: ParsedOutboxEvent;
}

export function isOutboxEventType(type: string): type is OutboxEventType {
  return Object.hasOwn(outboxEventSchemas, type);
}

/** The payload checked against its type, or a non-retryable JobError naming the first bad field. */
export function parseOutboxEvent(type: string, payload: unknown): ParsedOutboxEvent {
  if (!isOutboxEventType(type)) throw new JobError("UNKNOWN_EVENT_TYPE", `No handler knows the event type "${type.slice(0, 100)}".`, false);
  const parsed = outboxEventSchemas[type].safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new JobError("SCHEMA_INVALID", `${issue?.path.join(".") || "payload"}: ${issue?.message ?? "is invalid"}`, false);
  }
  return { type, payload: parsed.data } as ParsedOutboxEvent;
}
