-- Rollups are now folded asynchronously (packages/api/src/rollups/fold.ts): ingest queues its new
-- rows here, in the statement that stores them.
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
CREATE INDEX "rollup_pending_ws_ts_idx" ON "rollup_pending" USING btree ("workspace_id","timestamp");
--> statement-breakpoint
-- A queue with constant churn: vacuum it after a few thousand folded rows, not after 20 % of it.
ALTER TABLE "rollup_pending" SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000, autovacuum_analyze_threshold = 5000);
--> statement-breakpoint
-- No query scans a whole window of raw rows by agent or model any more (the 'am:' dim below), and
-- raw edges are under an hour: the primary key serves them. Two fewer indexes to keep per insert.
DROP INDEX "traces_ws_agent_ts_idx";
--> statement-breakpoint
DROP INDEX "traces_ws_model_ts_idx";
--> statement-breakpoint
-- Histograms become one row per (dim, bucket) with their bins as arrays. They are rebuilt from raw
-- traces, which until this migration were all folded (rollups were kept in the ingest statement).
DROP TABLE "latency_hist_hourly";
--> statement-breakpoint
DROP TABLE "latency_hist_daily";
--> statement-breakpoint
CREATE TABLE "latency_hist_daily" (
	"workspace_id" uuid NOT NULL,
	"dim" text NOT NULL,
	"bucket" timestamp (3) with time zone NOT NULL,
	"bins" integer[] NOT NULL,
	"counts" bigint[] NOT NULL,
	CONSTRAINT "latency_hist_daily_pkey" PRIMARY KEY("workspace_id","dim","bucket")
);
--> statement-breakpoint
INSERT INTO "latency_hist_daily" (workspace_id, dim, bucket, bins, counts)
SELECT workspace_id, dim, bucket, array_agg(bin ORDER BY bin), array_agg(n ORDER BY bin)
FROM (SELECT workspace_id, d.dim, date_bin('1 day', "timestamp", timestamptz '2000-01-01T00:00:00Z') AS bucket, CASE WHEN latency_ms < 0.01 THEN 0 ELSE floor(ln(latency_ms / 0.01) / ln(1.015))::int + 1 END AS bin, count(*) AS n
      FROM "traces" CROSS JOIN LATERAL (VALUES (''), ('a:' || agent_id), ('m:' || model), ('am:' || length(agent_id) || ':' || agent_id || model)) AS d(dim) GROUP BY 1, 2, 3, 4) h
GROUP BY 1, 2, 3;
--> statement-breakpoint
CREATE TABLE "latency_hist_hourly" (
	"workspace_id" uuid NOT NULL,
	"dim" text NOT NULL,
	"bucket" timestamp (3) with time zone NOT NULL,
	"bins" integer[] NOT NULL,
	"counts" bigint[] NOT NULL,
	CONSTRAINT "latency_hist_hourly_pkey" PRIMARY KEY("workspace_id","dim","bucket")
);
--> statement-breakpoint
INSERT INTO "latency_hist_hourly" (workspace_id, dim, bucket, bins, counts)
SELECT workspace_id, dim, bucket, array_agg(bin ORDER BY bin), array_agg(n ORDER BY bin)
FROM (SELECT workspace_id, d.dim, date_bin('1 hour', "timestamp", timestamptz '2000-01-01T00:00:00Z') AS bucket, CASE WHEN latency_ms < 0.01 THEN 0 ELSE floor(ln(latency_ms / 0.01) / ln(1.015))::int + 1 END AS bin, count(*) AS n
      FROM "traces" CROSS JOIN LATERAL (VALUES (''), ('a:' || agent_id), ('m:' || model), ('am:' || length(agent_id) || ':' || agent_id || model)) AS d(dim) GROUP BY 1, 2, 3, 4) h
GROUP BY 1, 2, 3;
--> statement-breakpoint
-- The per-agent-and-model dim ('am:'…, see rollup-sql.ts) of the per-user rollup, for the traces stored so far.
INSERT INTO "user_stats_hourly" (workspace_id, dim, bucket, user_id, calls, cost_nanos, tokens, last_seen)
SELECT workspace_id, 'am:' || length(agent_id) || ':' || agent_id || model, date_bin('1 hour', "timestamp", timestamptz '2000-01-01T00:00:00Z'),
       user_id, count(*), sum(cost_nanos), sum(input_tokens + output_tokens), max("timestamp")
FROM "traces" WHERE user_id IS NOT NULL GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
-- The per-agent-and-model dim ('am:'…, see rollup-sql.ts) of the per-user rollup, for the traces stored so far.
INSERT INTO "user_stats_daily" (workspace_id, dim, bucket, user_id, calls, cost_nanos, tokens, last_seen)
SELECT workspace_id, 'am:' || length(agent_id) || ':' || agent_id || model, date_bin('1 day', "timestamp", timestamptz '2000-01-01T00:00:00Z'),
       user_id, count(*), sum(cost_nanos), sum(input_tokens + output_tokens), max("timestamp")
FROM "traces" WHERE user_id IS NOT NULL GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
-- Folds update rollup rows in place: free room in each page keeps those updates HOT (no new index entries).
ALTER TABLE "stats_hourly" SET (fillfactor = 70);
--> statement-breakpoint
ALTER TABLE "stats_daily" SET (fillfactor = 70);
--> statement-breakpoint
ALTER TABLE "user_stats_hourly" SET (fillfactor = 70);
--> statement-breakpoint
ALTER TABLE "user_stats_daily" SET (fillfactor = 70);
--> statement-breakpoint
ALTER TABLE "latency_hist_hourly" SET (fillfactor = 70);
--> statement-breakpoint
ALTER TABLE "latency_hist_daily" SET (fillfactor = 70);
--> statement-breakpoint
ALTER TABLE "error_stats_hourly" SET (fillfactor = 70);
--> statement-breakpoint
ALTER TABLE "error_stats_daily" SET (fillfactor = 70);
