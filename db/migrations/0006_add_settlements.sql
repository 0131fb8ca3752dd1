CREATE TABLE "payment_operations" (
	"operation_id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"payment_transaction_id" text NOT NULL,
	"account_id" text NOT NULL,
	"currency" text NOT NULL,
	"amount" bigint NOT NULL,
	"payment_capture_id" text,
	"reference" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"rate_fixed" bigint,
	"rate_variable" bigint,
	"tax_fixed" bigint,
	"tax_variable" bigint
);
--> statement-breakpoint
CREATE TABLE "settlement_imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"source" text NOT NULL,
	"file_name" text NOT NULL,
	"sha256" text NOT NULL,
	"size_bytes" bigint NOT NULL,
	"klarna_settlement_id" text,
	"status" text NOT NULL,
	"error" text,
	"bytes_read" bigint DEFAULT 0 NOT NULL,
	"lines_read" bigint DEFAULT 0 NOT NULL,
	"lines_imported" bigint DEFAULT 0 NOT NULL,
	"lines_quarantined" bigint DEFAULT 0 NOT NULL,
	"columns" jsonb,
	"extra_columns" jsonb,
	"account_ids" jsonb,
	"storage_path" text,
	"uploaded_by" uuid,
	"uploaded_by_email" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "settlement_lines" (
	"import_id" uuid NOT NULL,
	"line_no" integer NOT NULL,
	"settlement_id" text NOT NULL,
	"type" text NOT NULL,
	"payment_transaction_id" text NOT NULL,
	"payment_capture_id" text,
	"payment_refund_id" text,
	"dispute_id" text,
	"operation_id" text,
	"account_id" text,
	"currency" text NOT NULL,
	"amount" bigint NOT NULL,
	"fee_amount" bigint NOT NULL,
	"tax_amount" bigint NOT NULL,
	"discount_amount" bigint NOT NULL,
	"penalty_amount" bigint NOT NULL,
	"net_amount" bigint NOT NULL,
	"rate_fixed" bigint,
	"rate_variable" bigint,
	"tax_rate_fixed" bigint,
	"tax_rate_variable" bigint,
	"price_plan_id" text,
	"captured_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone,
	"transaction_created_at" timestamp with time zone,
	"klarna_reference" text,
	"merchant_reference" text,
	"transaction_reference" text,
	"payment_option_category" text,
	"capture_reference" text,
	"refund_reference" text,
	"extra" jsonb,
	"verdict" text NOT NULL,
	"expected_amount" bigint,
	"expected_currency" text,
	"expected_fee" bigint,
	"expected_tax" bigint,
	"resolved_at" timestamp with time zone,
	"resolved_by" uuid,
	"resolved_by_email" text,
	"resolution_note" text,
	CONSTRAINT "settlement_lines_import_id_line_no_pk" PRIMARY KEY("import_id","line_no")
);
--> statement-breakpoint
CREATE TABLE "settlement_missing" (
	"import_id" uuid NOT NULL,
	"operation_id" text NOT NULL,
	"kind" text NOT NULL,
	"payment_transaction_id" text NOT NULL,
	"account_id" text NOT NULL,
	"currency" text NOT NULL,
	"amount" bigint NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"settlement_id" text,
	"resolved_at" timestamp with time zone,
	"resolved_by" uuid,
	"resolved_by_email" text,
	"resolution_note" text,
	CONSTRAINT "settlement_missing_import_id_operation_id_pk" PRIMARY KEY("import_id","operation_id")
);
--> statement-breakpoint
CREATE TABLE "settlement_quarantine" (
	"import_id" uuid NOT NULL,
	"line_no" integer NOT NULL,
	"column" text,
	"reason" text NOT NULL,
	"raw" jsonb NOT NULL,
	CONSTRAINT "settlement_quarantine_import_id_line_no_pk" PRIMARY KEY("import_id","line_no")
);
--> statement-breakpoint
CREATE TABLE "settlements" (
	"settlement_id" text PRIMARY KEY NOT NULL,
	"import_id" uuid NOT NULL,
	"currency" text NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"period_end" timestamp with time zone NOT NULL,
	"payout_date" text,
	"line_count" integer NOT NULL,
	"gross_sales" bigint NOT NULL,
	"refunds" bigint NOT NULL,
	"fees" bigint NOT NULL,
	"tax" bigint NOT NULL,
	"discounts" bigint NOT NULL,
	"penalties" bigint NOT NULL,
	"disputes" bigint NOT NULL,
	"net" bigint NOT NULL,
	"matched_count" integer NOT NULL,
	"open_count" integer NOT NULL,
	"missing_count" integer NOT NULL,
	"reconciled_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "settlement_imports" ADD CONSTRAINT "settlement_imports_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settlement_missing" ADD CONSTRAINT "settlement_missing_import_id_settlement_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."settlement_imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settlement_missing" ADD CONSTRAINT "settlement_missing_resolved_by_users_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settlement_quarantine" ADD CONSTRAINT "settlement_quarantine_import_id_settlement_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."settlement_imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settlements" ADD CONSTRAINT "settlements_import_id_settlement_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."settlement_imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "payment_operations_transaction_idx" ON "payment_operations" USING btree ("payment_transaction_id");--> statement-breakpoint
CREATE INDEX "payment_operations_occurred_idx" ON "payment_operations" USING btree ("occurred_at");--> statement-breakpoint
CREATE UNIQUE INDEX "settlement_imports_sha_idx" ON "settlement_imports" USING btree ("sha256") WHERE "settlement_imports"."status" <> 'failed';--> statement-breakpoint
CREATE INDEX "settlement_imports_created_idx" ON "settlement_imports" USING btree ("created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "settlement_lines_attention_idx" ON "settlement_lines" USING btree ("settlement_id","verdict","line_no") WHERE "settlement_lines"."verdict" NOT IN ('matched', 'adjustment');--> statement-breakpoint
CREATE INDEX "settlement_missing_settlement_idx" ON "settlement_missing" USING btree ("settlement_id");--> statement-breakpoint
CREATE INDEX "settlements_period_idx" ON "settlements" USING btree ("period_end" DESC NULLS LAST,"settlement_id");--> statement-breakpoint
CREATE INDEX "settlements_currency_idx" ON "settlements" USING btree ("currency","period_end" DESC NULLS LAST);