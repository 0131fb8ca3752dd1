DROP INDEX "payment_transactions_amount_idx";--> statement-breakpoint
DROP INDEX "settlement_imports_created_idx";--> statement-breakpoint
CREATE INDEX "payment_transactions_amount_idx" ON "payment_transactions" USING btree ("authorized_amount","payment_transaction_id");--> statement-breakpoint
CREATE INDEX "settlement_imports_created_idx" ON "settlement_imports" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);