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
-- Checked at COMMIT, once the whole transaction is written: at least two entries, and debits equal
-- credits in every currency. The posting code checks the same before writing; this is the second
-- line, for any writer.
CREATE OR REPLACE FUNCTION ledger_check_transaction_balanced() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  entry_count bigint;
  unbalanced text;
BEGIN
  -- One index scan over the transaction's entries gives both the count and the per-currency sums.
  SELECT sum(n), string_agg(currency || ' ' || total::text, ', ') FILTER (WHERE total <> 0)
    INTO entry_count, unbalanced
    FROM (SELECT currency, count(*) AS n, sum(amount) AS total
            FROM ledger_entries WHERE transaction_id = NEW.transaction_id GROUP BY currency) AS sums;
  IF entry_count < 2 THEN
    RAISE EXCEPTION 'ledger transaction % has % entries; at least two are required', NEW.transaction_id, entry_count
      USING ERRCODE = 'check_violation';
  END IF;
  IF unbalanced IS NOT NULL THEN
    RAISE EXCEPTION 'ledger transaction % is unbalanced: %', NEW.transaction_id, unbalanced
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER ledger_entries_balanced
  AFTER INSERT ON ledger_entries
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION ledger_check_transaction_balanced();
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
