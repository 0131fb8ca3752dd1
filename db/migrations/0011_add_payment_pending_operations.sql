CREATE TABLE "payment_pending_operations" (
	"idempotency_key" text PRIMARY KEY NOT NULL,
	"payment_transaction_id" text NOT NULL,
	"account_id" text NOT NULL,
	"operation" text NOT NULL,
	"nonce" text NOT NULL,
	"intent_digest" text NOT NULL,
	"request" jsonb NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"baseline" jsonb NOT NULL,
	"currency" text NOT NULL,
	"status" text NOT NULL,
	"cause" text,
	"actor_id" uuid,
	"actor_email" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "payment_pending_operations" ADD CONSTRAINT "payment_pending_operations_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "payment_pending_operations_transaction_idx" ON "payment_pending_operations" USING btree ("payment_transaction_id","status");