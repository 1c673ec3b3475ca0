-- audit_events.details becomes text holding the record's details as JSON: new rows store the
-- RFC 8785 canonical JSON that their hash covers, so the verifier can hash the stored bytes as they
-- are instead of printing and re-canonicalising jsonb. Existing rows keep exactly jsonb's text of
-- their details (the text the verifier has always parsed), so their hashes verify unchanged; the
-- ALTER rewrites the table without firing the row triggers that refuse UPDATE.
ALTER TABLE "audit_events" ALTER COLUMN "details" SET DATA TYPE text USING "details"::text;--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_details_object" CHECK (jsonb_typeof("audit_events"."details"::jsonb) = 'object');
