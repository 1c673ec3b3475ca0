-- Indexes serving newest-first keyset pages: ascending, because Drizzle's .desc() emits DESC NULLS LAST,
-- which ORDER BY ... DESC (NULLS FIRST) cannot use; a backward scan of an ascending index can.
DROP INDEX "ledger_transactions_occurred_idx";--> statement-breakpoint
DROP INDEX "ledger_transactions_booked_idx";--> statement-breakpoint
DROP INDEX "ledger_transactions_kind_occurred_idx";--> statement-breakpoint
DROP INDEX "webhook_inbox_received_idx";--> statement-breakpoint
DROP INDEX "dead_letters_status_time_idx";--> statement-breakpoint
DROP INDEX "dead_letters_time_idx";--> statement-breakpoint
CREATE INDEX "ledger_transactions_occurred_idx" ON "ledger_transactions" USING btree ("occurred_at","id");--> statement-breakpoint
CREATE INDEX "ledger_transactions_booked_idx" ON "ledger_transactions" USING btree ("booked_at","id");--> statement-breakpoint
CREATE INDEX "ledger_transactions_kind_occurred_idx" ON "ledger_transactions" USING btree ("kind","occurred_at","id");--> statement-breakpoint
CREATE INDEX "webhook_inbox_received_idx" ON "webhook_inbox" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "dead_letters_status_time_idx" ON "dead_letters" USING btree ("status","dead_lettered_at","id");--> statement-breakpoint
CREATE INDEX "dead_letters_time_idx" ON "dead_letters" USING btree ("dead_lettered_at","id");