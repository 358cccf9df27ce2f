CREATE TABLE "user_stats_weekly" (
	"workspace_id" uuid NOT NULL,
	"dim" text NOT NULL,
	"bucket" timestamp (3) with time zone NOT NULL,
	"user_id" text NOT NULL,
	"calls" bigint NOT NULL,
	"cost_nanos" numeric NOT NULL,
	"tokens" numeric NOT NULL,
	"last_seen" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "user_stats_weekly_pkey" PRIMARY KEY("workspace_id","dim","bucket","user_id")
);
--> statement-breakpoint
-- Folds update rollup rows in place: free room in each page keeps those updates HOT.
ALTER TABLE "user_stats_weekly" SET (fillfactor = 70);
--> statement-breakpoint
-- The weeks of the calls stored so far, from their daily rows (the dim of all calls only).
INSERT INTO "user_stats_weekly" ("workspace_id", "dim", "bucket", "user_id", "calls", "cost_nanos", "tokens", "last_seen")
SELECT "workspace_id", "dim", date_bin('7 days', "bucket", timestamptz '2000-01-03T00:00:00Z'), "user_id",
       sum("calls"), sum("cost_nanos"), sum("tokens"), max("last_seen")
FROM "user_stats_daily" WHERE "dim" = '' GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4;
