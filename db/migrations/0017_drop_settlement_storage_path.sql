-- Uploads no longer wait on disk (lib/settlements/import.ts): a file still queued or importing from
-- the old store cannot be finished by the new job, so it fails with a message to upload it again.
UPDATE "settlement_imports" SET "status" = 'failed', "error" = 'This file was waiting in the old upload store, which is gone after an update; nothing of it was kept. Upload it again.', "finished_at" = now(), "updated_at" = now() WHERE "status" IN ('queued', 'importing') AND "storage_path" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "settlement_imports" DROP COLUMN "storage_path";
