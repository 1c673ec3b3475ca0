-- Privileges of the application role on the webhook, outbox and dead-letter tables. Nothing here
-- may be deleted by the application: finished work is marked, never removed.
GRANT SELECT, INSERT, UPDATE ON webhook_inbox, provider_payments, provider_withdrawals, provider_bets TO countersign_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON outbox_deliveries, dead_letters, dead_letter_edits, replay_batches, customer_activity TO countersign_app;
--> statement-breakpoint
-- The exactly-once records and the attempt history: INSERT and SELECT only.
GRANT SELECT, INSERT ON processed_events, job_attempts TO countersign_app;
--> statement-breakpoint
GRANT USAGE, SELECT ON SEQUENCE job_attempts_id_seq TO countersign_app;
--> statement-breakpoint
CREATE TRIGGER processed_events_refuse_update_delete BEFORE UPDATE OR DELETE ON processed_events
  FOR EACH ROW EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
CREATE TRIGGER processed_events_refuse_truncate BEFORE TRUNCATE ON processed_events
  FOR EACH STATEMENT EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
CREATE TRIGGER job_attempts_refuse_update_delete BEFORE UPDATE OR DELETE ON job_attempts
  FOR EACH ROW EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
CREATE TRIGGER job_attempts_refuse_truncate BEFORE TRUNCATE ON job_attempts
  FOR EACH STATEMENT EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
ALTER TABLE processed_events ENABLE ALWAYS TRIGGER processed_events_refuse_update_delete;
--> statement-breakpoint
ALTER TABLE processed_events ENABLE ALWAYS TRIGGER processed_events_refuse_truncate;
--> statement-breakpoint
ALTER TABLE job_attempts ENABLE ALWAYS TRIGGER job_attempts_refuse_update_delete;
--> statement-breakpoint
ALTER TABLE job_attempts ENABLE ALWAYS TRIGGER job_attempts_refuse_truncate;
--> statement-breakpoint
-- Rows that are marked, never removed: DELETE and TRUNCATE are refused, for the owner too.
CREATE TRIGGER webhook_inbox_refuse_delete BEFORE DELETE ON webhook_inbox FOR EACH ROW EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
CREATE TRIGGER webhook_inbox_refuse_truncate BEFORE TRUNCATE ON webhook_inbox FOR EACH STATEMENT EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
CREATE TRIGGER outbox_events_refuse_delete BEFORE DELETE ON outbox_events FOR EACH ROW EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
CREATE TRIGGER outbox_events_refuse_truncate BEFORE TRUNCATE ON outbox_events FOR EACH STATEMENT EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
CREATE TRIGGER dead_letters_refuse_delete BEFORE DELETE ON dead_letters FOR EACH ROW EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
CREATE TRIGGER dead_letters_refuse_truncate BEFORE TRUNCATE ON dead_letters FOR EACH STATEMENT EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
CREATE TRIGGER dead_letter_edits_refuse_delete BEFORE DELETE ON dead_letter_edits FOR EACH ROW EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
CREATE TRIGGER dead_letter_edits_refuse_truncate BEFORE TRUNCATE ON dead_letter_edits FOR EACH STATEMENT EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
ALTER TABLE webhook_inbox ENABLE ALWAYS TRIGGER webhook_inbox_refuse_delete;
--> statement-breakpoint
ALTER TABLE webhook_inbox ENABLE ALWAYS TRIGGER webhook_inbox_refuse_truncate;
--> statement-breakpoint
ALTER TABLE outbox_events ENABLE ALWAYS TRIGGER outbox_events_refuse_delete;
--> statement-breakpoint
ALTER TABLE outbox_events ENABLE ALWAYS TRIGGER outbox_events_refuse_truncate;
--> statement-breakpoint
ALTER TABLE dead_letters ENABLE ALWAYS TRIGGER dead_letters_refuse_delete;
--> statement-breakpoint
ALTER TABLE dead_letters ENABLE ALWAYS TRIGGER dead_letters_refuse_truncate;
--> statement-breakpoint
ALTER TABLE dead_letter_edits ENABLE ALWAYS TRIGGER dead_letter_edits_refuse_delete;
--> statement-breakpoint
ALTER TABLE dead_letter_edits ENABLE ALWAYS TRIGGER dead_letter_edits_refuse_truncate;
--> statement-breakpoint
-- What arrived and what left are facts: an event's identity and payload never change. An approved
-- edit goes to edited_payload beside them.
CREATE OR REPLACE FUNCTION webhook_inbox_guard_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.id IS DISTINCT FROM OLD.id OR NEW.provider IS DISTINCT FROM OLD.provider OR NEW.event_id IS DISTINCT FROM OLD.event_id
     OR NEW.event_type IS DISTINCT FROM OLD.event_type OR NEW.payload IS DISTINCT FROM OLD.payload
     OR NEW.payload_hash IS DISTINCT FROM OLD.payload_hash OR NEW.correlation_id IS DISTINCT FROM OLD.correlation_id
     OR NEW.sent_at IS DISTINCT FROM OLD.sent_at OR NEW.received_at IS DISTINCT FROM OLD.received_at THEN
    RAISE EXCEPTION 'webhook_inbox %: a received event cannot change', OLD.id USING ERRCODE = 'check_violation';
  END IF;
  IF OLD.status IN ('processed', 'discarded') AND NEW.status IS DISTINCT FROM OLD.status THEN
    RAISE EXCEPTION 'webhook_inbox %: a % event is final', OLD.id, OLD.status USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER webhook_inbox_guard_update BEFORE UPDATE ON webhook_inbox FOR EACH ROW EXECUTE FUNCTION webhook_inbox_guard_update();
