CREATE TABLE "stats_by_tag_daily" (
	"workspace_id" uuid NOT NULL,
	"bucket" timestamp (3) with time zone NOT NULL,
	"tag" text NOT NULL,
	"agent_id" text NOT NULL,
	"model" text NOT NULL,
	"calls" bigint NOT NULL,
	"errors" bigint NOT NULL,
	"input_tokens" numeric NOT NULL,
	"output_tokens" numeric NOT NULL,
	"cost_nanos" numeric NOT NULL,
	"latency_sum_ms" double precision NOT NULL,
	"unpriced_calls" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "stats_by_tag_daily_pkey" PRIMARY KEY("workspace_id","bucket","tag","agent_id","model")
);
--> statement-breakpoint
CREATE TABLE "stats_by_tag_hourly" (
	"workspace_id" uuid NOT NULL,
	"bucket" timestamp (3) with time zone NOT NULL,
	"tag" text NOT NULL,
	"agent_id" text NOT NULL,
	"model" text NOT NULL,
	"calls" bigint NOT NULL,
	"errors" bigint NOT NULL,
	"input_tokens" numeric NOT NULL,
	"output_tokens" numeric NOT NULL,
	"cost_nanos" numeric NOT NULL,
	"latency_sum_ms" double precision NOT NULL,
	"unpriced_calls" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "stats_by_tag_hourly_pkey" PRIMARY KEY("workspace_id","bucket","tag","agent_id","model")
);
--> statement-breakpoint
ALTER TABLE "rollup_pending" ADD COLUMN "tags" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "rollup_quarantine" ADD COLUMN "tags" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
-- Backfill. The calls still queued or quarantined get their trace's tags, the trace matched on
-- every column the queue copies from it (the queue has no trace id; two calls equal in all of
-- them differ at most in tags, which `npm run verify` would then report).
UPDATE "rollup_pending" p SET "tags" = t."tags" FROM "traces" t
WHERE t."workspace_id" = p."workspace_id" AND t."timestamp" = p."timestamp" AND t."agent_id" = p."agent_id" AND t."model" = p."model"
  AND t."user_id" IS NOT DISTINCT FROM p."user_id" AND t."is_error" = p."is_error" AND t."latency_ms" = p."latency_ms"
  AND t."input_tokens" = p."input_tokens" AND t."output_tokens" = p."output_tokens" AND t."cost_nanos" = p."cost_nanos"
  AND t."cost_source" = p."cost_source" AND t."error_type" IS NOT DISTINCT FROM p."error_type"
  AND t."error_message" IS NOT DISTINCT FROM p."error_message";--> statement-breakpoint
UPDATE "rollup_quarantine" p SET "tags" = t."tags" FROM "traces" t
WHERE t."workspace_id" = p."workspace_id" AND t."timestamp" = p."timestamp" AND t."agent_id" = p."agent_id" AND t."model" = p."model"
  AND t."user_id" IS NOT DISTINCT FROM p."user_id" AND t."is_error" = p."is_error" AND t."latency_ms" = p."latency_ms"
  AND t."input_tokens" = p."input_tokens" AND t."output_tokens" = p."output_tokens" AND t."cost_nanos" = p."cost_nanos"
  AND t."cost_source" = p."cost_source" AND t."error_type" IS NOT DISTINCT FROM p."error_type"
  AND t."error_message" IS NOT DISTINCT FROM p."error_message";--> statement-breakpoint
-- The folded calls, as the other rollups hold them: every trace, less the queued and the
-- quarantined ones. Each call under each of its tags, an untagged call under '' (rollup-sql.ts).
INSERT INTO "stats_by_tag_hourly" ("workspace_id", "bucket", "tag", "agent_id", "model", "calls", "errors", "input_tokens", "output_tokens",
  "cost_nanos", "latency_sum_ms", "unpriced_calls")
SELECT "workspace_id", date_bin('1 hour', "timestamp", timestamptz '2000-01-01T00:00:00Z'), c.tag, "agent_id", "model", sum(sign),
  sum(sign * "is_error"), sum(sign * "input_tokens"::numeric), sum(sign * "output_tokens"::numeric), sum(sign * "cost_nanos"::numeric),
  sum(sign * "latency_ms"), sum(sign * ("cost_source" = 'unpriced')::int)
FROM (SELECT "workspace_id", "timestamp", "agent_id", "model", "is_error", "input_tokens", "output_tokens", "cost_nanos", "latency_ms",
        "cost_source", "tags", 1 AS sign FROM "traces"
      UNION ALL SELECT "workspace_id", "timestamp", "agent_id", "model", "is_error", "input_tokens", "output_tokens", "cost_nanos", "latency_ms",
        "cost_source", "tags", -1 FROM "rollup_pending"
      UNION ALL SELECT "workspace_id", "timestamp", "agent_id", "model", "is_error", "input_tokens", "output_tokens", "cost_nanos", "latency_ms",
        "cost_source", "tags", -1 FROM "rollup_quarantine") f
CROSS JOIN LATERAL (SELECT jsonb_array_elements_text(CASE WHEN jsonb_array_length(f."tags") = 0 THEN '[""]'::jsonb ELSE f."tags" END)) AS c(tag)
GROUP BY 1, 2, 3, 4, 5 HAVING sum(sign) <> 0
ORDER BY 1, 2, 3, 4, 5;--> statement-breakpoint
INSERT INTO "stats_by_tag_daily" ("workspace_id", "bucket", "tag", "agent_id", "model", "calls", "errors", "input_tokens", "output_tokens",
  "cost_nanos", "latency_sum_ms", "unpriced_calls")
