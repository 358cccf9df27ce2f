ALTER TABLE "rollup_pending" ADD COLUMN "safety_flags" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "rollup_quarantine" ADD COLUMN "safety_flags" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "stats_by_tag_daily" ADD COLUMN "flagged_calls" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "stats_by_tag_daily" ADD COLUMN "flag_counts" bigint[] DEFAULT '{}'::bigint[] NOT NULL;--> statement-breakpoint
ALTER TABLE "stats_by_tag_hourly" ADD COLUMN "flagged_calls" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "stats_by_tag_hourly" ADD COLUMN "flag_counts" bigint[] DEFAULT '{}'::bigint[] NOT NULL;--> statement-breakpoint
ALTER TABLE "stats_daily" ADD COLUMN "flagged_calls" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "stats_daily" ADD COLUMN "flag_counts" bigint[] DEFAULT '{}'::bigint[] NOT NULL;--> statement-breakpoint
ALTER TABLE "stats_hourly" ADD COLUMN "flagged_calls" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "stats_hourly" ADD COLUMN "flag_counts" bigint[] DEFAULT '{}'::bigint[] NOT NULL;--> statement-breakpoint
-- Backfill (docs/API_SPEC.md §12: the safety figures are read from the stats rollups). The
-- calls still queued or quarantined get their trace's flags, the trace matched on every column
-- the queue copies from it (the queue has no trace id; two calls equal in all of them differ at
-- most in flags, which `npm run verify` would then report).
UPDATE "rollup_pending" p SET "safety_flags" = t."safety_flags" FROM "traces" t
WHERE t."workspace_id" = p."workspace_id" AND t."timestamp" = p."timestamp" AND t."agent_id" = p."agent_id" AND t."model" = p."model"
  AND t."user_id" IS NOT DISTINCT FROM p."user_id" AND t."is_error" = p."is_error" AND t."latency_ms" = p."latency_ms"
  AND t."input_tokens" = p."input_tokens" AND t."output_tokens" = p."output_tokens" AND t."cost_nanos" = p."cost_nanos"
  AND t."cost_source" = p."cost_source" AND t."error_type" IS NOT DISTINCT FROM p."error_type"
  AND t."error_message" IS NOT DISTINCT FROM p."error_message" AND t."tags" = p."tags";--> statement-breakpoint
UPDATE "rollup_quarantine" p SET "safety_flags" = t."safety_flags" FROM "traces" t
WHERE t."workspace_id" = p."workspace_id" AND t."timestamp" = p."timestamp" AND t."agent_id" = p."agent_id" AND t."model" = p."model"
  AND t."user_id" IS NOT DISTINCT FROM p."user_id" AND t."is_error" = p."is_error" AND t."latency_ms" = p."latency_ms"
  AND t."input_tokens" = p."input_tokens" AND t."output_tokens" = p."output_tokens" AND t."cost_nanos" = p."cost_nanos"
  AND t."cost_source" = p."cost_source" AND t."error_type" IS NOT DISTINCT FROM p."error_type"
  AND t."error_message" IS NOT DISTINCT FROM p."error_message" AND t."tags" = p."tags";--> statement-breakpoint
-- The folded calls' flags, as the fold counts them: every trace, less the queued and the
-- quarantined ones; per type in the order of the shared SAFETY_TYPES as of this migration.
UPDATE "stats_hourly" s SET "flagged_calls" = c."flagged", "flag_counts" = c."counts"
FROM (SELECT "workspace_id", date_bin('1 hour', "timestamp", timestamptz '2000-01-01T00:00:00Z') AS "bucket", "agent_id", "model",
        sum(sign * ("safety_flags" <> '[]'::jsonb)::int) AS "flagged", array[sum(sign * ("safety_flags" @> '["pii.credit_card"]')::int), sum(sign * ("safety_flags" @> '["pii.email"]')::int), sum(sign * ("safety_flags" @> '["pii.iban"]')::int), sum(sign * ("safety_flags" @> '["pii.phone"]')::int), sum(sign * ("safety_flags" @> '["prompt_injection"]')::int), sum(sign * ("safety_flags" @> '["secret.api_key"]')::int)]::bigint[] AS "counts"
      FROM (SELECT "workspace_id", "timestamp", "agent_id", "model", "tags", "safety_flags", 1 AS sign FROM "traces"
      UNION ALL SELECT "workspace_id", "timestamp", "agent_id", "model", "tags", "safety_flags", -1 FROM "rollup_pending"
      UNION ALL SELECT "workspace_id", "timestamp", "agent_id", "model", "tags", "safety_flags", -1 FROM "rollup_quarantine") f
      GROUP BY 1, 2, 3, 4) c
