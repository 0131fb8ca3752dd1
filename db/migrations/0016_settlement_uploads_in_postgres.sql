ALTER TABLE "settlement_imports" ALTER COLUMN "sha256" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "settlement_imports" ADD COLUMN "payout_totals" jsonb;--> statement-breakpoint
ALTER TABLE "settlement_imports" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;