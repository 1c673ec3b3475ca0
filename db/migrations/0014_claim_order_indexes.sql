DROP INDEX "outbox_events_pending_idx";--> statement-breakpoint
DROP INDEX "webhook_inbox_due_idx";--> statement-breakpoint
CREATE INDEX "outbox_events_pending_idx" ON "outbox_events" USING btree ("available_at","id") WHERE "outbox_events"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "webhook_inbox_due_idx" ON "webhook_inbox" USING btree ("available_at","id") WHERE "webhook_inbox"."status" = 'pending';