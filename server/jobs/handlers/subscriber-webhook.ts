import type { Transaction } from "@/db/client";
import { webhookHeaders } from "../../ingest/signature";
import { JobError } from "../job-error";
import type { OutboxDelivery } from "../outbox-events";
import { subscriberPolicy, type RetryPolicy } from "../retry-policy";
import type { OutboxHandler } from "./handler";

export interface Subscriber {
  name: string;
  url: string;
  /** Event types it receives; all when absent. */
  types?: string[] | undefined;
}

function networkCode(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === "string" ? cause.code : "network error";
}

/**
 * Delivers events to a subscriber as Standard Webhooks: signed with our own secret, `webhook-id`
 * the outbox event id (the same on every retry and replay, so the subscriber dedupes), and the
 * correlation id in `x-correlation-id`. 2xx is delivered; 408, 429 and 5xx are retried; any other
 * answer is a refusal that no retry changes. Only the status is kept, never the answer's body.
 */
export function subscriberWebhook(subscriber: Subscriber, signingSecret: string, options: { policy?: RetryPolicy; fetch?: typeof fetch } = {}): OutboxHandler {
  const send = options.fetch ?? fetch;
  const name = `subscriber:${subscriber.name}`;
  return {
    name,
    policy: options.policy ?? subscriberPolicy,
    accepts: (type) => !subscriber.types || subscriber.types.includes(type),
    async handle(_tx: Transaction, delivery: OutboxDelivery, signal: AbortSignal) {
      const body = JSON.stringify({ type: delivery.event.type, timestamp: delivery.createdAt.toISOString(), data: delivery.event.payload });
      const headers = { ...webhookHeaders([signingSecret], delivery.id, body), "content-type": "application/json", ...(delivery.correlationId ? { "x-correlation-id": delivery.correlationId } : {}) };
      let response: Response;
      try {
        response = await send(subscriber.url, { method: "POST", body, headers, signal, redirect: "manual" });
      } catch (error) {
        if (signal.aborted) throw new JobError("TIMEOUT", `${subscriber.name} did not answer in time.`, true);
        throw new JobError("SUBSCRIBER_UNREACHABLE", `${subscriber.name} could not be reached (${networkCode(error)}).`, true);
      }
      await response.body?.cancel().catch(() => undefined);
      if (response.ok) return;
      const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
      throw new JobError(retryable ? "SUBSCRIBER_UNAVAILABLE" : "SUBSCRIBER_REJECTED", `${subscriber.name} answered HTTP ${response.status}.`, retryable);
    },
  };
}
