import { uuidv7 } from "uuidv7";
import type { Database } from "../../db/client";
import { createCustomer } from "../../server/customers/create-customer";
import type { WebhookEventType } from "../../server/ingest/events";
import { processInboxBatch, type InboxOptions } from "../../server/ingest/process-inbox";
import { receiveWebhook, type IncomingWebhook, type WebhookConfig } from "../../server/ingest/receive-webhook";
import { generateSecret, webhookHeaders } from "../../server/ingest/signature";
import { dispatchOutboxBatch } from "../../server/jobs/dispatch-outbox";
import type { OutboxHandler } from "../../server/jobs/handlers/handler";
import type { RetryPolicy } from "../../server/jobs/retry-policy";

export const testSecret = generateSecret();
export const providers = ["acmepay", "gamehub"] as const;
export const webhookConfig: WebhookConfig = { secrets: { acmepay: [testSecret], gamehub: [testSecret] }, toleranceSeconds: 300 };

/** Retries at once (zero jitter) and gives up after three attempts: a dead letter in milliseconds. */
export const quickPolicy: RetryPolicy = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1, attemptTimeoutMs: 5_000 };

export function workerOptions(overrides: Partial<InboxOptions> = {}): InboxOptions {
  return { workerId: `test-${uuidv7().slice(-8)}`, batchSize: 100, concurrency: 4, leaseMs: 30_000, random: () => 0, ...overrides };
}

export interface EventBody {
  type: WebhookEventType | string;
  timestamp: string;
  data: Record<string, unknown>;
}

export function event(type: WebhookEventType | string, data: Record<string, unknown>): EventBody {
  const occurredAt = new Date().toISOString();
  return { type, timestamp: occurredAt, data: { occurredAt, ...data } };
}

/** A signed request as a provider would send it. */
export function signedWebhook(body: EventBody | string, options: { provider?: string; id?: string; secret?: string; at?: Date } = {}): IncomingWebhook {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const id = options.id ?? `evt_${uuidv7()}`;
  const headers = webhookHeaders([options.secret ?? testSecret], id, text, options.at ?? new Date());
  return {
    provider: options.provider ?? "acmepay",
    headers: { id: headers["webhook-id"] ?? null, timestamp: headers["webhook-timestamp"] ?? null, signature: headers["webhook-signature"] ?? null },
    body: text,
  };
}

export function deliver(db: Database, body: EventBody | string, options: Parameters<typeof signedWebhook>[1] = {}) {
  return receiveWebhook(db, signedWebhook(body, options), webhookConfig);
}

/** Runs inbox batches until nothing is due (bounded). */
export async function drainInbox(db: Database, options: InboxOptions = workerOptions(), roundsMax = 50): Promise<number> {
  let processed = 0;
  for (let round = 0; round < roundsMax; round += 1) {
    const result = await processInboxBatch(db, options);
    processed += result.processed;
    if (result.claimed === 0) return processed;
  }
  return processed;
}

export async function drainOutbox(db: Database, handlers: OutboxHandler[], options: InboxOptions = workerOptions(), roundsMax = 50): Promise<number> {
  let delivered = 0;
  for (let round = 0; round < roundsMax; round += 1) {
    const result = await dispatchOutboxBatch(db, handlers, options);
    delivered += result.delivered;
    if (result.claimed === 0) return delivered;
  }
  return delivered;
}

/** A customer with a wallet, named by the external reference providers use. */
export async function webhookCustomer(db: Database, externalRef: string, currencies: string[] = ["EUR"]) {
  return db.transaction((tx) =>
    createCustomer(tx, {
      externalRef,
      pii: { fullName: "Grace Hopper", email: `${externalRef}@example.com`, dateOfBirth: "1980-12-09", country: "US" },
      walletCurrencies: currencies,
    }),
  );
}
