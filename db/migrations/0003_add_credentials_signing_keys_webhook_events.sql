CREATE TABLE "klarna_credentials" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"environment" text NOT NULL,
	"label" text NOT NULL,
	"api_key_sealed" text NOT NULL,
	"last4" text NOT NULL,
	"klarna_credential_id" text,
	"active" boolean DEFAULT false NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"verified_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "klarna_signing_keys" (
	"signing_key_id" text PRIMARY KEY NOT NULL,
	"environment" text NOT NULL,
	"key_sealed" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"created_by" uuid,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "webhook_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "webhook_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"verdict" text NOT NULL,
	"reject_reason" text,
	"status" text NOT NULL,
	"processing_error" text,
	"apply_count" integer DEFAULT 0 NOT NULL,
	"duplicate_count" integer DEFAULT 0 NOT NULL,
	"last_duplicate_at" timestamp with time zone,
	"processed_at" timestamp with time zone,
	"event_id" text,
	"event_type" text,
	"event_version" text,
	"occurred_at" timestamp with time zone,
	"account_id" text,
	"product_instance_id" text,
	"webhook_id" text,
	"correlation_id" text,
	"live" boolean,
	"signing_key_id" text,
	"source_ip" text,
	"headers" jsonb NOT NULL,
	"raw_body" text NOT NULL,
	"body" jsonb
);
--> statement-breakpoint
ALTER TABLE "klarna_credentials" ADD CONSTRAINT "klarna_credentials_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "klarna_signing_keys" ADD CONSTRAINT "klarna_signing_keys_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "klarna_credentials_one_active_key" ON "klarna_credentials" USING btree ("environment") WHERE "klarna_credentials"."active";--> statement-breakpoint
CREATE INDEX "klarna_credentials_created_idx" ON "klarna_credentials" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "klarna_signing_keys_environment_idx" ON "klarna_signing_keys" USING btree ("environment","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_events_event_id_key" ON "webhook_events" USING btree ("event_id") WHERE "webhook_events"."verdict" = 'valid';--> statement-breakpoint
CREATE INDEX "webhook_events_received_idx" ON "webhook_events" USING btree ("received_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "webhook_events_type_idx" ON "webhook_events" USING btree ("event_type","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "webhook_events_account_idx" ON "webhook_events" USING btree ("account_id","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "webhook_events_status_idx" ON "webhook_events" USING btree ("verdict","status","id" DESC NULLS LAST);