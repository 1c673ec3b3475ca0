CREATE TYPE "public"."provider_bet_status" AS ENUM('placed', 'won', 'rolled_back');--> statement-breakpoint
CREATE TYPE "public"."inbox_status" AS ENUM('pending', 'processed', 'dead', 'discarded');--> statement-breakpoint
CREATE TYPE "public"."provider_payment_status" AS ENUM('succeeded', 'failed');--> statement-breakpoint
CREATE TYPE "public"."provider_withdrawal_status" AS ENUM('requested', 'paid', 'failed');--> statement-breakpoint
CREATE TYPE "public"."job_attempt_outcome" AS ENUM('failed', 'succeeded', 'lost');--> statement-breakpoint
CREATE TYPE "public"."dead_letter_status" AS ENUM('dead', 'queued', 'replaying', 'replayed', 'discarded');--> statement-breakpoint
CREATE TYPE "public"."outbox_delivery_status" AS ENUM('pending', 'delivered', 'dead', 'discarded');--> statement-breakpoint
CREATE TYPE "public"."dead_letter_edit_status" AS ENUM('pending', 'approved', 'rejected', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."job_source" AS ENUM('inbox', 'outbox');--> statement-breakpoint
CREATE TYPE "public"."replay_batch_status" AS ENUM('running', 'completed', 'cancelled');--> statement-breakpoint
CREATE TABLE "provider_bets" (
	"id" uuid PRIMARY KEY NOT NULL,
	"provider" text NOT NULL,
	"bet_id" text NOT NULL,
	"customer_id" uuid NOT NULL,
	"amount" numeric(38, 18) NOT NULL,
	"currency" char(3) NOT NULL,
	"game" text,
	"status" "provider_bet_status" NOT NULL,
	"placed_at" timestamp with time zone NOT NULL,
	"settled_at" timestamp with time zone,
	"win_amount" numeric(38, 18),
	"bet_transaction_id" uuid NOT NULL,
	"win_transaction_id" uuid,
	"rollback_transaction_id" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "provider_bets_amount_positive" CHECK ("provider_bets"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "provider_payments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"provider" text NOT NULL,
	"payment_id" text NOT NULL,
	"customer_id" uuid NOT NULL,
	"amount" numeric(38, 18) NOT NULL,
	"currency" char(3) NOT NULL,
	"method" text,
	"status" "provider_payment_status" NOT NULL,
	"failure_code" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ledger_transaction_id" uuid,
	"last_event_id" text NOT NULL,
	CONSTRAINT "provider_payments_amount_positive" CHECK ("provider_payments"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "provider_withdrawals" (
	"id" uuid PRIMARY KEY NOT NULL,
	"provider" text NOT NULL,
	"withdrawal_id" text NOT NULL,
	"customer_id" uuid NOT NULL,
	"amount" numeric(38, 18) NOT NULL,
	"currency" char(3) NOT NULL,
	"status" "provider_withdrawal_status" NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"settled_at" timestamp with time zone,
	"failure_code" text,
	"hold_transaction_id" uuid NOT NULL,
	"settle_transaction_id" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_event_id" text NOT NULL,
	CONSTRAINT "provider_withdrawals_amount_positive" CHECK ("provider_withdrawals"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "webhook_inbox" (
	"id" uuid PRIMARY KEY NOT NULL,
	"provider" text NOT NULL,
	"event_id" text NOT NULL,
	"event_type" text NOT NULL,
	"payload" jsonb NOT NULL,
	"payload_hash" text NOT NULL,
	"edited_payload" jsonb,
	"edit_id" uuid,
	"correlation_id" text NOT NULL,
	"sent_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" "inbox_status" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"run" integer DEFAULT 0 NOT NULL,
	"available_at" timestamp with time zone DEFAULT now() NOT NULL,
	"claimed_until" timestamp with time zone,
	"claimed_by" text,
	"processed_at" timestamp with time zone,
	"outcome" text,
	"ledger_transaction_id" uuid,
	"last_error_class" text,
	"last_error" text,
	CONSTRAINT "webhook_inbox_attempts_range" CHECK ("webhook_inbox"."attempts" >= 0 and "webhook_inbox"."run" >= 0)
);
--> statement-breakpoint
CREATE TABLE "customer_activity" (
	"customer_id" uuid NOT NULL,
	"currency" char(3) NOT NULL,
	"kind" text NOT NULL,
	"event_count" integer DEFAULT 0 NOT NULL,
	"total" numeric(38, 18) NOT NULL,
	"last_event_id" uuid NOT NULL,
	"last_activity_at" timestamp with time zone NOT NULL,
	CONSTRAINT "customer_activity_pk" PRIMARY KEY("customer_id","currency","kind")
);
--> statement-breakpoint
CREATE TABLE "dead_letter_edits" (
	"id" uuid PRIMARY KEY NOT NULL,
	"dead_letter_id" uuid NOT NULL,
	"editor_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"original_payload" jsonb NOT NULL,
	"edited_payload" jsonb NOT NULL,
	"diff" jsonb NOT NULL,
	"payload_hash" text NOT NULL,
	"status" "dead_letter_edit_status" DEFAULT 'pending' NOT NULL,
	"decider_id" uuid,
	"decision_comment" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone,
	CONSTRAINT "dead_letter_edits_four_eyes" CHECK ("dead_letter_edits"."status" = 'cancelled' or "dead_letter_edits"."decider_id" is null or "dead_letter_edits"."decider_id" <> "dead_letter_edits"."editor_id"),
	CONSTRAINT "dead_letter_edits_hash_hex" CHECK ("dead_letter_edits"."payload_hash" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
CREATE TABLE "dead_letters" (
	"id" uuid PRIMARY KEY NOT NULL,
	"job_key" text NOT NULL,
	"source" "job_source" NOT NULL,
	"inbox_id" uuid,
	"outbox_event_id" uuid,
	"handler" text NOT NULL,
	"event_type" text NOT NULL,
	"provider" text,
	"event_id" text NOT NULL,
	"correlation_id" text,
	"error_class" text NOT NULL,
	"last_error" text NOT NULL,
	"attempts" integer NOT NULL,
	"status" "dead_letter_status" DEFAULT 'dead' NOT NULL,
	"first_dead_at" timestamp with time zone DEFAULT now() NOT NULL,
	"dead_lettered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"times_dead" integer DEFAULT 1 NOT NULL,
	"replay_batch_id" uuid,
	"replay_requested_by" uuid,
	"replay_requested_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"discarded_by" uuid,
	"discarded_at" timestamp with time zone,
	"discard_reason" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dead_letters_source_ref" CHECK (("dead_letters"."source" = 'inbox') = ("dead_letters"."inbox_id" is not null) and ("dead_letters"."source" = 'outbox') = ("dead_letters"."outbox_event_id" is not null)),
	CONSTRAINT "dead_letters_discard_reason" CHECK ("dead_letters"."status" <> 'discarded' or ("dead_letters"."discard_reason" is not null and "dead_letters"."discarded_by" is not null))
);
--> statement-breakpoint
CREATE TABLE "job_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"job_key" text NOT NULL,
	"source" "job_source" NOT NULL,
	"inbox_id" uuid,
	"outbox_event_id" uuid,
	"handler" text NOT NULL,
	"run" integer NOT NULL,
	"attempt" integer NOT NULL,
	"outcome" "job_attempt_outcome" NOT NULL,
	"retryable" boolean,
	"error_class" text,
	"error_message" text,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone DEFAULT now() NOT NULL,
	"worker_id" text NOT NULL,
	"correlation_id" text
);
--> statement-breakpoint
CREATE TABLE "outbox_deliveries" (
	"event_id" uuid NOT NULL,
	"handler" text NOT NULL,
	"status" "outbox_delivery_status" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"run" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error_class" text,
	"last_error" text,
	"delivered_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "outbox_deliveries_pk" PRIMARY KEY("event_id","handler")
);
--> statement-breakpoint
CREATE TABLE "processed_events" (
	"handler" text NOT NULL,
	"event_id" uuid NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"correlation_id" text,
	CONSTRAINT "processed_events_pk" PRIMARY KEY("handler","event_id")
);
--> statement-breakpoint
CREATE TABLE "replay_batches" (
	"id" uuid PRIMARY KEY NOT NULL,
	"requested_by" uuid NOT NULL,
	"filter" jsonb NOT NULL,
	"total" integer NOT NULL,
	"rate_per_second" integer NOT NULL,
	"status" "replay_batch_status" DEFAULT 'running' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"cancelled_by" uuid,
	"cancelled_count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "replay_batches_rate_range" CHECK ("replay_batches"."rate_per_second" between 1 and 1000)
);
--> statement-breakpoint
ALTER TABLE "outbox_events" ADD COLUMN "claimed_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "outbox_events" ADD COLUMN "claimed_by" text;--> statement-breakpoint
ALTER TABLE "outbox_events" ADD COLUMN "edited_payload" jsonb;--> statement-breakpoint
ALTER TABLE "outbox_events" ADD COLUMN "edit_id" uuid;--> statement-breakpoint
ALTER TABLE "provider_bets" ADD CONSTRAINT "provider_bets_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provider_payments" ADD CONSTRAINT "provider_payments_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provider_withdrawals" ADD CONSTRAINT "provider_withdrawals_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_activity" ADD CONSTRAINT "customer_activity_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dead_letter_edits" ADD CONSTRAINT "dead_letter_edits_dead_letter_id_dead_letters_id_fk" FOREIGN KEY ("dead_letter_id") REFERENCES "public"."dead_letters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dead_letter_edits" ADD CONSTRAINT "dead_letter_edits_editor_id_staff_id_fk" FOREIGN KEY ("editor_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dead_letter_edits" ADD CONSTRAINT "dead_letter_edits_decider_id_staff_id_fk" FOREIGN KEY ("decider_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dead_letters" ADD CONSTRAINT "dead_letters_inbox_id_webhook_inbox_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."webhook_inbox"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dead_letters" ADD CONSTRAINT "dead_letters_outbox_event_id_outbox_events_id_fk" FOREIGN KEY ("outbox_event_id") REFERENCES "public"."outbox_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dead_letters" ADD CONSTRAINT "dead_letters_replay_requested_by_staff_id_fk" FOREIGN KEY ("replay_requested_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dead_letters" ADD CONSTRAINT "dead_letters_discarded_by_staff_id_fk" FOREIGN KEY ("discarded_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbox_deliveries" ADD CONSTRAINT "outbox_deliveries_event_id_outbox_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."outbox_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "replay_batches" ADD CONSTRAINT "replay_batches_requested_by_staff_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "replay_batches" ADD CONSTRAINT "replay_batches_cancelled_by_staff_id_fk" FOREIGN KEY ("cancelled_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "provider_bets_provider_bet_uq" ON "provider_bets" USING btree ("provider","bet_id");--> statement-breakpoint
CREATE INDEX "provider_bets_customer_idx" ON "provider_bets" USING btree ("customer_id","placed_at");--> statement-breakpoint
CREATE UNIQUE INDEX "provider_payments_provider_payment_uq" ON "provider_payments" USING btree ("provider","payment_id");--> statement-breakpoint
CREATE INDEX "provider_payments_customer_idx" ON "provider_payments" USING btree ("customer_id","created_at");--> statement-breakpoint
CREATE INDEX "provider_payments_status_idx" ON "provider_payments" USING btree ("status","updated_at");--> statement-breakpoint
CREATE UNIQUE INDEX "provider_withdrawals_provider_withdrawal_uq" ON "provider_withdrawals" USING btree ("provider","withdrawal_id");--> statement-breakpoint
CREATE INDEX "provider_withdrawals_status_idx" ON "provider_withdrawals" USING btree ("status","requested_at");--> statement-breakpoint
CREATE INDEX "provider_withdrawals_customer_idx" ON "provider_withdrawals" USING btree ("customer_id","requested_at");--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_inbox_provider_event_uq" ON "webhook_inbox" USING btree ("provider","event_id");--> statement-breakpoint
CREATE INDEX "webhook_inbox_due_idx" ON "webhook_inbox" USING btree ("available_at") WHERE "webhook_inbox"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "webhook_inbox_received_idx" ON "webhook_inbox" USING btree ("received_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "webhook_inbox_correlation_idx" ON "webhook_inbox" USING btree ("correlation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "dead_letter_edits_one_pending_uq" ON "dead_letter_edits" USING btree ("dead_letter_id") WHERE "dead_letter_edits"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "dead_letter_edits_status_idx" ON "dead_letter_edits" USING btree ("status","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "dead_letters_job_uq" ON "dead_letters" USING btree ("job_key");--> statement-breakpoint
CREATE INDEX "dead_letters_status_time_idx" ON "dead_letters" USING btree ("status","dead_lettered_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "dead_letters_time_idx" ON "dead_letters" USING btree ("dead_lettered_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "dead_letters_error_class_idx" ON "dead_letters" USING btree ("error_class","dead_lettered_at");--> statement-breakpoint
CREATE INDEX "dead_letters_batch_idx" ON "dead_letters" USING btree ("replay_batch_id","status");--> statement-breakpoint
CREATE INDEX "job_attempts_job_idx" ON "job_attempts" USING btree ("job_key","id");--> statement-breakpoint
CREATE INDEX "job_attempts_finished_idx" ON "job_attempts" USING btree ("finished_at");--> statement-breakpoint
CREATE INDEX "outbox_deliveries_status_idx" ON "outbox_deliveries" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "replay_batches_status_idx" ON "replay_batches" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "outbox_events_correlation_idx" ON "outbox_events" USING btree ("correlation_id");