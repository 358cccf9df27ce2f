-- The weekly per-user level keeps each tag's dim ('t:' + tag) besides the dim of all calls, so a
-- tag-filtered top users or distinct users over weeks reads weekly rows too. Their weeks so far,
-- from the tags' daily rows (as 0020 built the weeks of all calls).
INSERT INTO "user_stats_weekly" ("workspace_id", "dim", "bucket", "user_id", "calls", "cost_nanos", "tokens", "last_seen")
SELECT "workspace_id", "dim", date_bin('7 days', "bucket", timestamptz '2000-01-03T00:00:00Z'), "user_id",
       sum("calls"), sum("cost_nanos"), sum("tokens"), max("last_seen")
FROM "user_stats_daily" WHERE "dim" LIKE 't:%' GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4;
