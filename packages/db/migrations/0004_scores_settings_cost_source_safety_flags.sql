CREATE TABLE "scores" (
	"workspace_id" uuid NOT NULL,
	"trace_row_id" uuid NOT NULL,
	"trace_id" text NOT NULL,
	"trace_timestamp" timestamp (3) with time zone NOT NULL,
	"agent_id" text NOT NULL,
	"model" text NOT NULL,
	"name" text NOT NULL,
	"source" text NOT NULL,
	"type" text NOT NULL,
	"numeric_value" double precision,
	"categorical_value" text,
	"comment" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "scores_pkey" PRIMARY KEY("workspace_id","trace_row_id","name","source")
);
--> statement-breakpoint
CREATE TABLE "workspace_settings" (
	"workspace_id" uuid PRIMARY KEY NOT NULL,
	"redact_pii" boolean DEFAULT false NOT NULL,
	"retention_days" integer,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "traces" ADD COLUMN "cost_source" text;--> statement-breakpoint
UPDATE "traces" SET "cost_source" = CASE WHEN "cost_estimated" = 0 THEN 'provided' WHEN "cost_nanos" > 0 THEN 'catalog' ELSE 'unpriced' END;--> statement-breakpoint
ALTER TABLE "traces" ALTER COLUMN "cost_source" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "traces" DROP COLUMN "cost_estimated";--> statement-breakpoint
ALTER TABLE "traces" ADD COLUMN "safety_flags" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "workspace_settings" ADD CONSTRAINT "workspace_settings_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "scores_ws_name_ts_idx" ON "scores" USING btree ("workspace_id","name","trace_timestamp");