CREATE TABLE "merchant_accounts" (
	"account_id" text PRIMARY KEY NOT NULL,
	"account_reference" text NOT NULL,
	"account_name" text NOT NULL,
	"state" text NOT NULL,
	"product_instance_id" text,
	"product_state" text,
	"mcc" text,
	"price_plan_id" text,
	"settlement_configuration_id" text,
	"channels_count" integer,
	"account_owner" jsonb,
	"klarna" jsonb,
	"klarna_created_at" timestamp with time zone,
	"state_changed_at" timestamp with time zone,
	"product_state_changed_at" timestamp with time zone,
	"onboarded_by" uuid,
	"last_synced_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "merchant_timeline" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "merchant_timeline_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"account_id" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"source" text NOT NULL,
	"kind" text NOT NULL,
	"summary" text NOT NULL,
	"state" text,
	"previous_state" text,
	"event_id" text,
	"actor_id" uuid,
	"actor_email" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "onboarding_drafts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"label" text NOT NULL,
	"data" jsonb NOT NULL,
	"step" integer DEFAULT 0 NOT NULL,
	"account_id" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "merchant_accounts" ADD CONSTRAINT "merchant_accounts_onboarded_by_users_id_fk" FOREIGN KEY ("onboarded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "merchant_timeline" ADD CONSTRAINT "merchant_timeline_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "onboarding_drafts" ADD CONSTRAINT "onboarding_drafts_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "merchant_accounts_created_idx" ON "merchant_accounts" USING btree ("created_at" DESC NULLS LAST,"account_id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "merchant_accounts_state_idx" ON "merchant_accounts" USING btree ("state","created_at" DESC NULLS LAST,"account_id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "merchant_accounts_product_state_idx" ON "merchant_accounts" USING btree ("product_state","created_at" DESC NULLS LAST,"account_id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "merchant_accounts_updated_idx" ON "merchant_accounts" USING btree ("updated_at");--> statement-breakpoint
CREATE INDEX "merchant_timeline_account_idx" ON "merchant_timeline" USING btree ("account_id","occurred_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "merchant_timeline_event_idx" ON "merchant_timeline" USING btree ("event_id") WHERE "merchant_timeline"."event_id" is not null;--> statement-breakpoint
CREATE INDEX "onboarding_drafts_updated_idx" ON "onboarding_drafts" USING btree ("updated_at" DESC NULLS LAST);