DROP INDEX "refund_batches_sha256_idx";--> statement-breakpoint
CREATE UNIQUE INDEX "refund_batches_sha256_idx" ON "refund_batches" USING btree ("sha256");