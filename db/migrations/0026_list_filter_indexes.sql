DROP INDEX "settlement_lines_adjustment_idx";--> statement-breakpoint
DROP INDEX "settlements_currency_idx";--> statement-breakpoint
CREATE INDEX "api_requests_operation_idx" ON "api_requests" USING btree ("operation","id");--> statement-breakpoint
CREATE INDEX "api_requests_account_idx" ON "api_requests" USING btree ("account_id","id");--> statement-breakpoint
CREATE INDEX "settlement_lines_open_idx" ON "settlement_lines" USING btree ("import_id","settlement_id","line_no") WHERE "settlement_lines"."verdict" NOT IN ('matched', 'adjustment') AND "settlement_lines"."resolved_at" IS NULL;--> statement-breakpoint
CREATE INDEX "settlement_missing_payout_idx" ON "settlement_missing" USING btree ("import_id","settlement_id","occurred_at","operation_id");--> statement-breakpoint
CREATE INDEX "settlement_lines_adjustment_idx" ON "settlement_lines" USING btree ("import_id","settlement_id","line_no") WHERE "settlement_lines"."verdict" = 'adjustment';--> statement-breakpoint
CREATE INDEX "settlements_currency_idx" ON "settlements" USING btree ("currency","period_end" DESC NULLS LAST,"settlement_id");