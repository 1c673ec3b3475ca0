-- Privileges of the application role on the reconciliation and monitoring tables. Statements,
-- runs, matches, differences, notes, thresholds, readings, alert history, checkpoints and
-- verifications are facts: INSERT and SELECT only, and the database refuses UPDATE, DELETE and
-- TRUNCATE for every role. Exceptions and alerts change state (audited) but are never removed.
GRANT SELECT, INSERT ON statement_imports, statement_lines, recon_runs, recon_matches, recon_differences, recon_exception_notes, monitor_thresholds, monitor_readings, alert_events, audit_checkpoints, audit_verifications, webhook_duplicates TO countersign_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON recon_exceptions, alerts TO countersign_app;
--> statement-breakpoint
GRANT USAGE, SELECT ON SEQUENCE statement_lines_id_seq, recon_matches_id_seq, monitor_readings_id_seq, alert_events_id_seq, webhook_duplicates_id_seq TO countersign_app;
--> statement-breakpoint
CREATE TRIGGER statement_imports_refuse_update_delete BEFORE UPDATE OR DELETE ON statement_imports
  FOR EACH ROW EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
CREATE TRIGGER statement_imports_refuse_truncate BEFORE TRUNCATE ON statement_imports
  FOR EACH STATEMENT EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
ALTER TABLE statement_imports ENABLE ALWAYS TRIGGER statement_imports_refuse_update_delete;
--> statement-breakpoint
ALTER TABLE statement_imports ENABLE ALWAYS TRIGGER statement_imports_refuse_truncate;
--> statement-breakpoint
CREATE TRIGGER statement_lines_refuse_update_delete BEFORE UPDATE OR DELETE ON statement_lines
  FOR EACH ROW EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
CREATE TRIGGER statement_lines_refuse_truncate BEFORE TRUNCATE ON statement_lines
  FOR EACH STATEMENT EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
ALTER TABLE statement_lines ENABLE ALWAYS TRIGGER statement_lines_refuse_update_delete;
--> statement-breakpoint
ALTER TABLE statement_lines ENABLE ALWAYS TRIGGER statement_lines_refuse_truncate;
--> statement-breakpoint
CREATE TRIGGER recon_runs_refuse_update_delete BEFORE UPDATE OR DELETE ON recon_runs
  FOR EACH ROW EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
CREATE TRIGGER recon_runs_refuse_truncate BEFORE TRUNCATE ON recon_runs
  FOR EACH STATEMENT EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
ALTER TABLE recon_runs ENABLE ALWAYS TRIGGER recon_runs_refuse_update_delete;
--> statement-breakpoint
ALTER TABLE recon_runs ENABLE ALWAYS TRIGGER recon_runs_refuse_truncate;
--> statement-breakpoint
CREATE TRIGGER recon_matches_refuse_update_delete BEFORE UPDATE OR DELETE ON recon_matches
  FOR EACH ROW EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
CREATE TRIGGER recon_matches_refuse_truncate BEFORE TRUNCATE ON recon_matches
  FOR EACH STATEMENT EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
ALTER TABLE recon_matches ENABLE ALWAYS TRIGGER recon_matches_refuse_update_delete;
--> statement-breakpoint
ALTER TABLE recon_matches ENABLE ALWAYS TRIGGER recon_matches_refuse_truncate;
--> statement-breakpoint
CREATE TRIGGER recon_differences_refuse_update_delete BEFORE UPDATE OR DELETE ON recon_differences
  FOR EACH ROW EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
CREATE TRIGGER recon_differences_refuse_truncate BEFORE TRUNCATE ON recon_differences
  FOR EACH STATEMENT EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
ALTER TABLE recon_differences ENABLE ALWAYS TRIGGER recon_differences_refuse_update_delete;
--> statement-breakpoint
ALTER TABLE recon_differences ENABLE ALWAYS TRIGGER recon_differences_refuse_truncate;
--> statement-breakpoint
CREATE TRIGGER recon_exception_notes_refuse_update_delete BEFORE UPDATE OR DELETE ON recon_exception_notes
  FOR EACH ROW EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
CREATE TRIGGER recon_exception_notes_refuse_truncate BEFORE TRUNCATE ON recon_exception_notes
  FOR EACH STATEMENT EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
ALTER TABLE recon_exception_notes ENABLE ALWAYS TRIGGER recon_exception_notes_refuse_update_delete;
--> statement-breakpoint
ALTER TABLE recon_exception_notes ENABLE ALWAYS TRIGGER recon_exception_notes_refuse_truncate;
--> statement-breakpoint
CREATE TRIGGER monitor_thresholds_refuse_update_delete BEFORE UPDATE OR DELETE ON monitor_thresholds
  FOR EACH ROW EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
CREATE TRIGGER monitor_thresholds_refuse_truncate BEFORE TRUNCATE ON monitor_thresholds
  FOR EACH STATEMENT EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
ALTER TABLE monitor_thresholds ENABLE ALWAYS TRIGGER monitor_thresholds_refuse_update_delete;
--> statement-breakpoint
ALTER TABLE monitor_thresholds ENABLE ALWAYS TRIGGER monitor_thresholds_refuse_truncate;
--> statement-breakpoint
CREATE TRIGGER monitor_readings_refuse_update_delete BEFORE UPDATE OR DELETE ON monitor_readings
  FOR EACH ROW EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
CREATE TRIGGER monitor_readings_refuse_truncate BEFORE TRUNCATE ON monitor_readings
  FOR EACH STATEMENT EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