SELECT "workspace_id", date_bin('1 day', "bucket", timestamptz '2000-01-01T00:00:00Z'), "tag", "agent_id", "model", sum("calls"), sum("errors"),
  sum("input_tokens"), sum("output_tokens"), sum("cost_nanos"), sum("latency_sum_ms"), sum("unpriced_calls")
FROM "stats_by_tag_hourly" GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5;--> statement-breakpoint
-- Folds update rollup rows in place: free room in each page keeps those updates HOT (as for stats_*).
ALTER TABLE "stats_by_tag_hourly" SET (fillfactor = 70);--> statement-breakpoint
ALTER TABLE "stats_by_tag_daily" SET (fillfactor = 70);
--> statement-breakpoint
-- The tag dims ('t:' || tag, rollups/dims.ts) of the per-user and latency histogram rollups, for
-- the folded calls: the traces that match no queued or quarantined call (on every column the
-- queue copies, as above).
CREATE TEMPORARY TABLE "folded_tagged" AS
SELECT t."workspace_id", t."timestamp", t."user_id", t."latency_ms", t."cost_nanos", t."input_tokens", t."output_tokens", c.tag
FROM "traces" t CROSS JOIN LATERAL jsonb_array_elements_text(t."tags") AS c(tag)
WHERE NOT EXISTS (SELECT 1 FROM "rollup_pending" p WHERE t."workspace_id" = p."workspace_id" AND t."timestamp" = p."timestamp" AND t."agent_id" = p."agent_id" AND t."model" = p."model"
    AND t."user_id" IS NOT DISTINCT FROM p."user_id" AND t."is_error" = p."is_error" AND t."latency_ms" = p."latency_ms"
    AND t."input_tokens" = p."input_tokens" AND t."output_tokens" = p."output_tokens" AND t."cost_nanos" = p."cost_nanos"
    AND t."cost_source" = p."cost_source" AND t."error_type" IS NOT DISTINCT FROM p."error_type"
    AND t."error_message" IS NOT DISTINCT FROM p."error_message")
  AND NOT EXISTS (SELECT 1 FROM "rollup_quarantine" p WHERE t."workspace_id" = p."workspace_id" AND t."timestamp" = p."timestamp" AND t."agent_id" = p."agent_id" AND t."model" = p."model"
    AND t."user_id" IS NOT DISTINCT FROM p."user_id" AND t."is_error" = p."is_error" AND t."latency_ms" = p."latency_ms"
    AND t."input_tokens" = p."input_tokens" AND t."output_tokens" = p."output_tokens" AND t."cost_nanos" = p."cost_nanos"
    AND t."cost_source" = p."cost_source" AND t."error_type" IS NOT DISTINCT FROM p."error_type"
    AND t."error_message" IS NOT DISTINCT FROM p."error_message");--> statement-breakpoint
INSERT INTO "user_stats_hourly" ("workspace_id", "dim", "bucket", "user_id", "calls", "cost_nanos", "tokens", "last_seen")
SELECT "workspace_id", 't:' || tag, date_bin('1 hour', "timestamp", timestamptz '2000-01-01T00:00:00Z'), "user_id", count(*), sum("cost_nanos"),
  sum("input_tokens"::bigint + "output_tokens"), max("timestamp")
FROM "folded_tagged" WHERE "user_id" IS NOT NULL GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4;--> statement-breakpoint
INSERT INTO "user_stats_daily" ("workspace_id", "dim", "bucket", "user_id", "calls", "cost_nanos", "tokens", "last_seen")
SELECT "workspace_id", 't:' || tag, date_bin('1 day', "timestamp", timestamptz '2000-01-01T00:00:00Z'), "user_id", count(*), sum("cost_nanos"),
  sum("input_tokens"::bigint + "output_tokens"), max("timestamp")
FROM "folded_tagged" WHERE "user_id" IS NOT NULL GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4;--> statement-breakpoint
INSERT INTO "latency_hist_hourly" ("workspace_id", "dim", "bucket", "bins", "counts")
SELECT "workspace_id", dim, bucket, array_agg(bin ORDER BY bin), array_agg(n ORDER BY bin)
FROM (SELECT "workspace_id", 't:' || tag AS dim, date_bin('1 hour', "timestamp", timestamptz '2000-01-01T00:00:00Z') AS bucket,
        CASE WHEN "latency_ms" < 0.01 THEN 0 ELSE floor(ln("latency_ms" / 0.01) / ln(1.015))::int + 1 END AS bin, count(*) AS n
      FROM "folded_tagged" GROUP BY 1, 2, 3, 4) h
GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;--> statement-breakpoint
INSERT INTO "latency_hist_daily" ("workspace_id", "dim", "bucket", "bins", "counts")
SELECT "workspace_id", dim, bucket, array_agg(bin ORDER BY bin), array_agg(n ORDER BY bin)
FROM (SELECT "workspace_id", 't:' || tag AS dim, date_bin('1 day', "timestamp", timestamptz '2000-01-01T00:00:00Z') AS bucket,
        CASE WHEN "latency_ms" < 0.01 THEN 0 ELSE floor(ln("latency_ms" / 0.01) / ln(1.015))::int + 1 END AS bin, count(*) AS n
      FROM "folded_tagged" GROUP BY 1, 2, 3, 4) h
GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;--> statement-breakpoint
DROP TABLE "folded_tagged";
