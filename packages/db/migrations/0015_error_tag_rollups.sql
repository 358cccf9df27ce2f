CREATE TABLE "error_stats_by_tag_daily" (
	"workspace_id" uuid NOT NULL,
	"bucket" timestamp (3) with time zone NOT NULL,
	"tag" text NOT NULL,
	"error_type" text NOT NULL,
	"agent_id" text NOT NULL,
	"model" text NOT NULL,
	"count" bigint NOT NULL,
	"last_seen" timestamp (3) with time zone NOT NULL,
	"last_message" text,
	CONSTRAINT "error_stats_by_tag_daily_pkey" PRIMARY KEY("workspace_id","bucket","tag","error_type","agent_id","model")
);
--> statement-breakpoint
CREATE TABLE "error_stats_by_tag_hourly" (
	"workspace_id" uuid NOT NULL,
	"bucket" timestamp (3) with time zone NOT NULL,
	"tag" text NOT NULL,
	"error_type" text NOT NULL,
	"agent_id" text NOT NULL,
	"model" text NOT NULL,
	"count" bigint NOT NULL,
	"last_seen" timestamp (3) with time zone NOT NULL,
	"last_message" text,
	CONSTRAINT "error_stats_by_tag_hourly_pkey" PRIMARY KEY("workspace_id","bucket","tag","error_type","agent_id","model")
);
--> statement-breakpoint
-- Folds update rollup rows in place: free room in each page keeps those updates HOT (as for error_stats_*).
ALTER TABLE "error_stats_by_tag_hourly" SET (fillfactor = 70);--> statement-breakpoint
-- Backfill: the folded errors (the error traces that match no queued or quarantined call, on
-- every column the queue copies, as migration 0013 does), each under each of its tags and an
-- untagged one under '' (the api's rollups/tags.ts); the latest message as the fold keeps it.
INSERT INTO "error_stats_by_tag_hourly" ("workspace_id", "bucket", "tag", "error_type", "agent_id", "model", "count", "last_seen", "last_message")
SELECT t."workspace_id", date_bin('1 hour', t."timestamp", timestamptz '2000-01-01T00:00:00Z'), c.tag, t."error_type", t."agent_id", t."model", count(*), max(t."timestamp"),
  (array_agg(t."error_message" ORDER BY t."timestamp" DESC, t."error_message" DESC NULLS LAST))[1]
FROM "traces" t
CROSS JOIN LATERAL jsonb_array_elements_text(CASE WHEN jsonb_array_length(t."tags") = 0 THEN '[""]'::jsonb ELSE t."tags" END) AS c(tag)
WHERE t."is_error" = 1
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
GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6;--> statement-breakpoint
INSERT INTO "error_stats_by_tag_daily" ("workspace_id", "bucket", "tag", "error_type", "agent_id", "model", "count", "last_seen", "last_message")
SELECT "workspace_id", date_bin('1 day', "bucket", timestamptz '2000-01-01T00:00:00Z'), "tag", "error_type", "agent_id", "model", sum("count"), max("last_seen"),
  (array_agg("last_message" ORDER BY "last_seen" DESC, "last_message" DESC NULLS LAST))[1]
FROM "error_stats_by_tag_hourly" GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6;
