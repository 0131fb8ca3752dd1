ALTER TABLE "settlements" ADD COLUMN "missing_total" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Payouts reconciled before the column: their count of missing rows, once (reconciliation keeps it since).
UPDATE "settlements" s SET "missing_total" = (SELECT count(*) FROM "settlement_missing" m WHERE m."import_id" = s."import_id" AND m."settlement_id" = s."settlement_id");
