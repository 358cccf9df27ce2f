CREATE TABLE "tag_pair_stats_daily" (
	"workspace_id" uuid NOT NULL,
	"bucket" timestamp (3) with time zone NOT NULL,
	"tag" text NOT NULL,
	"other_tag" text NOT NULL,
	"calls" bigint NOT NULL,
	"cost_nanos" numeric NOT NULL,
	CONSTRAINT "tag_pair_stats_daily_pkey" PRIMARY KEY("workspace_id","bucket","tag","other_tag")
);
--> statement-breakpoint
CREATE TABLE "tag_pair_stats_hourly" (
	"workspace_id" uuid NOT NULL,
	"bucket" timestamp (3) with time zone NOT NULL,
	"tag" text NOT NULL,
	"other_tag" text NOT NULL,
	"calls" bigint NOT NULL,
	"cost_nanos" numeric NOT NULL,
	CONSTRAINT "tag_pair_stats_hourly_pkey" PRIMARY KEY("workspace_id","bucket","tag","other_tag")
);
--> statement-breakpoint
-- Folds update rollup rows in place: free room in each page keeps those updates HOT (as for stats_by_tag_*).
ALTER TABLE "tag_pair_stats_hourly" SET (fillfactor = 70);--> statement-breakpoint
ALTER TABLE "tag_pair_stats_daily" SET (fillfactor = 70);--> statement-breakpoint
-- Backfill: the folded calls (the traces that match no queued or quarantined call, on every
-- column the queue copies, as migration 0013 does), each under every ordered pair of two
-- different tags it carries (the api's rollups/tags.ts).
INSERT INTO "tag_pair_stats_hourly" ("workspace_id", "bucket", "tag", "other_tag", "calls", "cost_nanos")
SELECT t."workspace_id", date_bin('1 hour', t."timestamp", timestamptz '2000-01-01T00:00:00Z'), a.tag, b.tag, count(*), sum(t."cost_nanos")
FROM "traces" t
CROSS JOIN LATERAL jsonb_array_elements_text(t."tags") AS a(tag)
CROSS JOIN LATERAL jsonb_array_elements_text(t."tags") AS b(tag)
WHERE a.tag <> b.tag
  AND NOT EXISTS (SELECT 1 FROM "rollup_pending" p WHERE t."workspace_id" = p."workspace_id" AND t."timestamp" = p."timestamp" AND t."agent_id" = p."agent_id" AND t."model" = p."model"
    AND t."user_id" IS NOT DISTINCT FROM p."user_id" AND t."is_error" = p."is_error" AND t."latency_ms" = p."latency_ms"
    AND t."input_tokens" = p."input_tokens" AND t."output_tokens" = p."output_tokens" AND t."cost_nanos" = p."cost_nanos"
    AND t."cost_source" = p."cost_source" AND t."error_type" IS NOT DISTINCT FROM p."error_type"
    AND t."error_message" IS NOT DISTINCT FROM p."error_message" AND t."tags" = p."tags")
  AND NOT EXISTS (SELECT 1 FROM "rollup_quarantine" p WHERE t."workspace_id" = p."workspace_id" AND t."timestamp" = p."timestamp" AND t."agent_id" = p."agent_id" AND t."model" = p."model"
    AND t."user_id" IS NOT DISTINCT FROM p."user_id" AND t."is_error" = p."is_error" AND t."latency_ms" = p."latency_ms"
    AND t."input_tokens" = p."input_tokens" AND t."output_tokens" = p."output_tokens" AND t."cost_nanos" = p."cost_nanos"
    AND t."cost_source" = p."cost_source" AND t."error_type" IS NOT DISTINCT FROM p."error_type"
    AND t."error_message" IS NOT DISTINCT FROM p."error_message" AND t."tags" = p."tags")
GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4;--> statement-breakpoint
INSERT INTO "tag_pair_stats_daily" ("workspace_id", "bucket", "tag", "other_tag", "calls", "cost_nanos")
SELECT "workspace_id", date_bin('1 day', "bucket", timestamptz '2000-01-01T00:00:00Z'), "tag", "other_tag", sum("calls"), sum("cost_nanos")
FROM "tag_pair_stats_hourly" GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4;
