ALTER TABLE "settlements" ADD COLUMN "adjustment_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "settlement_lines_adjustment_idx" ON "settlement_lines" USING btree ("import_id","settlement_id") WHERE "settlement_lines"."verdict" = 'adjustment';--> statement-breakpoint
-- Payouts reconciled before this column: their relayed adjustments counted once, here.
UPDATE "settlements" s SET "adjustment_count" = a.n
FROM (
  SELECT l."import_id", l."settlement_id", count(*)::int AS n FROM "settlement_lines" l
  WHERE l."verdict" = 'adjustment' GROUP BY l."import_id", l."settlement_id"
) a
WHERE a."import_id" = s."import_id" AND a."settlement_id" = s."settlement_id";
