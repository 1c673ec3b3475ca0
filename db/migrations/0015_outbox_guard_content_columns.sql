-- The outbox guard (0007) refuses any change to what an event says. It ran on every UPDATE of the
-- table, and the dispatcher's bookkeeping (claims, attempts, status, delivered_at) updates every
-- event once or twice, comparing the whole payload each time. It now fires only on an UPDATE that
-- names one of the content columns in its SET list: PostgreSQL fires a column trigger whenever the
-- column is a target, whatever the value, so every statement that can change the content is still
-- checked. No other BEFORE UPDATE trigger on this table rewrites a row, which is the one way a
-- column could change without being named.
DROP TRIGGER outbox_events_guard_update ON outbox_events;
--> statement-breakpoint
CREATE TRIGGER outbox_events_guard_update
  BEFORE UPDATE OF id, type, aggregate_type, aggregate_id, payload, correlation_id, created_at ON outbox_events
  FOR EACH ROW EXECUTE FUNCTION outbox_events_guard_update();
--> statement-breakpoint
ALTER TABLE outbox_events ENABLE ALWAYS TRIGGER outbox_events_guard_update;
--> statement-breakpoint
-- The activity read model is updated in place by every projected batch: free space on each page
-- lets PostgreSQL keep the new row version on the same page (a HOT update, no index write).
ALTER TABLE customer_activity SET (fillfactor = 70);
