CREATE TABLE "settlement_merchant_totals" (
	"import_id" uuid NOT NULL,
	"settlement_id" text NOT NULL,
	"account_id" text NOT NULL,
	"currency" text NOT NULL,
	"line_count" integer NOT NULL,
	"captured" bigint NOT NULL,
	"fees" bigint NOT NULL,
	CONSTRAINT "settlement_merchant_totals_import_id_settlement_id_account_id_currency_pk" PRIMARY KEY("import_id","settlement_id","account_id","currency")
);
--> statement-breakpoint
ALTER TABLE "settlement_merchant_totals" ADD CONSTRAINT "settlement_merchant_totals_import_id_settlement_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."settlement_imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Imports from before this table: their per-merchant sums, from their lines, once.
INSERT INTO "settlement_merchant_totals" ("import_id", "settlement_id", "account_id", "currency", "line_count", "captured", "fees")
SELECT l."import_id", l."settlement_id", l."account_id", l."currency", count(*)::int,
  coalesce(sum(l."amount") FILTER (WHERE l."type" = 'SALE'), 0),
  coalesce(sum(coalesce(l."fee_amount", 0) + coalesce(l."tax_amount", 0)), 0)
FROM "settlement_lines" l
WHERE l."account_id" IS NOT NULL
GROUP BY l."import_id", l."settlement_id", l."account_id", l."currency";
