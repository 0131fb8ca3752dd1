-- Rows stored before personal data was masked (lib/klarna/redact.ts) get false, new rows true: the column is added with default false (every existing row takes it, without a table rewrite) and the default then becomes true. The start-up backfill (lib/klarna/mask-backfill.ts) masks the false ones.
ALTER TABLE "api_requests" ADD COLUMN "personal_data_masked" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "api_requests" ALTER COLUMN "personal_data_masked" SET DEFAULT true;--> statement-breakpoint
CREATE INDEX "api_requests_unmasked_idx" ON "api_requests" USING btree ("id") WHERE not "api_requests"."personal_data_masked";
