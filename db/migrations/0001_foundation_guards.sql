-- The application connects as countersign_app, which owns nothing. Start-up gives it LOGIN and a
-- password; here it only receives the privileges it needs, table by table.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'countersign_app') THEN
    CREATE ROLE countersign_app NOLOGIN;
  END IF;
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO countersign_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON staff, staff_sessions, system_meta TO countersign_app;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON sign_in_attempts TO countersign_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO countersign_app;
--> statement-breakpoint
GRANT USAGE, SELECT ON SEQUENCE sign_in_attempts_id_seq TO countersign_app;
--> statement-breakpoint
-- The audit trail: INSERT and SELECT only.
GRANT SELECT, INSERT ON audit_events TO countersign_app;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION countersign_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'raise_exception', HINT = 'record a correcting entry instead';
END
$$;
--> statement-breakpoint
CREATE TRIGGER audit_events_refuse_update_delete
  BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_events_refuse_truncate
  BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
-- ENABLE ALWAYS: the triggers fire even under session_replication_role = replica.
ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_refuse_update_delete;
--> statement-breakpoint
ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_refuse_truncate;
--> statement-breakpoint
-- Defence in depth for the chain: a new row must extend the head it claims to follow.
-- The writer already serialises on an advisory lock; this makes a fork or a gap impossible
-- even for a buggy or hostile writer that holds INSERT.
CREATE OR REPLACE FUNCTION audit_events_check_link() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  previous_hash text;
BEGIN
  IF NEW.seq = 1 THEN
    IF NEW.prev_hash <> repeat('0', 64) THEN
      RAISE EXCEPTION 'audit chain: seq 1 must follow the genesis hash' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
  END IF;
  SELECT hash INTO previous_hash FROM audit_events WHERE seq = NEW.seq - 1;
  IF previous_hash IS NULL THEN
    RAISE EXCEPTION 'audit chain: seq % has no predecessor', NEW.seq USING ERRCODE = 'check_violation';
  END IF;
  IF previous_hash <> NEW.prev_hash THEN
    RAISE EXCEPTION 'audit chain: seq % does not link to seq %', NEW.seq, NEW.seq - 1 USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER audit_events_check_link
  BEFORE INSERT ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_check_link();
--> statement-breakpoint
ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_check_link;
