CREATE TABLE "card_cancellations" (
	"seq" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "card_cancellations_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"order_id" text NOT NULL,
	"status" text NOT NULL,
	"check_after" timestamp with time zone,
	"reason_code" text,
	"reason_message" text,
	"requested_by" uuid,
	"requested_at" timestamp with time zone NOT NULL,
	"checked_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "card_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"label" text NOT NULL,
	"klarna_key_id" text,
	"bits" integer NOT NULL,
	"source" text NOT NULL,
	"private_key_sealed" text NOT NULL,
	"public_jwk" jsonb NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"enrolled_at" timestamp with time zone,
	"retired_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "card_promises" (
	"seq" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "card_promises_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"promise_id" text NOT NULL,
	"order_id" text NOT NULL,
	"cards" jsonb NOT NULL,
	"card_count" integer NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"replaced_by" text,
	"expires_at" timestamp with time zone NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "card_settlements" (
	"seq" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "card_settlements_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"settlement_id" text NOT NULL,
	"promise_id" text,
	"order_id" text NOT NULL,
	"card_key_id" uuid NOT NULL,
	"card_count" integer NOT NULL,
	"unreadable_count" integer DEFAULT 0 NOT NULL,
	"klarna_created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cards" (
	"card_id" text PRIMARY KEY NOT NULL,
	"settlement_id" text NOT NULL,
	"position" integer NOT NULL,
	"reference" text NOT NULL,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"brand" text NOT NULL,
	"holder" text,
	"bin" text,
	"last4" text,
	"expiry_date" text,
	"readable" boolean NOT NULL,
	"pci_data" text NOT NULL,
	"iv" text NOT NULL,
	"aes_key" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "user_sessions" ADD COLUMN "stepped_up_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "card_cancellations" ADD CONSTRAINT "card_cancellations_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "card_keys" ADD CONSTRAINT "card_keys_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "card_promises" ADD CONSTRAINT "card_promises_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "card_settlements" ADD CONSTRAINT "card_settlements_card_key_id_card_keys_id_fk" FOREIGN KEY ("card_key_id") REFERENCES "public"."card_keys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "card_settlements" ADD CONSTRAINT "card_settlements_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "card_cancellations_order_idx" ON "card_cancellations" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "card_cancellations_pending_idx" ON "card_cancellations" USING btree ("check_after") WHERE "card_cancellations"."status" = 'PENDING';--> statement-breakpoint
CREATE INDEX "card_keys_created_idx" ON "card_keys" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "card_keys_klarna_key_idx" ON "card_keys" USING btree ("klarna_key_id") WHERE "card_keys"."klarna_key_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "card_promises_promise_idx" ON "card_promises" USING btree ("promise_id");--> statement-breakpoint
CREATE INDEX "card_promises_order_idx" ON "card_promises" USING btree ("order_id","seq" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "card_promises_open_expiry_idx" ON "card_promises" USING btree ("expires_at") WHERE "card_promises"."status" = 'open';--> statement-breakpoint
CREATE UNIQUE INDEX "card_settlements_settlement_idx" ON "card_settlements" USING btree ("settlement_id");--> statement-breakpoint
CREATE UNIQUE INDEX "card_settlements_order_idx" ON "card_settlements" USING btree ("order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "cards_settlement_idx" ON "cards" USING btree ("settlement_id","position");