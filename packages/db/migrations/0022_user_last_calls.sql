CREATE TABLE "user_last_calls" (
	"workspace_id" uuid NOT NULL,
	"user_id" text NOT NULL,
	"last_call" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "user_last_calls_pkey" PRIMARY KEY("workspace_id","user_id")
);
--> statement-breakpoint
CREATE INDEX "user_last_calls_ws_last_call_idx" ON "user_last_calls" USING btree ("workspace_id","last_call");--> statement-breakpoint
-- Each user's latest call folded so far, from the weekly rows (which hold every folded call).
INSERT INTO "user_last_calls" ("workspace_id", "user_id", "last_call")
SELECT "workspace_id", "user_id", max("last_seen") FROM "user_stats_weekly" WHERE "dim" = '' GROUP BY 1, 2 ORDER BY 1, 2;
