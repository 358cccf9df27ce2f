CREATE TABLE "evaluators" (
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"settings" jsonb NOT NULL,
	"api_key_sealed" text,
	"sample_rate" double precision NOT NULL,
	"enabled" boolean NOT NULL,
	"cursor_at" timestamp (3) with time zone NOT NULL,
	"cursor_id" uuid NOT NULL,
	"judged" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"last_run_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "evaluators_pkey" PRIMARY KEY("workspace_id","name")
);
--> statement-breakpoint
ALTER TABLE "evaluators" ADD CONSTRAINT "evaluators_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "traces_ws_received_text_idx" ON "traces" USING btree ("workspace_id","received_at","id") WHERE "traces"."input" is not null and "traces"."output" is not null;