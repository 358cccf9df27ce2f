CREATE TABLE "alert_deliveries" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"rule_name" text NOT NULL,
	"notification_id" uuid NOT NULL,
	"state" text NOT NULL,
	"attempt" integer NOT NULL,
	"body" text NOT NULL,
	"due_at" timestamp (3) with time zone NOT NULL,
	"at" timestamp (3) with time zone,
	"status_code" integer,
	"error" text,
	CONSTRAINT "alert_deliveries_pkey" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "alert_rules" (
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"metric" text NOT NULL,
	"window" text NOT NULL,
	"threshold" double precision NOT NULL,
	"agent_id" text,
	"model" text,
	"webhook_url" text NOT NULL,
	"format" text NOT NULL,
	"cooldown_minutes" integer NOT NULL,
	"secret_sealed" text NOT NULL,
	"state" text DEFAULT 'ok' NOT NULL,
	"last_fired_at" timestamp (3) with time zone,
	"last_value" double precision,
	"last_evaluated_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alert_rules_pkey" PRIMARY KEY("workspace_id","name")
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "scopes" jsonb DEFAULT '["ingest","read","admin"]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "alert_deliveries" ADD CONSTRAINT "alert_deliveries_rule_fk" FOREIGN KEY ("workspace_id","rule_name") REFERENCES "public"."alert_rules"("workspace_id","name") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_rules" ADD CONSTRAINT "alert_rules_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alert_deliveries_rule_idx" ON "alert_deliveries" USING btree ("workspace_id","rule_name","id");--> statement-breakpoint
CREATE INDEX "alert_deliveries_due_idx" ON "alert_deliveries" USING btree ("workspace_id","due_at") WHERE "alert_deliveries"."at" is null;