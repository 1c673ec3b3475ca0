ALTER TABLE "statement_lines" DROP CONSTRAINT "statement_lines_import_id_statement_imports_id_fk";
--> statement-breakpoint
DROP INDEX "statement_lines_reference_idx";--> statement-breakpoint
DROP INDEX "statement_lines_booked_idx";--> statement-breakpoint
-- Replaces the per-row foreign key from statement_lines to statement_imports with one check per
-- INSERT or COPY statement over all the rows it wrote: every line must name an import that exists,
-- is accepted and is of the line's provider (stronger than the foreign key, which checked only
-- existence). Imports can be neither deleted nor changed (their guards), so the check cannot go
-- stale; the foreign key's other half, refusing to delete a referenced import, is theirs.
CREATE FUNCTION statement_lines_check_import() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  orphan record;
BEGIN
  SELECT n.import_id, n.provider INTO orphan
    FROM (SELECT DISTINCT import_id, provider FROM new_lines) n
    LEFT JOIN statement_imports i ON i.id = n.import_id
   WHERE i.id IS NULL OR i.status <> 'accepted' OR i.provider <> n.provider
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'statement lines name import % (provider %), which is not an accepted import of that provider', orphan.import_id, orphan.provider
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER statement_lines_check_import
  AFTER INSERT ON statement_lines
  REFERENCING NEW TABLE AS new_lines
  FOR EACH STATEMENT EXECUTE FUNCTION statement_lines_check_import();
--> statement-breakpoint
-- ENABLE ALWAYS: the check also runs under session_replication_role = replica, where a foreign key would not.
ALTER TABLE statement_lines ENABLE ALWAYS TRIGGER statement_lines_check_import;