WHERE s."workspace_id" = c."workspace_id" AND s."bucket" = c."bucket" AND s."agent_id" = c."agent_id" AND s."model" = c."model";--> statement-breakpoint
UPDATE "stats_daily" s SET "flagged_calls" = c."flagged", "flag_counts" = c."counts"
FROM (SELECT "workspace_id", date_bin('1 day', "bucket", timestamptz '2000-01-01T00:00:00Z') AS "bucket", "agent_id", "model",
        sum("flagged_calls") AS "flagged", array[coalesce(sum("flag_counts"[1]), 0), coalesce(sum("flag_counts"[2]), 0), coalesce(sum("flag_counts"[3]), 0), coalesce(sum("flag_counts"[4]), 0), coalesce(sum("flag_counts"[5]), 0), coalesce(sum("flag_counts"[6]), 0)]::bigint[] AS "counts"
      FROM "stats_hourly" GROUP BY 1, 2, 3, 4) c
WHERE s."workspace_id" = c."workspace_id" AND s."bucket" = c."bucket" AND s."agent_id" = c."agent_id" AND s."model" = c."model";--> statement-breakpoint
-- The same per tag: a call under each of its tags, an untagged call under '' (rollups/tags.ts).
UPDATE "stats_by_tag_hourly" s SET "flagged_calls" = c."flagged", "flag_counts" = c."counts"
FROM (SELECT "workspace_id", date_bin('1 hour', "timestamp", timestamptz '2000-01-01T00:00:00Z') AS "bucket", g.tag, "agent_id", "model",
        sum(sign * ("safety_flags" <> '[]'::jsonb)::int) AS "flagged", array[sum(sign * ("safety_flags" @> '["pii.credit_card"]')::int), sum(sign * ("safety_flags" @> '["pii.email"]')::int), sum(sign * ("safety_flags" @> '["pii.iban"]')::int), sum(sign * ("safety_flags" @> '["pii.phone"]')::int), sum(sign * ("safety_flags" @> '["prompt_injection"]')::int), sum(sign * ("safety_flags" @> '["secret.api_key"]')::int)]::bigint[] AS "counts"
      FROM (SELECT "workspace_id", "timestamp", "agent_id", "model", "tags", "safety_flags", 1 AS sign FROM "traces"
      UNION ALL SELECT "workspace_id", "timestamp", "agent_id", "model", "tags", "safety_flags", -1 FROM "rollup_pending"
      UNION ALL SELECT "workspace_id", "timestamp", "agent_id", "model", "tags", "safety_flags", -1 FROM "rollup_quarantine") f
      CROSS JOIN LATERAL (SELECT jsonb_array_elements_text(CASE WHEN jsonb_array_length(f."tags") = 0 THEN '[""]'::jsonb ELSE f."tags" END)) AS g(tag)
      GROUP BY 1, 2, 3, 4, 5) c
WHERE s."workspace_id" = c."workspace_id" AND s."bucket" = c."bucket" AND s."tag" = c."tag" AND s."agent_id" = c."agent_id" AND s."model" = c."model";--> statement-breakpoint
UPDATE "stats_by_tag_daily" s SET "flagged_calls" = c."flagged", "flag_counts" = c."counts"
FROM (SELECT "workspace_id", date_bin('1 day', "bucket", timestamptz '2000-01-01T00:00:00Z') AS "bucket", "tag", "agent_id", "model",
        sum("flagged_calls") AS "flagged", array[coalesce(sum("flag_counts"[1]), 0), coalesce(sum("flag_counts"[2]), 0), coalesce(sum("flag_counts"[3]), 0), coalesce(sum("flag_counts"[4]), 0), coalesce(sum("flag_counts"[5]), 0), coalesce(sum("flag_counts"[6]), 0)]::bigint[] AS "counts"
      FROM "stats_by_tag_hourly" GROUP BY 1, 2, 3, 4, 5) c
WHERE s."workspace_id" = c."workspace_id" AND s."bucket" = c."bucket" AND s."tag" = c."tag" AND s."agent_id" = c."agent_id" AND s."model" = c."model";