ALTER TABLE monitor_readings ENABLE ALWAYS TRIGGER monitor_readings_refuse_update_delete;
--> statement-breakpoint
ALTER TABLE monitor_readings ENABLE ALWAYS TRIGGER monitor_readings_refuse_truncate;
--> statement-breakpoint
CREATE TRIGGER alert_events_refuse_update_delete BEFORE UPDATE OR DELETE ON alert_events
  FOR EACH ROW EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
CREATE TRIGGER alert_events_refuse_truncate BEFORE TRUNCATE ON alert_events
  FOR EACH STATEMENT EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
ALTER TABLE alert_events ENABLE ALWAYS TRIGGER alert_events_refuse_update_delete;
--> statement-breakpoint
ALTER TABLE alert_events ENABLE ALWAYS TRIGGER alert_events_refuse_truncate;
--> statement-breakpoint
CREATE TRIGGER audit_checkpoints_refuse_update_delete BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_checkpoints_refuse_truncate BEFORE TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
ALTER TABLE audit_checkpoints ENABLE ALWAYS TRIGGER audit_checkpoints_refuse_update_delete;
--> statement-breakpoint
ALTER TABLE audit_checkpoints ENABLE ALWAYS TRIGGER audit_checkpoints_refuse_truncate;
--> statement-breakpoint
CREATE TRIGGER audit_verifications_refuse_update_delete BEFORE UPDATE OR DELETE ON audit_verifications
  FOR EACH ROW EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_verifications_refuse_truncate BEFORE TRUNCATE ON audit_verifications
  FOR EACH STATEMENT EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
ALTER TABLE audit_verifications ENABLE ALWAYS TRIGGER audit_verifications_refuse_update_delete;
--> statement-breakpoint
ALTER TABLE audit_verifications ENABLE ALWAYS TRIGGER audit_verifications_refuse_truncate;
--> statement-breakpoint
CREATE TRIGGER webhook_duplicates_refuse_update_delete BEFORE UPDATE OR DELETE ON webhook_duplicates
  FOR EACH ROW EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
CREATE TRIGGER webhook_duplicates_refuse_truncate BEFORE TRUNCATE ON webhook_duplicates
  FOR EACH STATEMENT EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
ALTER TABLE webhook_duplicates ENABLE ALWAYS TRIGGER webhook_duplicates_refuse_update_delete;
--> statement-breakpoint
ALTER TABLE webhook_duplicates ENABLE ALWAYS TRIGGER webhook_duplicates_refuse_truncate;
--> statement-breakpoint
CREATE TRIGGER recon_exceptions_refuse_delete BEFORE DELETE ON recon_exceptions FOR EACH ROW EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
CREATE TRIGGER recon_exceptions_refuse_truncate BEFORE TRUNCATE ON recon_exceptions FOR EACH STATEMENT EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
ALTER TABLE recon_exceptions ENABLE ALWAYS TRIGGER recon_exceptions_refuse_delete;
--> statement-breakpoint
ALTER TABLE recon_exceptions ENABLE ALWAYS TRIGGER recon_exceptions_refuse_truncate;
--> statement-breakpoint
CREATE TRIGGER alerts_refuse_delete BEFORE DELETE ON alerts FOR EACH ROW EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
CREATE TRIGGER alerts_refuse_truncate BEFORE TRUNCATE ON alerts FOR EACH STATEMENT EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
ALTER TABLE alerts ENABLE ALWAYS TRIGGER alerts_refuse_delete;
--> statement-breakpoint
ALTER TABLE alerts ENABLE ALWAYS TRIGGER alerts_refuse_truncate;
--> statement-breakpoint
-- An exception's identity (what was found, by which run) never changes, and resolved is final: a
-- difference found again after resolution opens a new exception.
CREATE OR REPLACE FUNCTION recon_exceptions_guard_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.id IS DISTINCT FROM OLD.id OR NEW.fingerprint IS DISTINCT FROM OLD.fingerprint OR NEW.class IS DISTINCT FROM OLD.class
     OR NEW.difference_id IS DISTINCT FROM OLD.difference_id OR NEW.first_run_id IS DISTINCT FROM OLD.first_run_id
     OR NEW.opened_at IS DISTINCT FROM OLD.opened_at THEN
    RAISE EXCEPTION 'recon_exceptions %: what was found cannot change', OLD.id USING ERRCODE = 'check_violation';
  END IF;
  IF OLD.status = 'resolved' THEN
    RAISE EXCEPTION 'recon_exceptions %: a resolved exception is final', OLD.id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER recon_exceptions_guard_update BEFORE UPDATE ON recon_exceptions FOR EACH ROW EXECUTE FUNCTION recon_exceptions_guard_update();
--> statement-breakpoint
ALTER TABLE recon_exceptions ENABLE ALWAYS TRIGGER recon_exceptions_guard_update;
--> statement-breakpoint
-- An alert's monitor and first sighting never change, and resolved is final: a later crossing opens a new alert.
CREATE OR REPLACE FUNCTION alerts_guard_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.id IS DISTINCT FROM OLD.id OR NEW.monitor IS DISTINCT FROM OLD.monitor OR NEW.first_seen_at IS DISTINCT FROM OLD.first_seen_at THEN
    RAISE EXCEPTION 'alerts %: monitor and first sighting cannot change', OLD.id USING ERRCODE = 'check_violation';
  END IF;
  IF OLD.status = 'resolved' THEN
    RAISE EXCEPTION 'alerts %: a resolved alert is final', OLD.id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER alerts_guard_update BEFORE UPDATE ON alerts FOR EACH ROW EXECUTE FUNCTION alerts_guard_update();
--> statement-breakpoint
ALTER TABLE alerts ENABLE ALWAYS TRIGGER alerts_guard_update;
