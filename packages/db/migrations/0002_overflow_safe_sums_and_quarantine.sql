-- Sums of tokens and nano-dollars in the rollups become numeric (no overflow for any accepted input), and
-- rows the folder cannot fold are kept in a quarantine table instead of blocking every fold.
CREATE TABLE "rollup_quarantine" (
	"workspace_id" uuid NOT NULL,
	"timestamp" timestamp (3) with time zone NOT NULL,
	"agent_id" text NOT NULL,
	"user_id" text,
	"model" text NOT NULL,
	"is_error" smallint NOT NULL,
	"latency_ms" double precision NOT NULL,
	"input_tokens" integer NOT NULL,
	"output_tokens" integer NOT NULL,
	"cost_nanos" bigint NOT NULL,
	"error_type" text,
	"error_message" text,
	"reason" text NOT NULL,
	"quarantined_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "stats_daily" ALTER COLUMN "input_tokens" SET DATA TYPE numeric;--> statement-breakpoint
ALTER TABLE "stats_daily" ALTER COLUMN "output_tokens" SET DATA TYPE numeric;--> statement-breakpoint
ALTER TABLE "stats_daily" ALTER COLUMN "cost_nanos" SET DATA TYPE numeric;--> statement-breakpoint
ALTER TABLE "stats_hourly" ALTER COLUMN "input_tokens" SET DATA TYPE numeric;--> statement-breakpoint
ALTER TABLE "stats_hourly" ALTER COLUMN "output_tokens" SET DATA TYPE numeric;--> statement-breakpoint
ALTER TABLE "stats_hourly" ALTER COLUMN "cost_nanos" SET DATA TYPE numeric;--> statement-breakpoint
ALTER TABLE "user_stats_daily" ALTER COLUMN "cost_nanos" SET DATA TYPE numeric;--> statement-breakpoint
ALTER TABLE "user_stats_daily" ALTER COLUMN "tokens" SET DATA TYPE numeric;--> statement-breakpoint
ALTER TABLE "user_stats_hourly" ALTER COLUMN "cost_nanos" SET DATA TYPE numeric;--> statement-breakpoint
ALTER TABLE "user_stats_hourly" ALTER COLUMN "tokens" SET DATA TYPE numeric;--> statement-breakpoint
CREATE INDEX "rollup_quarantine_ws_ts_idx" ON "rollup_quarantine" USING btree ("workspace_id","timestamp");