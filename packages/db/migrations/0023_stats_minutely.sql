CREATE TABLE "stats_minutely" (
	"workspace_id" uuid NOT NULL,
	"bucket" timestamp (3) with time zone NOT NULL,
	"agent_id" text NOT NULL,
	"model" text NOT NULL,
	"calls" bigint NOT NULL,
	"errors" bigint NOT NULL,
	"input_tokens" numeric NOT NULL,
	"output_tokens" numeric NOT NULL,
	"cost_nanos" numeric NOT NULL,
	"latency_sum_ms" double precision NOT NULL,
	"unpriced_calls" bigint DEFAULT 0 NOT NULL,
	"flagged_calls" bigint DEFAULT 0 NOT NULL,
	"flag_counts" bigint[] DEFAULT '{}'::bigint[] NOT NULL,
	CONSTRAINT "stats_minutely_pkey" PRIMARY KEY("workspace_id","bucket","agent_id","model")
);
--> statement-breakpoint
-- Folds update a minute's rows while it is current: free room in each page keeps those updates HOT.
ALTER TABLE "stats_minutely" SET (fillfactor = 70);
--> statement-breakpoint
-- The minutes of the calls folded so far: every stored call, less the copies still queued for
-- the fold (rollup_pending) or set aside (rollup_quarantine), which the rollups do not hold yet.
-- The flag counts follow the safety types' order of that time (packages/shared SAFETY_TYPES).
INSERT INTO "stats_minutely" ("workspace_id", "bucket", "agent_id", "model", "calls", "errors", "input_tokens", "output_tokens",
  "cost_nanos", "latency_sum_ms", "unpriced_calls", "flagged_calls", "flag_counts")
SELECT "workspace_id", date_bin('1 minute', "timestamp", timestamptz '2000-01-01T00:00:00Z'), "agent_id", "model",
       sum(sign), sum(sign * "is_error"), sum(sign * "input_tokens"::numeric), sum(sign * "output_tokens"::numeric),
       sum(sign * "cost_nanos"::numeric), sum(sign * "latency_ms"),
       coalesce(sum(sign) FILTER (WHERE "cost_source" = 'unpriced'), 0), coalesce(sum(sign) FILTER (WHERE "safety_flags" <> '[]'::jsonb), 0),
       array[coalesce(sum(sign) FILTER (WHERE "safety_flags" @> '["pii.credit_card"]'::jsonb), 0),
             coalesce(sum(sign) FILTER (WHERE "safety_flags" @> '["pii.email"]'::jsonb), 0),
             coalesce(sum(sign) FILTER (WHERE "safety_flags" @> '["pii.iban"]'::jsonb), 0),
             coalesce(sum(sign) FILTER (WHERE "safety_flags" @> '["pii.phone"]'::jsonb), 0),
             coalesce(sum(sign) FILTER (WHERE "safety_flags" @> '["prompt_injection"]'::jsonb), 0),
             coalesce(sum(sign) FILTER (WHERE "safety_flags" @> '["secret.api_key"]'::jsonb), 0)]::bigint[]
FROM (
  SELECT 1 AS sign, "workspace_id", "timestamp", "agent_id", "model", "is_error", "input_tokens", "output_tokens", "cost_nanos",
         "latency_ms", "cost_source", "safety_flags" FROM "traces"
  UNION ALL
  SELECT -1, "workspace_id", "timestamp", "agent_id", "model", "is_error", "input_tokens", "output_tokens", "cost_nanos",
         "latency_ms", "cost_source", "safety_flags" FROM "rollup_pending"
  UNION ALL
  SELECT -1, "workspace_id", "timestamp", "agent_id", "model", "is_error", "input_tokens", "output_tokens", "cost_nanos",
         "latency_ms", "cost_source", "safety_flags" FROM "rollup_quarantine"
) calls
GROUP BY 1, 2, 3, 4 HAVING sum(sign) > 0 ORDER BY 1, 2, 3, 4;
