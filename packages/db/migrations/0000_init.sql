CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"key_hash" text NOT NULL,
	"prefix" text NOT NULL,
	"name" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp (3) with time zone,
	"revoked_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "budgets" (
	"workspace_id" uuid PRIMARY KEY NOT NULL,
	"monthly_limit_nanos" bigint NOT NULL,
	"alert_threshold_pct" integer DEFAULT 80 NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "traces" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"trace_id" text NOT NULL,
	"timestamp" timestamp (3) with time zone NOT NULL,
	"agent_id" text NOT NULL,
	"user_id" text,
	"model" text NOT NULL,
	"is_error" smallint NOT NULL,
	"latency_ms" double precision NOT NULL,
	"input_tokens" integer DEFAULT 0 NOT NULL,
	"output_tokens" integer DEFAULT 0 NOT NULL,
	"cost_nanos" bigint NOT NULL,
	"cost_estimated" smallint DEFAULT 0 NOT NULL,
	"error_type" text,
	"error_message" text,
	"metadata" jsonb,
	"received_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "traces_pkey" PRIMARY KEY("workspace_id","timestamp","id")
);
--> statement-breakpoint
CREATE TABLE "workspaces" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "error_stats_daily" (
	"workspace_id" uuid NOT NULL,
	"bucket" timestamp (3) with time zone NOT NULL,
	"error_type" text NOT NULL,
	"agent_id" text NOT NULL,
	"model" text NOT NULL,
	"count" bigint NOT NULL,
	"last_seen" timestamp (3) with time zone NOT NULL,
	"last_message" text,
	CONSTRAINT "error_stats_daily_pkey" PRIMARY KEY("workspace_id","bucket","error_type","agent_id","model")
);
--> statement-breakpoint
CREATE TABLE "error_stats_hourly" (
	"workspace_id" uuid NOT NULL,
	"bucket" timestamp (3) with time zone NOT NULL,
	"error_type" text NOT NULL,
	"agent_id" text NOT NULL,
	"model" text NOT NULL,
	"count" bigint NOT NULL,
	"last_seen" timestamp (3) with time zone NOT NULL,
	"last_message" text,
	CONSTRAINT "error_stats_hourly_pkey" PRIMARY KEY("workspace_id","bucket","error_type","agent_id","model")
);
--> statement-breakpoint
CREATE TABLE "latency_hist_daily" (
	"workspace_id" uuid NOT NULL,
	"dim" text NOT NULL,
	"bucket" timestamp (3) with time zone NOT NULL,
	"bin" integer NOT NULL,
	"count" bigint NOT NULL,
	CONSTRAINT "latency_hist_daily_pkey" PRIMARY KEY("workspace_id","dim","bucket","bin")
);
--> statement-breakpoint
CREATE TABLE "latency_hist_hourly" (
	"workspace_id" uuid NOT NULL,
	"dim" text NOT NULL,
	"bucket" timestamp (3) with time zone NOT NULL,
	"bin" integer NOT NULL,
	"count" bigint NOT NULL,
	CONSTRAINT "latency_hist_hourly_pkey" PRIMARY KEY("workspace_id","dim","bucket","bin")
);
--> statement-breakpoint
CREATE TABLE "stats_daily" (
	"workspace_id" uuid NOT NULL,
	"bucket" timestamp (3) with time zone NOT NULL,
	"agent_id" text NOT NULL,
	"model" text NOT NULL,
	"calls" bigint NOT NULL,
	"errors" bigint NOT NULL,
	"input_tokens" bigint NOT NULL,
	"output_tokens" bigint NOT NULL,
	"cost_nanos" bigint NOT NULL,
	"latency_sum_ms" double precision NOT NULL,
	CONSTRAINT "stats_daily_pkey" PRIMARY KEY("workspace_id","bucket","agent_id","model")
);
--> statement-breakpoint
CREATE TABLE "stats_hourly" (
	"workspace_id" uuid NOT NULL,
	"bucket" timestamp (3) with time zone NOT NULL,
	"agent_id" text NOT NULL,
	"model" text NOT NULL,
	"calls" bigint NOT NULL,
	"errors" bigint NOT NULL,
	"input_tokens" bigint NOT NULL,
	"output_tokens" bigint NOT NULL,
	"cost_nanos" bigint NOT NULL,
	"latency_sum_ms" double precision NOT NULL,
	CONSTRAINT "stats_hourly_pkey" PRIMARY KEY("workspace_id","bucket","agent_id","model")
);
--> statement-breakpoint
CREATE TABLE "user_stats_daily" (
	"workspace_id" uuid NOT NULL,
	"dim" text NOT NULL,
	"bucket" timestamp (3) with time zone NOT NULL,
	"user_id" text NOT NULL,
	"calls" bigint NOT NULL,
	"cost_nanos" bigint NOT NULL,
	"tokens" bigint NOT NULL,
	"last_seen" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "user_stats_daily_pkey" PRIMARY KEY("workspace_id","dim","bucket","user_id")
);
--> statement-breakpoint
CREATE TABLE "user_stats_hourly" (
	"workspace_id" uuid NOT NULL,
	"dim" text NOT NULL,
	"bucket" timestamp (3) with time zone NOT NULL,
	"user_id" text NOT NULL,
	"calls" bigint NOT NULL,
	"cost_nanos" bigint NOT NULL,
	"tokens" bigint NOT NULL,
	"last_seen" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "user_stats_hourly_pkey" PRIMARY KEY("workspace_id","dim","bucket","user_id")
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "budgets" ADD CONSTRAINT "budgets_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_key_hash_idx" ON "api_keys" USING btree ("key_hash");--> statement-breakpoint
CREATE INDEX "api_keys_workspace_idx" ON "api_keys" USING btree ("workspace_id");--> statement-breakpoint
CREATE UNIQUE INDEX "traces_idempotency_idx" ON "traces" USING btree ("workspace_id","trace_id","timestamp");--> statement-breakpoint
CREATE INDEX "traces_ws_agent_ts_idx" ON "traces" USING btree ("workspace_id","agent_id","timestamp");--> statement-breakpoint
CREATE INDEX "traces_ws_model_ts_idx" ON "traces" USING btree ("workspace_id","model","timestamp");--> statement-breakpoint
CREATE INDEX "traces_ws_errors_ts_idx" ON "traces" USING btree ("workspace_id","timestamp") WHERE "traces"."is_error" = 1;