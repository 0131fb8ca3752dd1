CREATE TABLE "api_requests" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "api_requests_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"operation" text NOT NULL,
	"method" text NOT NULL,
	"path" text NOT NULL,
	"account_id" text,
	"attempt" integer NOT NULL,
	"status" integer,
	"duration_ms" integer NOT NULL,
	"error_code" text,
	"error_id" text,
	"idempotency_key" text,
	"correlation_id" text,
	"request_body" jsonb,
	"response_body" jsonb
);
--> statement-breakpoint
CREATE INDEX "api_requests_occurred_idx" ON "api_requests" USING btree ("occurred_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "api_requests_idempotency_key_idx" ON "api_requests" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "api_requests_error_id_idx" ON "api_requests" USING btree ("error_id");