CREATE TABLE "payment_requests" (
	"payment_request_id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"state" text NOT NULL,
	"currency" text,
	"payment_amount" bigint,
	"payment_reference" text,
	"merchant_reference" text,
	"distribution_url" text,
	"payment_transaction_id" text,
	"expires_at" timestamp with time zone,
	"klarna_updated_at" timestamp with time zone,
	"klarna" jsonb,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payment_timeline" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "payment_timeline_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"payment_transaction_id" text,
	"payment_request_id" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"source" text NOT NULL,
	"kind" text NOT NULL,
	"summary" text NOT NULL,
	"amount" bigint,
	"currency" text,
	"event_id" text,
	"actor_id" uuid,
	"actor_email" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payment_transactions" (
	"payment_transaction_id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"payment_request_id" text,
	"state" text NOT NULL,
	"currency" text NOT NULL,
	"authorized_amount" bigint NOT NULL,
	"captured_amount" bigint NOT NULL,
	"refunded_amount" bigint NOT NULL,
	"remaining_authorized_amount" bigint NOT NULL,
	"merchant_reference" text,
	"payment_reference" text,
	"expires_at" timestamp with time zone,
	"klarna_created_at" timestamp with time zone NOT NULL,
	"klarna_updated_at" timestamp with time zone NOT NULL,
	"klarna" jsonb,
	"last_synced_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "payment_requests" ADD CONSTRAINT "payment_requests_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_timeline" ADD CONSTRAINT "payment_timeline_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "payment_requests_created_idx" ON "payment_requests" USING btree ("created_at" DESC NULLS LAST,"payment_request_id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "payment_requests_account_idx" ON "payment_requests" USING btree ("account_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "payment_timeline_transaction_idx" ON "payment_timeline" USING btree ("payment_transaction_id","occurred_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "payment_timeline_request_idx" ON "payment_timeline" USING btree ("payment_request_id","occurred_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "payment_timeline_event_idx" ON "payment_timeline" USING btree ("event_id") WHERE "payment_timeline"."event_id" is not null;--> statement-breakpoint
CREATE INDEX "payment_transactions_created_idx" ON "payment_transactions" USING btree ("klarna_created_at" DESC NULLS LAST,"payment_transaction_id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "payment_transactions_account_idx" ON "payment_transactions" USING btree ("account_id","klarna_created_at" DESC NULLS LAST,"payment_transaction_id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "payment_transactions_state_idx" ON "payment_transactions" USING btree ("state","klarna_created_at" DESC NULLS LAST,"payment_transaction_id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "payment_transactions_currency_idx" ON "payment_transactions" USING btree ("currency","klarna_created_at" DESC NULLS LAST,"payment_transaction_id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "payment_transactions_amount_idx" ON "payment_transactions" USING btree ("authorized_amount","klarna_created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "payment_transactions_merchant_ref_idx" ON "payment_transactions" USING btree ("merchant_reference" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "payment_transactions_payment_ref_idx" ON "payment_transactions" USING btree ("payment_reference" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "payment_transactions_request_idx" ON "payment_transactions" USING btree ("payment_request_id");--> statement-breakpoint
CREATE INDEX "payment_transactions_updated_idx" ON "payment_transactions" USING btree ("updated_at");