import type { RetryPolicy } from "../retry-policy";
import type { OutboxHandler } from "./handler";
import { subscriberWebhook } from "./subscriber-webhook";

export const alertWebhookName = "alert-webhook";

/**
 * Integrity alerts (alert.opened, alert.escalated, alert.recurred, alert.cleared) to the configured
 * ALERT_WEBHOOK_URL: the subscriber delivery (Standard Webhooks, signed with OUTBOX_SIGNING_SECRET,
 * retried and dead-lettered by the outbox), under its own handler name so its state and dead
 * letters read as the alert webhook's.
 */
export function alertWebhook(url: string, signingSecret: string, options: { policy?: RetryPolicy; fetch?: typeof fetch } = {}): OutboxHandler {
  const delivery = subscriberWebhook({ name: "alerts", url }, signingSecret, options);
  return { ...delivery, name: alertWebhookName, accepts: (type) => type.startsWith("alert.") };
}
