CREATE TYPE "public"."adjustment_direction" AS ENUM('credit', 'debit');--> statement-breakpoint
CREATE TYPE "public"."adjustment_reason" AS ENUM('goodwill', 'bonus_correction', 'void_bet', 'chargeback', 'reconciliation_fix', 'other');--> statement-breakpoint
CREATE TYPE "public"."approval_decision" AS ENUM('approve', 'reject');--> statement-breakpoint
CREATE TYPE "public"."approval_kind" AS ENUM('adjustment', 'policy_change');--> statement-breakpoint
CREATE TYPE "public"."approval_status" AS ENUM('pending', 'executed', 'rejected', 'cancelled', 'expired', 'failed');--> statement-breakpoint
CREATE TABLE "approval_decisions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"request_id" uuid NOT NULL,
	"approver_id" uuid NOT NULL,
	"decision" "approval_decision" NOT NULL,
	"comment" text,
	"payload_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "approval_policies" (
	"version" integer PRIMARY KEY NOT NULL,
	"rules" jsonb NOT NULL,
	"daily_caps" jsonb NOT NULL,
	"expiry_hours" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" text NOT NULL,
	"request_id" uuid
);
--> statement-breakpoint
CREATE TABLE "approval_requests" (
	"id" uuid PRIMARY KEY NOT NULL,
	"kind" "approval_kind" NOT NULL,
	"status" "approval_status" DEFAULT 'pending' NOT NULL,
	"maker_id" uuid NOT NULL,
	"payload" jsonb NOT NULL,
	"payload_hash" text NOT NULL,
	"policy_version" integer NOT NULL,
	"policy_rule" text NOT NULL,
	"approvals_required" integer NOT NULL,
	"approver_roles" text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"decided_at" timestamp with time zone,
	"failure_reason" text,
	"result_ref" text,
	"account_id" uuid,
	"currency" char(3),
	"amount" numeric(38, 18),
	"direction" "adjustment_direction",
	"reason_code" "adjustment_reason",
	"recon_exception_id" uuid,
	"balance_at_request" numeric(38, 18),
	CONSTRAINT "approval_requests_approvals_range" CHECK ("approval_requests"."approvals_required" between 1 and 2),
	CONSTRAINT "approval_requests_hash_hex" CHECK ("approval_requests"."payload_hash" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
ALTER TABLE "approval_decisions" ADD CONSTRAINT "approval_decisions_request_id_approval_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."approval_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_decisions" ADD CONSTRAINT "approval_decisions_approver_id_staff_id_fk" FOREIGN KEY ("approver_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_requests" ADD CONSTRAINT "approval_requests_maker_id_staff_id_fk" FOREIGN KEY ("maker_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "approval_decisions_one_per_checker_uq" ON "approval_decisions" USING btree ("request_id","approver_id");--> statement-breakpoint
CREATE INDEX "approval_requests_status_idx" ON "approval_requests" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "approval_requests_maker_idx" ON "approval_requests" USING btree ("maker_id","created_at");--> statement-breakpoint
CREATE INDEX "approval_requests_account_idx" ON "approval_requests" USING btree ("account_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "approval_requests_result_uq" ON "approval_requests" USING btree ("kind","result_ref");