CREATE TABLE "score_stats_daily" (
	"workspace_id" uuid NOT NULL,
	"bucket" timestamp (3) with time zone NOT NULL,
	"name" text NOT NULL,
	"agent_id" text NOT NULL,
	"model" text NOT NULL,
	"type" text NOT NULL,
	"category" text NOT NULL,
	"count" bigint NOT NULL,
	"value_sum" numeric NOT NULL,
	"last_written" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "score_stats_daily_pkey" PRIMARY KEY("workspace_id","bucket","name","agent_id","model","type","category")
);
--> statement-breakpoint
CREATE TABLE "score_stats_hourly" (
	"workspace_id" uuid NOT NULL,
	"bucket" timestamp (3) with time zone NOT NULL,
	"name" text NOT NULL,
	"agent_id" text NOT NULL,
	"model" text NOT NULL,
	"type" text NOT NULL,
	"category" text NOT NULL,
	"count" bigint NOT NULL,
	"value_sum" numeric NOT NULL,
	"last_written" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "score_stats_hourly_pkey" PRIMARY KEY("workspace_id","bucket","name","agent_id","model","type","category")
);
--> statement-breakpoint
CREATE INDEX "score_stats_daily_ws_name_bucket_idx" ON "score_stats_daily" USING btree ("workspace_id","name","bucket");--> statement-breakpoint
CREATE INDEX "score_stats_hourly_ws_name_bucket_idx" ON "score_stats_hourly" USING btree ("workspace_id","name","bucket");--> statement-breakpoint
CREATE INDEX "scores_ws_ts_idx" ON "scores" USING btree ("workspace_id","trace_timestamp");--> statement-breakpoint
-- Backfill: the scores stored before this migration, summed as packages/api/src/scores/score-rollups.ts keeps them.
INSERT INTO "score_stats_hourly" ("workspace_id", "bucket", "name", "agent_id", "model", "type", "category", "count", "value_sum", "last_written")
SELECT "workspace_id", date_bin('1 hour', "trace_timestamp", timestamptz '2000-01-01T00:00:00Z'), "name", "agent_id", "model", "type",
  coalesce("categorical_value", ''), count(*), coalesce(sum("numeric_value"::numeric), 0), max("updated_at")
FROM "scores" GROUP BY 1, 2, 3, 4, 5, 6, 7;--> statement-breakpoint
INSERT INTO "score_stats_daily" ("workspace_id", "bucket", "name", "agent_id", "model", "type", "category", "count", "value_sum", "last_written")
SELECT "workspace_id", date_bin('1 day', "bucket", timestamptz '2000-01-01T00:00:00Z'), "name", "agent_id", "model", "type", "category",
  sum("count"), sum("value_sum"), max("last_written")
FROM "score_stats_hourly" GROUP BY 1, 2, 3, 4, 5, 6, 7;
