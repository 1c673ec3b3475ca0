import { activityProjection } from "./activity-projection";
import type { OutboxHandler } from "./handler";
import { subscriberWebhook, type Subscriber } from "./subscriber-webhook";

/** Every handler of outbox events this installation runs: the projection, then one per configured subscriber. */
export function outboxHandlers(config: { subscribers: readonly Subscriber[]; signingSecret: string | undefined }): OutboxHandler[] {
  const handlers: OutboxHandler[] = [activityProjection()];
  for (const subscriber of config.subscribers) {
    if (!config.signingSecret) throw new Error("subscribers need OUTBOX_SIGNING_SECRET (the env schema checks this)");
    handlers.push(subscriberWebhook(subscriber, config.signingSecret));
  }
  return handlers;
}
