CREATE TYPE "public"."kyc_status" AS ENUM('pending', 'verified', 'rejected', 'expired');--> statement-breakpoint
CREATE TYPE "public"."account_purpose" AS ENUM('wallet', 'withdrawal_hold', 'provider_clearing', 'house_cash', 'game_revenue', 'bonus_expense', 'fee_income', 'adjustments', 'suspense');--> statement-breakpoint
CREATE TYPE "public"."account_status" AS ENUM('open', 'frozen', 'closed');--> statement-breakpoint
CREATE TYPE "public"."account_type" AS ENUM('asset', 'liability', 'equity', 'income', 'expense');--> statement-breakpoint
CREATE TYPE "public"."initiator_type" AS ENUM('staff', 'service');--> statement-breakpoint
CREATE TYPE "public"."transaction_kind" AS ENUM('deposit', 'withdrawal', 'bet', 'win', 'bonus', 'rollback', 'adjustment', 'fee', 'reversal');--> statement-breakpoint
CREATE TYPE "public"."outbox_status" AS ENUM('pending', 'delivered', 'dead');--> statement-breakpoint
CREATE TABLE "customer_pii" (
	"customer_id" uuid PRIMARY KEY NOT NULL,
	"full_name" text NOT NULL,
	"email" text NOT NULL,
	"date_of_birth" date NOT NULL,
	"country" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"external_ref" text NOT NULL,
	"kyc_status" "kyc_status" DEFAULT 'pending' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "account_balances" (
	"account_id" uuid PRIMARY KEY NOT NULL,
	"currency" char(3) NOT NULL,
	"balance" numeric(38, 18) NOT NULL,
	"entry_count" bigint DEFAULT 0 NOT NULL,
	"allow_negative" boolean NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "account_balances_non_negative" CHECK ("account_balances"."allow_negative" or "account_balances"."balance" >= 0)
);
--> statement-breakpoint
CREATE TABLE "accounts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"type" "account_type" NOT NULL,
	"purpose" "account_purpose" NOT NULL,
	"currency" char(3) NOT NULL,
	"customer_id" uuid,
	"status" "account_status" DEFAULT 'open' NOT NULL,
	"allow_negative" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "accounts_id_currency_uq" UNIQUE("id","currency"),
	CONSTRAINT "accounts_owner_matches_purpose" CHECK (("accounts"."purpose" in ('wallet', 'withdrawal_hold')) = ("accounts"."customer_id" is not null)),
	CONSTRAINT "accounts_customer_never_negative" CHECK ("accounts"."customer_id" is null or not "accounts"."allow_negative")
);
--> statement-breakpoint
CREATE TABLE "currencies" (
	"code" char(3) PRIMARY KEY NOT NULL,
	"exponent" smallint NOT NULL,
	"name" text NOT NULL,
	CONSTRAINT "currencies_exponent_range" CHECK ("currencies"."exponent" between 0 and 18),
	CONSTRAINT "currencies_code_upper" CHECK ("currencies"."code" ~ '^[A-Z]{3}$')
);
--> statement-breakpoint
CREATE TABLE "ledger_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"transaction_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"currency" char(3) NOT NULL,
	"amount" numeric(38, 18) NOT NULL,
	"account_seq" bigint NOT NULL,
	"balance_after" numeric(38, 18) NOT NULL,
	"booked_at" timestamp with time zone NOT NULL,
	CONSTRAINT "ledger_entries_amount_nonzero" CHECK ("ledger_entries"."amount" <> 0)
);
--> statement-breakpoint
CREATE TABLE "ledger_transactions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"kind" "transaction_kind" NOT NULL,
	"idempotency_key" text NOT NULL,
	"request_hash" text NOT NULL,
	"external_reference" text,
	"correlation_id" text,
	"initiator_type" "initiator_type" NOT NULL,
	"initiated_by" text NOT NULL,
	"amount" numeric(38, 18),
	"currency" char(3),
	"description" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"booked_at" timestamp with time zone NOT NULL,
	"value_date" date NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"reverses_transaction_id" uuid,
	CONSTRAINT "ledger_transactions_amount_positive" CHECK ("ledger_transactions"."amount" is null or "ledger_transactions"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "outbox_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"aggregate_type" text NOT NULL,
	"aggregate_id" text NOT NULL,
	"payload" jsonb NOT NULL,
	"correlation_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" "outbox_status" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"available_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "customer_pii" ADD CONSTRAINT "customer_pii_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_balances" ADD CONSTRAINT "account_balances_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_currency_currencies_code_fk" FOREIGN KEY ("currency") REFERENCES "public"."currencies"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_transaction_id_ledger_transactions_id_fk" FOREIGN KEY ("transaction_id") REFERENCES "public"."ledger_transactions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_account_currency_fk" FOREIGN KEY ("account_id","currency") REFERENCES "public"."accounts"("id","currency") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_transactions" ADD CONSTRAINT "ledger_transactions_reverses_fk" FOREIGN KEY ("reverses_transaction_id") REFERENCES "public"."ledger_transactions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customer_pii_email_idx" ON "customer_pii" USING btree (lower("email"));--> statement-breakpoint
CREATE UNIQUE INDEX "customers_external_ref_uq" ON "customers" USING btree ("external_ref");--> statement-breakpoint
CREATE UNIQUE INDEX "accounts_code_uq" ON "accounts" USING btree ("code");--> statement-breakpoint
CREATE UNIQUE INDEX "accounts_customer_purpose_currency_uq" ON "accounts" USING btree ("customer_id","purpose","currency") WHERE "accounts"."customer_id" is not null;--> statement-breakpoint
CREATE INDEX "accounts_customer_idx" ON "accounts" USING btree ("customer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_entries_account_seq_uq" ON "ledger_entries" USING btree ("account_id","account_seq");--> statement-breakpoint
CREATE INDEX "ledger_entries_transaction_idx" ON "ledger_entries" USING btree ("transaction_id");--> statement-breakpoint
CREATE INDEX "ledger_entries_account_booked_idx" ON "ledger_entries" USING btree ("account_id","booked_at");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_transactions_idempotency_key_uq" ON "ledger_transactions" USING btree ("idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_transactions_reverses_uq" ON "ledger_transactions" USING btree ("reverses_transaction_id");--> statement-breakpoint
CREATE INDEX "ledger_transactions_occurred_idx" ON "ledger_transactions" USING btree ("occurred_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "ledger_transactions_booked_idx" ON "ledger_transactions" USING btree ("booked_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "ledger_transactions_kind_occurred_idx" ON "ledger_transactions" USING btree ("kind","occurred_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "ledger_transactions_external_ref_idx" ON "ledger_transactions" USING btree ("external_reference");--> statement-breakpoint
CREATE INDEX "ledger_transactions_correlation_idx" ON "ledger_transactions" USING btree ("correlation_id");--> statement-breakpoint
CREATE INDEX "ledger_transactions_metadata_idx" ON "ledger_transactions" USING gin ("metadata" jsonb_path_ops);--> statement-breakpoint
CREATE INDEX "outbox_events_pending_idx" ON "outbox_events" USING btree ("available_at") WHERE "outbox_events"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "outbox_events_aggregate_idx" ON "outbox_events" USING btree ("aggregate_type","aggregate_id");