CREATE TABLE "agent_values" (
	"workspace_id" uuid NOT NULL,
	"agent_id" text NOT NULL,
	"value_per_success_usd" numeric,
	"minutes_saved" numeric,
	"hourly_rate_usd" numeric,
	"success" text NOT NULL,
	"success_score" text,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agent_values_pkey" PRIMARY KEY("workspace_id","agent_id")
);
--> statement-breakpoint
ALTER TABLE "agent_values" ADD CONSTRAINT "agent_values_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;