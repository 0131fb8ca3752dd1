DROP INDEX "webhook_events_type_idx";--> statement-breakpoint
DROP INDEX "webhook_events_account_idx";--> statement-breakpoint
DROP INDEX "webhook_events_status_idx";--> statement-breakpoint
CREATE INDEX "webhook_events_rejected_source_idx" ON "webhook_events" USING btree ("source_ip","id" DESC NULLS FIRST) WHERE "webhook_events"."verdict" = 'rejected';--> statement-breakpoint
CREATE INDEX "webhook_events_type_idx" ON "webhook_events" USING btree ("event_type","id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "webhook_events_account_idx" ON "webhook_events" USING btree ("account_id","id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "webhook_events_status_idx" ON "webhook_events" USING btree ("verdict","status","id" DESC NULLS FIRST);