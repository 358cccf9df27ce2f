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
CREATE INDEX "rollup_pending_ws_ts_idx" ON "rollup_pending" USING btree ("workspace_id","timestamp");--> statement-breakpoint
-- A queue with constant churn: vacuum it after a few thousand folded rows, not after 20 % of it.
ALTER TABLE "rollup_pending" SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000, autovacuum_analyze_threshold = 5000);
