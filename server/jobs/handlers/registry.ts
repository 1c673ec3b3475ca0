import { activityProjection } from "./activity-projection";
import { alertWebhook } from "./alert-webhook";
import type { OutboxHandler } from "./handler";
import { subscriberWebhook, type Subscriber } from "./subscriber-webhook";

/** Every handler of outbox events this installation runs: the projection, then one per configured subscriber. */
export function outboxHandlers(config: { subscribers: readonly Subscriber[]; signingSecret: string | undefined; alertWebhookUrl?: string | undefined }): OutboxHandler[] {
  const handlers: OutboxHandler[] = [activityProjection()];
  for (const subscriber of config.subscribers) {
    if (!config.signingSecret) throw new Error("subscribers need OUTBOX_SIGNING_SECRET (the env schema checks this)");
    handlers.push(subscriberWebhook(subscriber, config.signingSecret));
  }
  if (config.alertWebhookUrl) {
    if (!config.signingSecret) throw new Error("the alert webhook needs OUTBOX_SIGNING_SECRET (the env schema checks this)");
    handlers.push(alertWebhook(config.alertWebhookUrl, config.signingSecret));
  }
  return handlers;
}
