CREATE TABLE "refund_batch_rows" (
	"batch_id" uuid NOT NULL,
	"line_no" integer NOT NULL,
	"input" jsonb NOT NULL,
	"payment_transaction_id" text,
	"account_id" text,
	"capture_id" text,
	"amount" bigint,
	"currency" text,
	"reason" text,
	"refund_reference" text,
	"verdict" text NOT NULL,
	"verdict_reason" text,
	"result" text DEFAULT 'pending' NOT NULL,
	"refund_id" text,
	"error_code" text,
	"error_message" text,
	"klarna_error_id" text,
	"finished_at" timestamp with time zone,
	CONSTRAINT "refund_batch_rows_batch_id_line_no_pk" PRIMARY KEY("batch_id","line_no")
);
--> statement-breakpoint
CREATE TABLE "refund_batches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"file_name" text NOT NULL,
	"sha256" text NOT NULL,
	"size_bytes" bigint NOT NULL,
	"columns" jsonb NOT NULL,
	"amount_unit" text NOT NULL,
	"status" text NOT NULL,
	"uploaded_by" uuid,
	"uploaded_by_email" text NOT NULL,
	"approval_rule" text NOT NULL,
	"approved_by" uuid,
	"approved_by_email" text,
	"approval_kind" text,
	"approved_at" timestamp with time zone,
	"cancelled_by_email" text,
	"cancelled_at" timestamp with time zone,
	"rows_total" integer NOT NULL,
	"rows_will_refund" integer NOT NULL,
	"rows_refused" integer NOT NULL,
	"rows_refunded" integer DEFAULT 0 NOT NULL,
	"rows_declined" integer DEFAULT 0 NOT NULL,
	"rows_skipped" integer DEFAULT 0 NOT NULL,
	"totals" jsonb NOT NULL,
	"run_id" uuid,
	"lease_until" timestamp with time zone,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "refund_batch_rows" ADD CONSTRAINT "refund_batch_rows_batch_id_refund_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."refund_batches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refund_batches" ADD CONSTRAINT "refund_batches_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refund_batches" ADD CONSTRAINT "refund_batches_approved_by_users_id_fk" FOREIGN KEY ("approved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "refund_batch_rows_result_idx" ON "refund_batch_rows" USING btree ("batch_id","result","line_no");--> statement-breakpoint
CREATE INDEX "refund_batch_rows_payment_idx" ON "refund_batch_rows" USING btree ("payment_transaction_id") WHERE "refund_batch_rows"."payment_transaction_id" is not null;--> statement-breakpoint
CREATE INDEX "refund_batches_created_idx" ON "refund_batches" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "refund_batches_sha256_idx" ON "refund_batches" USING btree ("sha256");--> statement-breakpoint
CREATE INDEX "refund_batches_open_idx" ON "refund_batches" USING btree ("lease_until") WHERE "refund_batches"."status" in ('queued', 'running');