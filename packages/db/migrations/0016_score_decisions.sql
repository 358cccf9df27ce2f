ALTER TABLE "score_stats_daily" ADD COLUMN "decided_count" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "score_stats_daily" ADD COLUMN "decided_value_sum" numeric DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "score_stats_hourly" ADD COLUMN "decided_count" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "score_stats_hourly" ADD COLUMN "decided_value_sum" numeric DEFAULT '0' NOT NULL;--> statement-breakpoint
-- Backfill (docs/API_SPEC.md §14: impact counts a score-judged agent's successes from these
-- columns). Of a call's scores of one name and type, the one whose source comes first in the
-- shared SCORE_SOURCE_PRECEDENCE (human, api, rule, llm) decides; its group counts it.
UPDATE "score_stats_hourly" r SET "decided_count" = d."n", "decided_value_sum" = d."v"
FROM (
  SELECT "workspace_id", date_bin('1 hour', "trace_timestamp", timestamptz '2000-01-01T00:00:00Z') AS "bucket", "name", "agent_id", "model", "type",
    coalesce("categorical_value", '') AS "category", count(*) AS "n", coalesce(sum("numeric_value"::numeric), 0) AS "v"
  FROM (
    SELECT s.*, row_number() OVER (
      PARTITION BY "workspace_id", "trace_row_id", "name", "type"
      ORDER BY CASE "source" WHEN 'human' THEN 0 WHEN 'api' THEN 1 WHEN 'rule' THEN 2 ELSE 3 END) AS "rank"
    FROM "scores" s) ranked
  WHERE "rank" = 1
  GROUP BY 1, 2, 3, 4, 5, 6, 7) d
WHERE r."workspace_id" = d."workspace_id" AND r."bucket" = d."bucket" AND r."name" = d."name" AND r."agent_id" = d."agent_id"
  AND r."model" = d."model" AND r."type" = d."type" AND r."category" = d."category";--> statement-breakpoint
UPDATE "score_stats_daily" r SET "decided_count" = d."n", "decided_value_sum" = d."v"
FROM (
  SELECT "workspace_id", date_bin('1 day', "trace_timestamp", timestamptz '2000-01-01T00:00:00Z') AS "bucket", "name", "agent_id", "model", "type",
    coalesce("categorical_value", '') AS "category", count(*) AS "n", coalesce(sum("numeric_value"::numeric), 0) AS "v"
  FROM (
    SELECT s.*, row_number() OVER (
      PARTITION BY "workspace_id", "trace_row_id", "name", "type"
      ORDER BY CASE "source" WHEN 'human' THEN 0 WHEN 'api' THEN 1 WHEN 'rule' THEN 2 ELSE 3 END) AS "rank"
    FROM "scores" s) ranked
  WHERE "rank" = 1
  GROUP BY 1, 2, 3, 4, 5, 6, 7) d
WHERE r."workspace_id" = d."workspace_id" AND r."bucket" = d."bucket" AND r."name" = d."name" AND r."agent_id" = d."agent_id"
  AND r."model" = d."model" AND r."type" = d."type" AND r."category" = d."category";
