CREATE TABLE "settlement_reissues" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"settlement_id" text NOT NULL,
	"import_id" uuid NOT NULL,
	"replaces_import_id" uuid,
	"status" text NOT NULL,
	"quarantined_lines" integer NOT NULL,
	"totals" jsonb NOT NULL,
	"replaced_totals" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone,
	"decided_by" uuid,
	"decided_by_email" text
);
--> statement-breakpoint
ALTER TABLE "settlement_reissues" ADD CONSTRAINT "settlement_reissues_import_id_settlement_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."settlement_imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settlement_reissues" ADD CONSTRAINT "settlement_reissues_replaces_import_id_settlement_imports_id_fk" FOREIGN KEY ("replaces_import_id") REFERENCES "public"."settlement_imports"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settlement_reissues" ADD CONSTRAINT "settlement_reissues_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "settlement_reissues_import_idx" ON "settlement_reissues" USING btree ("settlement_id","import_id");--> statement-breakpoint
CREATE INDEX "settlement_reissues_settlement_idx" ON "settlement_reissues" USING btree ("settlement_id","created_at" DESC NULLS LAST);