CREATE TYPE "public"."recon_difference_class" AS ENUM('missing_in_ledger', 'missing_at_provider', 'amount_mismatch', 'currency_mismatch', 'status_mismatch', 'duplicate_at_provider', 'balance_mismatch', 'trial_balance', 'stuck_payment', 'stuck_withdrawal');--> statement-breakpoint
CREATE TYPE "public"."recon_exception_status" AS ENUM('open', 'investigating', 'explained', 'resolved');--> statement-breakpoint
CREATE TYPE "public"."recon_match_method" AS ENUM('reference', 'amount_date', 'settlement');--> statement-breakpoint
CREATE TYPE "public"."recon_run_mode" AS ENUM('recorded', 'dry_run');--> statement-breakpoint
CREATE TYPE "public"."recon_run_status" AS ENUM('completed', 'failed');--> statement-breakpoint
CREATE TYPE "public"."recon_run_trigger" AS ENUM('manual', 'schedule');--> statement-breakpoint
CREATE TYPE "public"."recon_scope" AS ENUM('payments', 'withdrawals', 'ledger');--> statement-breakpoint
CREATE TYPE "public"."statement_import_status" AS ENUM('accepted', 'rejected');--> statement-breakpoint
CREATE TYPE "public"."statement_line_kind" AS ENUM('payment', 'withdrawal', 'refund', 'chargeback', 'fee', 'settlement');--> statement-breakpoint
CREATE TYPE "public"."alert_severity" AS ENUM('warning', 'critical');--> statement-breakpoint
CREATE TYPE "public"."alert_status" AS ENUM('open', 'acknowledged', 'resolved');--> statement-breakpoint
CREATE TYPE "public"."monitor_state" AS ENUM('ok', 'warning', 'critical', 'unknown');--> statement-breakpoint
ALTER TYPE "public"."approval_kind" ADD VALUE 'monitor_threshold';--> statement-breakpoint
CREATE TABLE "recon_differences" (
	"id" uuid PRIMARY KEY NOT NULL,
	"run_id" uuid NOT NULL,
	"class" "recon_difference_class" NOT NULL,
	"fingerprint" text NOT NULL,
	"provider" text,
	"reference" text,
	"line_id" bigint,
	"transaction_id" uuid,
	"account_id" uuid,
	"currency" char(3),
	"statement_amount" numeric(38, 18),
	"ledger_amount" numeric(38, 18),
	"amount" numeric(38, 18),
	"occurred_on" date,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recon_exception_notes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"exception_id" uuid NOT NULL,
	"author_id" text NOT NULL,
	"kind" text NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recon_exceptions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"fingerprint" text NOT NULL,
	"class" "recon_difference_class" NOT NULL,
	"status" "recon_exception_status" DEFAULT 'open' NOT NULL,
	"difference_id" uuid NOT NULL,
	"first_run_id" uuid NOT NULL,
	"last_run_id" uuid NOT NULL,
	"provider" text,
	"reference" text,
	"account_id" uuid,
	"transaction_id" uuid,
	"currency" char(3),
	"amount" numeric(38, 18),
	"assignee_id" uuid,
	"approval_request_id" uuid,
	"resolution" text,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "recon_matches" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" uuid NOT NULL,
	"line_id" bigint NOT NULL,
	"transaction_id" uuid NOT NULL,
	"method" "recon_match_method" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recon_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"scope" "recon_scope" NOT NULL,
	"mode" "recon_run_mode" NOT NULL,
	"trigger" "recon_run_trigger" NOT NULL,
	"status" "recon_run_status" NOT NULL,
	"provider" text,
	"parameters" jsonb NOT NULL,
	"import_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"window_from" timestamp with time zone,
	"window_to" timestamp with time zone,
	"summary" jsonb NOT NULL,
	"failure_reason" text,
	"requested_by" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "statement_imports" (
	"id" uuid PRIMARY KEY NOT NULL,
	"provider" text NOT NULL,
	"format" text NOT NULL,
	"file_name" text NOT NULL,
	"content_hash" text NOT NULL,
	"byte_size" bigint NOT NULL,
	"status" "statement_import_status" NOT NULL,
	"row_count" integer NOT NULL,
	"accepted_rows" integer NOT NULL,
	"rejected_rows" integer NOT NULL,
	"errors" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"period_from" date,
	"period_to" date,
	"uploaded_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "statement_imports_hash_hex" CHECK ("statement_imports"."content_hash" ~ '^[0-9a-f]{64}$'),
	CONSTRAINT "statement_imports_counts" CHECK ("statement_imports"."accepted_rows" + "statement_imports"."rejected_rows" = "statement_imports"."row_count" and "statement_imports"."row_count" >= 0)
);
--> statement-breakpoint
CREATE TABLE "statement_lines" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"import_id" uuid NOT NULL,
	"line_no" integer NOT NULL,
	"provider" text NOT NULL,
	"reference" text NOT NULL,
	"kind" "statement_line_kind" NOT NULL,
	"status" text NOT NULL,
	"amount" numeric(38, 18) NOT NULL,
	"currency" char(3) NOT NULL,
	"booked_on" date NOT NULL,
	"covers" text[],
	"description" text
);
--> statement-breakpoint
CREATE TABLE "alert_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"alert_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"actor" text NOT NULL,
	"comment" text,
	"severity" "alert_severity",
	"value" numeric,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"monitor" text NOT NULL,
	"severity" "alert_severity" NOT NULL,
	"status" "alert_status" DEFAULT 'open' NOT NULL,
	"summary" text NOT NULL,
	"evidence_href" text,
	"last_value" numeric,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"cleared_at" timestamp with time zone,
	"acknowledged_by" uuid,
	"acknowledged_at" timestamp with time zone,
	"resolved_by" text,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "audit_checkpoints" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"hash" text NOT NULL,
	"signed_at" timestamp (3) with time zone NOT NULL,
	"key_id" text NOT NULL,
	"message" text NOT NULL,
	"signature" text NOT NULL,
	"exported_to" text,
	CONSTRAINT "audit_checkpoints_hash_hex" CHECK ("audit_checkpoints"."hash" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
CREATE TABLE "audit_verifications" (
	"id" uuid PRIMARY KEY NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL,
	"ok" boolean NOT NULL,
	"records" bigint NOT NULL,
	"head_seq" bigint,
	"first_broken_seq" bigint,
	"reason" text,
	"checkpoints_checked" integer DEFAULT 0 NOT NULL,
	"trigger" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "monitor_readings" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"monitor" text NOT NULL,
	"value" numeric,
	"state" "monitor_state" NOT NULL,
	"threshold_version" integer,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"checked_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "monitor_thresholds" (
	"monitor" text NOT NULL,
	"version" integer NOT NULL,
	"warning" numeric NOT NULL,
	"critical" numeric NOT NULL,
	"direction" text DEFAULT 'above' NOT NULL,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" text NOT NULL,
	"request_id" uuid,
	CONSTRAINT "monitor_thresholds_monitor_version_pk" PRIMARY KEY("monitor","version"),
	CONSTRAINT "monitor_thresholds_direction" CHECK ("monitor_thresholds"."direction" in ('above', 'below')),
	CONSTRAINT "monitor_thresholds_version_positive" CHECK ("monitor_thresholds"."version" > 0)
);
--> statement-breakpoint
CREATE TABLE "webhook_duplicates" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"provider" text NOT NULL,
	"event_id" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "recon_differences" ADD CONSTRAINT "recon_differences_run_id_recon_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."recon_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recon_differences" ADD CONSTRAINT "recon_differences_line_id_statement_lines_id_fk" FOREIGN KEY ("line_id") REFERENCES "public"."statement_lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recon_exception_notes" ADD CONSTRAINT "recon_exception_notes_exception_id_recon_exceptions_id_fk" FOREIGN KEY ("exception_id") REFERENCES "public"."recon_exceptions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recon_exceptions" ADD CONSTRAINT "recon_exceptions_difference_id_recon_differences_id_fk" FOREIGN KEY ("difference_id") REFERENCES "public"."recon_differences"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recon_exceptions" ADD CONSTRAINT "recon_exceptions_first_run_id_recon_runs_id_fk" FOREIGN KEY ("first_run_id") REFERENCES "public"."recon_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recon_exceptions" ADD CONSTRAINT "recon_exceptions_last_run_id_recon_runs_id_fk" FOREIGN KEY ("last_run_id") REFERENCES "public"."recon_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recon_exceptions" ADD CONSTRAINT "recon_exceptions_assignee_id_staff_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recon_matches" ADD CONSTRAINT "recon_matches_run_id_recon_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."recon_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recon_matches" ADD CONSTRAINT "recon_matches_line_id_statement_lines_id_fk" FOREIGN KEY ("line_id") REFERENCES "public"."statement_lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "statement_imports" ADD CONSTRAINT "statement_imports_uploaded_by_staff_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "statement_lines" ADD CONSTRAINT "statement_lines_import_id_statement_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."statement_imports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_events" ADD CONSTRAINT "alert_events_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "recon_differences_run_class_idx" ON "recon_differences" USING btree ("run_id","class","occurred_on");--> statement-breakpoint
CREATE INDEX "recon_differences_fingerprint_idx" ON "recon_differences" USING btree ("fingerprint");--> statement-breakpoint
CREATE INDEX "recon_exception_notes_exception_idx" ON "recon_exception_notes" USING btree ("exception_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "recon_exceptions_open_fingerprint_uq" ON "recon_exceptions" USING btree ("fingerprint") WHERE "recon_exceptions"."status" <> 'resolved';--> statement-breakpoint
CREATE INDEX "recon_exceptions_status_idx" ON "recon_exceptions" USING btree ("status","opened_at");--> statement-breakpoint
CREATE INDEX "recon_exceptions_assignee_idx" ON "recon_exceptions" USING btree ("assignee_id","status");--> statement-breakpoint
CREATE INDEX "recon_exceptions_class_idx" ON "recon_exceptions" USING btree ("class","status","opened_at");--> statement-breakpoint
CREATE INDEX "recon_matches_run_idx" ON "recon_matches" USING btree ("run_id","line_id");--> statement-breakpoint
CREATE INDEX "recon_matches_transaction_idx" ON "recon_matches" USING btree ("transaction_id");--> statement-breakpoint
CREATE INDEX "recon_runs_scope_finished_idx" ON "recon_runs" USING btree ("scope","finished_at");--> statement-breakpoint
CREATE INDEX "recon_runs_finished_idx" ON "recon_runs" USING btree ("finished_at");--> statement-breakpoint
CREATE UNIQUE INDEX "statement_imports_provider_hash_uq" ON "statement_imports" USING btree ("provider","content_hash");--> statement-breakpoint
CREATE INDEX "statement_imports_created_idx" ON "statement_imports" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "statement_lines_import_line_uq" ON "statement_lines" USING btree ("import_id","line_no");--> statement-breakpoint
CREATE INDEX "statement_lines_reference_idx" ON "statement_lines" USING btree ("provider","reference");--> statement-breakpoint
CREATE INDEX "statement_lines_booked_idx" ON "statement_lines" USING btree ("provider","booked_on");--> statement-breakpoint
CREATE INDEX "alert_events_alert_idx" ON "alert_events" USING btree ("alert_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_monitor_unresolved_uq" ON "alerts" USING btree ("monitor") WHERE "alerts"."status" <> 'resolved';--> statement-breakpoint
CREATE INDEX "alerts_status_idx" ON "alerts" USING btree ("status","last_seen_at");--> statement-breakpoint
CREATE INDEX "alerts_first_seen_idx" ON "alerts" USING btree ("first_seen_at");--> statement-breakpoint
CREATE INDEX "audit_checkpoints_signed_idx" ON "audit_checkpoints" USING btree ("signed_at");--> statement-breakpoint
CREATE INDEX "audit_verifications_finished_idx" ON "audit_verifications" USING btree ("finished_at");--> statement-breakpoint
CREATE INDEX "monitor_readings_monitor_checked_idx" ON "monitor_readings" USING btree ("monitor","checked_at");--> statement-breakpoint
CREATE INDEX "monitor_readings_checked_idx" ON "monitor_readings" USING btree ("checked_at");--> statement-breakpoint
CREATE INDEX "webhook_duplicates_received_idx" ON "webhook_duplicates" USING btree ("received_at");