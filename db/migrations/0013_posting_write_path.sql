-- NOTIFY takes one cluster-wide lock when its transaction commits and holds it until the commit has
-- been flushed to disk, so every transaction that notifies commits alone: with the outbox trigger
-- on every posting, concurrent postings could not share a WAL flush and spent most of their time
-- waiting for that lock. The wake-up is only a hint (the worker polls every WORKER_POLL_MS anyway),
-- so one notifying transaction per channel at a time is enough: a transaction notifies when it can
-- take this channel's transaction-scoped advisory lock without waiting, and otherwise leaves the
-- wake-up to the transaction holding it. The worker's claim after that wake-up finds every event
-- committed by then; an event committed later is found by the next wake-up or poll.
CREATE OR REPLACE FUNCTION countersign_notify_work_coalesced() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF pg_try_advisory_xact_lock(7243400, hashtext(TG_ARGV[0])) THEN
    PERFORM pg_notify(TG_ARGV[0], '');
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
DROP TRIGGER outbox_events_notify ON outbox_events;
--> statement-breakpoint
CREATE TRIGGER outbox_events_notify AFTER INSERT ON outbox_events FOR EACH STATEMENT EXECUTE FUNCTION countersign_notify_work_coalesced('countersign_outbox');
--> statement-breakpoint
-- Every posting updates the balance row of each account it touches. With full pages the new row
-- version goes to another page and the primary key gets a new entry each time; with room left on
-- the page the update stays there (a HOT update) and no index changes. Applies to pages written
-- from now on.
ALTER TABLE account_balances SET (fillfactor = 80);
--> statement-breakpoint
-- Partial indexes on columns that are mostly null (every lookup is an equality, which implies not
-- null, and nulls never conflict): a posting without a reversal, external reference or correlation id
-- adds no entry to them.
DROP INDEX "ledger_transactions_reverses_uq";--> statement-breakpoint
DROP INDEX "ledger_transactions_external_ref_idx";--> statement-breakpoint
DROP INDEX "ledger_transactions_correlation_idx";--> statement-breakpoint
DROP INDEX "outbox_events_correlation_idx";--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_transactions_reverses_uq" ON "ledger_transactions" USING btree ("reverses_transaction_id") WHERE "ledger_transactions"."reverses_transaction_id" is not null;--> statement-breakpoint
CREATE INDEX "ledger_transactions_external_ref_idx" ON "ledger_transactions" USING btree ("external_reference") WHERE "ledger_transactions"."external_reference" is not null;--> statement-breakpoint
CREATE INDEX "ledger_transactions_correlation_idx" ON "ledger_transactions" USING btree ("correlation_id") WHERE "ledger_transactions"."correlation_id" is not null;--> statement-breakpoint
CREATE INDEX "outbox_events_correlation_idx" ON "outbox_events" USING btree ("correlation_id") WHERE "outbox_events"."correlation_id" is not null;
