-- The user id joins the weekly level's index by calls, so a window's weekly rows of every user
-- (the distinct users' bounds) and the top users' leaders and candidates are read from the index
-- alone, without visiting the table. The drop and the build share one lock on the table until
-- the migration commits: a row per user and week, small next to the traces, rebuilt in seconds.
DROP INDEX "user_stats_weekly_calls_idx";--> statement-breakpoint
CREATE INDEX "user_stats_weekly_calls_idx" ON "user_stats_weekly" USING btree ("workspace_id","dim","bucket","calls","user_id");