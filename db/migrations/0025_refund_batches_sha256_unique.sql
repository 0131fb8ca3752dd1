DROP INDEX "refund_batches_sha256_idx";--> statement-breakpoint
-- A file uploaded twice at one moment (possible before this index) kept two batches: the later one's hash is
-- suffixed with its id, so the index can be built; the earlier batch still answers "seen before".
UPDATE "refund_batches" AS later SET "sha256" = later."sha256" || ':' || later."id"
WHERE EXISTS (
  SELECT 1 FROM "refund_batches" AS earlier
  WHERE earlier."sha256" = later."sha256"
    AND (earlier."created_at", earlier."id") < (later."created_at", later."id")
);--> statement-breakpoint
CREATE UNIQUE INDEX "refund_batches_sha256_idx" ON "refund_batches" USING btree ("sha256");
