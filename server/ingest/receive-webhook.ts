import { createHash } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { uuidv7 } from "uuidv7";
import { executePrepared, type Executor } from "@/db/client";
import { webhookInbox, webhookDuplicates } from "@/db/schema";
import { EventSchemaError, parseWebhookEvent, type WebhookEvent } from "./events";
import { verifyWebhook, type VerifyFailure } from "./signature";

export const webhookBodyBytesMax = 256 * 1024;
export const providerPattern = /^[a-z0-9-]{2,40}$/;

export interface IncomingWebhook {
  provider: string;
  headers: { id: string | null; timestamp: string | null; signature: string | null };
  body: string;
  correlationId?: string;
}

export interface WebhookConfig {
  /** Secrets per provider; a provider with none is refused. */
  secrets: Readonly<Record<string, readonly string[]>>;
  toleranceSeconds: number;
  now?: Date;
}

export type ReceiveResult =
  | { status: 200; inboxId: string; duplicate: boolean; eventId: string; eventType: string; correlationId: string }
  | { status: 401; reason: VerifyFailure | "unknown_provider" }
  | { status: 400; field: string; message: string }
  | { status: 409; eventId: string; message: string }
  | { status: 413; message: string };

/**
 * Receives one provider event: verify the signature, parse the body against its event type, and
 * store it in the inbox, unique by (provider, event id). A repeat of a stored event (the provider
 * retrying) is answered 200 without a second row; the same event id with another body is a 409.
 * Nothing else happens here: the worker applies the event. The result says what to answer and
 * carries no part of the body, so the caller can log it as it is.
 */
export async function receiveWebhook(db: Executor, incoming: IncomingWebhook, config: WebhookConfig): Promise<ReceiveResult> {
  const secrets = providerPattern.test(incoming.provider) ? config.secrets[incoming.provider] : undefined;
  if (!secrets || secrets.length === 0) return { status: 401, reason: "unknown_provider" };
  if (Buffer.byteLength(incoming.body, "utf8") > webhookBodyBytesMax) return { status: 413, message: `Bodies are limited to ${webhookBodyBytesMax} bytes.` };
  const verified = verifyWebhook({ secrets, headers: incoming.headers, body: incoming.body, toleranceSeconds: config.toleranceSeconds, now: config.now });
  if (!verified.ok) return { status: 401, reason: verified.reason };

  let event: WebhookEvent;
  try {
    event = parseWebhookEvent(JSON.parse(incoming.body) as unknown);
  } catch (error) {
    if (error instanceof SyntaxError) return { status: 400, field: "body", message: "body: must be a JSON object" };
    if (error instanceof EventSchemaError) return { status: 400, field: error.field, message: error.message };
    throw error;
  }

  const payloadHash = createHash("sha256").update(incoming.body, "utf8").digest("hex");
  const correlationId = incoming.correlationId ?? uuidv7();
  // The hot statement of the endpoint, prepared once per connection (see executePrepared).
  const inserted = await executePrepared<{ id: string }>(
    db,
    sql`insert into webhook_inbox (id, provider, event_id, event_type, payload, payload_hash, correlation_id, sent_at)
        values (${uuidv7()}::uuid, ${incoming.provider}::text, ${verified.id}::text, ${event.type}::text, ${JSON.stringify(event)}::jsonb,
                ${payloadHash}::text, ${correlationId}::text, ${verified.sentAt.toISOString()}::timestamptz)
        on conflict (provider, event_id) do nothing
        returning id`,
  );
  const accepted = { eventId: verified.id, eventType: event.type };
  if (inserted[0]) return { status: 200, inboxId: inserted[0].id, duplicate: false, correlationId, ...accepted };

  const [existing] = await db
    .select({ id: webhookInbox.id, payloadHash: webhookInbox.payloadHash, correlationId: webhookInbox.correlationId })
    .from(webhookInbox)
    .where(and(eq(webhookInbox.provider, incoming.provider), eq(webhookInbox.eventId, verified.id)));
  if (!existing) throw new Error("inbox insert conflicted but no row was found");
  // Every repeat delivery of a known event id is counted for the duplicate-delivery monitor.
  await db.insert(webhookDuplicates).values({ provider: incoming.provider, eventId: verified.id });
  if (existing.payloadHash !== payloadHash) return { status: 409, eventId: verified.id, message: "This event id was already received with a different body." };
  return { status: 200, inboxId: existing.id, duplicate: true, correlationId: existing.correlationId, ...accepted };
}
