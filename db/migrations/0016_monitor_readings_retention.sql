-- Monitor readings are history: append-only, as before, except that readings older than the
-- retention may be removed, and only by prune_monitor_readings(), which the worker's housekeeping
-- calls and audits. The database keeps a floor of 30 days whatever the caller asks for.
CREATE OR REPLACE FUNCTION countersign_monitor_readings_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE'
     AND current_setting('countersign.pruning_monitor_readings', true) = 'on'
     AND OLD.checked_at < now() - interval '30 days' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'raise_exception', HINT = 'readings older than the retention are pruned by prune_monitor_readings() only';
END
$$;
--> statement-breakpoint
DROP TRIGGER monitor_readings_refuse_update_delete ON monitor_readings;
--> statement-breakpoint
CREATE TRIGGER monitor_readings_refuse_update_delete BEFORE UPDATE OR DELETE ON monitor_readings
  FOR EACH ROW EXECUTE FUNCTION countersign_monitor_readings_guard();
--> statement-breakpoint
ALTER TABLE monitor_readings ENABLE ALWAYS TRIGGER monitor_readings_refuse_update_delete;
--> statement-breakpoint
-- Runs as its owner (the application role has no DELETE on the table): removes at most max_rows
-- readings older than keep_days (at least 30), oldest first, and says how many and the cutoff.
CREATE FUNCTION prune_monitor_readings(keep_days integer, max_rows integer)
RETURNS TABLE (pruned bigint, cutoff timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  cut timestamptz;
  removed bigint;
BEGIN
  IF keep_days IS NULL OR keep_days < 30 THEN
    RAISE EXCEPTION 'keep_days must be at least 30, not %', keep_days USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF max_rows IS NULL OR max_rows < 1 OR max_rows > 100000 THEN
    RAISE EXCEPTION 'max_rows must be from 1 to 100000, not %', max_rows USING ERRCODE = 'invalid_parameter_value';
  END IF;
  cut := now() - make_interval(days => keep_days);
  PERFORM set_config('countersign.pruning_monitor_readings', 'on', true);
  DELETE FROM monitor_readings r
   USING (SELECT id FROM monitor_readings WHERE checked_at < cut ORDER BY checked_at LIMIT max_rows) doomed
   WHERE r.id = doomed.id;
  GET DIAGNOSTICS removed = ROW_COUNT;
  PERFORM set_config('countersign.pruning_monitor_readings', 'off', true);
  RETURN QUERY SELECT removed, cut;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION prune_monitor_readings(integer, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION prune_monitor_readings(integer, integer) TO countersign_app;
