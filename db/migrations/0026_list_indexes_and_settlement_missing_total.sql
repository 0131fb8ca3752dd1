DROP INDEX "payment_transactions_amount_idx";--> statement-breakpoint
DROP INDEX "settlement_imports_created_idx";--> statement-breakpoint
DROP INDEX "settlement_lines_adjustment_idx";--> statement-breakpoint
DROP INDEX "settlements_currency_idx";--> statement-breakpoint
ALTER TABLE "settlements" ADD COLUMN "missing_total" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "api_requests_operation_idx" ON "api_requests" USING btree ("operation","id");--> statement-breakpoint
CREATE INDEX "api_requests_account_idx" ON "api_requests" USING btree ("account_id","id");--> statement-breakpoint
CREATE INDEX "settlement_lines_open_idx" ON "settlement_lines" USING btree ("import_id","settlement_id","line_no") WHERE "settlement_lines"."verdict" NOT IN ('matched', 'adjustment') AND "settlement_lines"."resolved_at" IS NULL;--> statement-breakpoint
CREATE INDEX "settlement_missing_payout_idx" ON "settlement_missing" USING btree ("import_id","settlement_id","occurred_at","operation_id");--> statement-breakpoint
CREATE INDEX "payment_transactions_amount_idx" ON "payment_transactions" USING btree ("authorized_amount","payment_transaction_id");--> statement-breakpoint
CREATE INDEX "settlement_imports_created_idx" ON "settlement_imports" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "settlement_lines_adjustment_idx" ON "settlement_lines" USING btree ("import_id","settlement_id","line_no") WHERE "settlement_lines"."verdict" = 'adjustment';--> statement-breakpoint
CREATE INDEX "settlements_currency_idx" ON "settlements" USING btree ("currency","period_end" DESC NULLS LAST,"settlement_id");--> statement-breakpoint
-- Payouts reconciled before the column: their count of missing rows, once (reconciliation keeps it since).
UPDATE "settlements" s SET "missing_total" = (SELECT count(*) FROM "settlement_missing" m WHERE m."import_id" = s."import_id" AND m."settlement_id" = s."settlement_id");
