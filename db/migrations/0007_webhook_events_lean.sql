DROP INDEX "webhook_events_received_idx";--> statement-breakpoint
CREATE INDEX "webhook_events_received_brin" ON "webhook_events" USING brin ("received_at");--> statement-breakpoint
ALTER TABLE "webhook_events" DROP COLUMN "body";