--> statement-breakpoint
ALTER TABLE webhook_inbox ENABLE ALWAYS TRIGGER webhook_inbox_guard_update;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION outbox_events_guard_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.id IS DISTINCT FROM OLD.id OR NEW.type IS DISTINCT FROM OLD.type OR NEW.aggregate_type IS DISTINCT FROM OLD.aggregate_type
     OR NEW.aggregate_id IS DISTINCT FROM OLD.aggregate_id OR NEW.payload IS DISTINCT FROM OLD.payload
     OR NEW.correlation_id IS DISTINCT FROM OLD.correlation_id OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
    RAISE EXCEPTION 'outbox_events %: an event cannot change', OLD.id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER outbox_events_guard_update BEFORE UPDATE ON outbox_events FOR EACH ROW EXECUTE FUNCTION outbox_events_guard_update();
--> statement-breakpoint
ALTER TABLE outbox_events ENABLE ALWAYS TRIGGER outbox_events_guard_update;
--> statement-breakpoint
-- A dead letter keeps what it is about; a discard is final and keeps its reason.
CREATE OR REPLACE FUNCTION dead_letters_guard_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.id IS DISTINCT FROM OLD.id OR NEW.job_key IS DISTINCT FROM OLD.job_key OR NEW.source IS DISTINCT FROM OLD.source
     OR NEW.inbox_id IS DISTINCT FROM OLD.inbox_id OR NEW.outbox_event_id IS DISTINCT FROM OLD.outbox_event_id
     OR NEW.handler IS DISTINCT FROM OLD.handler OR NEW.event_id IS DISTINCT FROM OLD.event_id
     OR NEW.first_dead_at IS DISTINCT FROM OLD.first_dead_at THEN
    RAISE EXCEPTION 'dead letter %: what it is about cannot change', OLD.id USING ERRCODE = 'check_violation';
  END IF;
  IF OLD.status = 'discarded' AND (NEW.status IS DISTINCT FROM OLD.status OR NEW.discard_reason IS DISTINCT FROM OLD.discard_reason
     OR NEW.discarded_by IS DISTINCT FROM OLD.discarded_by) THEN
    RAISE EXCEPTION 'dead letter % was discarded; that is final', OLD.id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER dead_letters_guard_update BEFORE UPDATE ON dead_letters FOR EACH ROW EXECUTE FUNCTION dead_letters_guard_update();
--> statement-breakpoint
ALTER TABLE dead_letters ENABLE ALWAYS TRIGGER dead_letters_guard_update;
--> statement-breakpoint
-- Four eyes on payload edits: what was proposed never changes, a decision is final, and the editor
-- never decides (the table's check constraint says the same for every row).
CREATE OR REPLACE FUNCTION dead_letter_edits_guard_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.id IS DISTINCT FROM OLD.id OR NEW.dead_letter_id IS DISTINCT FROM OLD.dead_letter_id OR NEW.editor_id IS DISTINCT FROM OLD.editor_id
     OR NEW.original_payload IS DISTINCT FROM OLD.original_payload OR NEW.edited_payload IS DISTINCT FROM OLD.edited_payload
     OR NEW.diff IS DISTINCT FROM OLD.diff OR NEW.payload_hash IS DISTINCT FROM OLD.payload_hash OR NEW.reason IS DISTINCT FROM OLD.reason THEN
    RAISE EXCEPTION 'dead letter edit %: what was proposed cannot change', OLD.id USING ERRCODE = 'check_violation';
  END IF;
  IF OLD.status <> 'pending' AND (NEW.status IS DISTINCT FROM OLD.status OR NEW.decider_id IS DISTINCT FROM OLD.decider_id) THEN
    RAISE EXCEPTION 'dead letter edit % is already %', OLD.id, OLD.status USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.status IN ('approved', 'rejected') AND (NEW.decider_id IS NULL OR NEW.decider_id = NEW.editor_id) THEN
    RAISE EXCEPTION 'separation of duties: the editor of % cannot decide it', OLD.id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER dead_letter_edits_guard_update BEFORE UPDATE ON dead_letter_edits FOR EACH ROW EXECUTE FUNCTION dead_letter_edits_guard_update();
--> statement-breakpoint
ALTER TABLE dead_letter_edits ENABLE ALWAYS TRIGGER dead_letter_edits_guard_update;
--> statement-breakpoint
-- Wake the worker when work arrives. Statement-level, so a bulk insert sends one notification;
-- delivered at commit, so the worker never wakes for a row it cannot see yet.
CREATE OR REPLACE FUNCTION countersign_notify_work() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify(TG_ARGV[0], '');
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER webhook_inbox_notify AFTER INSERT ON webhook_inbox FOR EACH STATEMENT EXECUTE FUNCTION countersign_notify_work('countersign_inbox');
--> statement-breakpoint
CREATE TRIGGER outbox_events_notify AFTER INSERT ON outbox_events FOR EACH STATEMENT EXECUTE FUNCTION countersign_notify_work('countersign_outbox');
