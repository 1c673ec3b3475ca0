-- Reference data: the currencies money can exist in (kept equal to server/money/currencies.ts by a test).
INSERT INTO currencies (code, exponent, name) VALUES
  ('EUR', 2, 'Euro'), ('USD', 2, 'US Dollar'), ('GBP', 2, 'Pound Sterling'), ('CHF', 2, 'Swiss Franc'),
  ('SEK', 2, 'Swedish Krona'), ('JPY', 0, 'Yen'), ('BHD', 3, 'Bahraini Dinar'), ('BTC', 8, 'Bitcoin')
ON CONFLICT (code) DO NOTHING;
--> statement-breakpoint
GRANT SELECT ON currencies TO countersign_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON customers, customer_pii, accounts TO countersign_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON account_balances TO countersign_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON outbox_events TO countersign_app;
--> statement-breakpoint
-- The ledger itself: INSERT and SELECT only.
GRANT SELECT, INSERT ON ledger_transactions, ledger_entries TO countersign_app;
--> statement-breakpoint
GRANT USAGE, SELECT ON SEQUENCE ledger_entries_id_seq TO countersign_app;
--> statement-breakpoint
CREATE TRIGGER ledger_transactions_refuse_update_delete BEFORE UPDATE OR DELETE ON ledger_transactions
  FOR EACH ROW EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
CREATE TRIGGER ledger_transactions_refuse_truncate BEFORE TRUNCATE ON ledger_transactions
  FOR EACH STATEMENT EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
CREATE TRIGGER ledger_entries_refuse_update_delete BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
CREATE TRIGGER ledger_entries_refuse_truncate BEFORE TRUNCATE ON ledger_entries
  FOR EACH STATEMENT EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
ALTER TABLE ledger_transactions ENABLE ALWAYS TRIGGER ledger_transactions_refuse_update_delete;
--> statement-breakpoint
ALTER TABLE ledger_transactions ENABLE ALWAYS TRIGGER ledger_transactions_refuse_truncate;
--> statement-breakpoint
ALTER TABLE ledger_entries ENABLE ALWAYS TRIGGER ledger_entries_refuse_update_delete;
--> statement-breakpoint
ALTER TABLE ledger_entries ENABLE ALWAYS TRIGGER ledger_entries_refuse_truncate;
--> statement-breakpoint
-- Checked once per INSERT statement over every ledger transaction the statement wrote: at least two
-- entries, debits equal credits in every currency, and ALL of a transaction's entries written by
-- this one statement (so nothing can be added to a posted transaction later, balanced or not).
-- A statement-level check over the transition table costs one pass per statement instead of a
-- PL/pgSQL call per entry at commit; the posting code writes each transaction's entries in one
-- statement and checks the same invariants before writing.
CREATE OR REPLACE FUNCTION ledger_check_entries_balanced() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  problem text;
BEGIN
  SELECT format('ledger transaction %s %s', written.transaction_id,
           CASE
             WHEN written.entries < 2 THEN format('has %s entries; at least two are required', written.entries)
             WHEN written.unbalanced IS NOT NULL THEN format('is unbalanced: %s', written.unbalanced)
             ELSE 'already had entries: a posted transaction cannot gain entries'
           END)
    INTO problem
    FROM (
      SELECT n.transaction_id, sum(n.entries) AS entries,
             string_agg(n.currency || ' ' || n.total::text, ', ') FILTER (WHERE n.total <> 0) AS unbalanced
        FROM (SELECT transaction_id, currency, count(*) AS entries, sum(amount) AS total
                FROM new_entries GROUP BY transaction_id, currency) AS n
       GROUP BY n.transaction_id
    ) AS written
   WHERE written.entries < 2 OR written.unbalanced IS NOT NULL
      OR (SELECT count(*) FROM ledger_entries e WHERE e.transaction_id = written.transaction_id) <> written.entries
   LIMIT 1;
  IF problem IS NOT NULL THEN
    RAISE EXCEPTION '%', problem USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER ledger_entries_balanced
  AFTER INSERT ON ledger_entries
  REFERENCING NEW TABLE AS new_entries
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_check_entries_balanced();
--> statement-breakpoint
ALTER TABLE ledger_entries ENABLE ALWAYS TRIGGER ledger_entries_balanced;
--> statement-breakpoint
-- A transaction row without entries would escape the check above, so the header is checked too.
CREATE OR REPLACE FUNCTION ledger_check_transaction_has_entries() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM ledger_entries WHERE transaction_id = NEW.id) THEN
    RAISE EXCEPTION 'ledger transaction % has no entries', NEW.id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER ledger_transactions_have_entries
  AFTER INSERT ON ledger_transactions
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION ledger_check_transaction_has_entries();
--> statement-breakpoint
ALTER TABLE ledger_transactions ENABLE ALWAYS TRIGGER ledger_transactions_have_entries;
