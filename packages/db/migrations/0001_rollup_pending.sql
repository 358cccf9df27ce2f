CREATE TABLE "rollup_pending" (
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
	"error_message" text
);
--> statement-breakpoint
CREATE INDEX "rollup_pending_ws_ts_idx" ON "rollup_pending" USING btree ("workspace_id","timestamp");--> statement-breakpoint
-- A queue with constant churn: vacuum it after a few thousand folded rows, not after 20 % of it.
ALTER TABLE "rollup_pending" SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000, autovacuum_analyze_threshold = 5000);
--> statement-breakpoint
-- The per-agent-and-model dim ('am:'…, see rollup-sql.ts) for traces stored before it existed.
-- Until this migration the rollups were kept in the ingest statement, so they hold every trace.
INSERT INTO "user_stats_hourly" (workspace_id, dim, bucket, user_id, calls, cost_nanos, tokens, last_seen)
SELECT workspace_id, 'am:' || length(agent_id) || ':' || agent_id || model, date_bin('1 hour', "timestamp", timestamptz '2000-01-01T00:00:00Z'),
       user_id, count(*), sum(cost_nanos), sum(input_tokens + output_tokens), max("timestamp")
FROM "traces" WHERE user_id IS NOT NULL GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
INSERT INTO "user_stats_daily" (workspace_id, dim, bucket, user_id, calls, cost_nanos, tokens, last_seen)
SELECT workspace_id, 'am:' || length(agent_id) || ':' || agent_id || model, date_bin('1 day', "timestamp", timestamptz '2000-01-01T00:00:00Z'),
       user_id, count(*), sum(cost_nanos), sum(input_tokens + output_tokens), max("timestamp")
FROM "traces" WHERE user_id IS NOT NULL GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
INSERT INTO "latency_hist_hourly" (workspace_id, dim, bucket, bin, count)
SELECT workspace_id, 'am:' || length(agent_id) || ':' || agent_id || model, date_bin('1 hour', "timestamp", timestamptz '2000-01-01T00:00:00Z'),
       CASE WHEN latency_ms < 0.01 THEN 0 ELSE floor(ln(latency_ms / 0.01) / ln(1.015))::int + 1 END, count(*)
FROM "traces" GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
INSERT INTO "latency_hist_daily" (workspace_id, dim, bucket, bin, count)
SELECT workspace_id, 'am:' || length(agent_id) || ':' || agent_id || model, date_bin('1 day', "timestamp", timestamptz '2000-01-01T00:00:00Z'),
       CASE WHEN latency_ms < 0.01 THEN 0 ELSE floor(ln(latency_ms / 0.01) / ln(1.015))::int + 1 END, count(*)
FROM "traces" GROUP BY 1, 2, 3, 4;
