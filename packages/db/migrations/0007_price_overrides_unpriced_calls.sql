CREATE TABLE "price_overrides" (
	"workspace_id" uuid NOT NULL,
	"model" text NOT NULL,
	"input_per_mtok_usd" numeric NOT NULL,
	"output_per_mtok_usd" numeric NOT NULL,
	"cache_read_per_mtok_usd" numeric NOT NULL,
	"cache_write_per_mtok_usd" numeric NOT NULL,
	"effective_from" timestamp (3) with time zone,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "price_overrides_pkey" PRIMARY KEY("workspace_id","model")
);
--> statement-breakpoint
ALTER TABLE "rollup_pending" ADD COLUMN "cost_source" text DEFAULT 'catalog' NOT NULL;--> statement-breakpoint
ALTER TABLE "rollup_pending" ADD COLUMN "cache_read_tokens" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "rollup_pending" ADD COLUMN "cache_write_tokens" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "rollup_quarantine" ADD COLUMN "cost_source" text DEFAULT 'catalog' NOT NULL;--> statement-breakpoint
ALTER TABLE "rollup_quarantine" ADD COLUMN "cache_read_tokens" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "rollup_quarantine" ADD COLUMN "cache_write_tokens" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "stats_daily" ADD COLUMN "unpriced_calls" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "stats_hourly" ADD COLUMN "unpriced_calls" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "price_overrides" ADD CONSTRAINT "price_overrides_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;