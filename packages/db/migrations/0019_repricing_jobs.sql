CREATE TABLE "repricing_jobs" (
	"workspace_id" uuid NOT NULL,
	"model" text NOT NULL,
	"rewritten_from" timestamp (3) with time zone,
	"queued_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"generation" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "repricing_jobs_pkey" PRIMARY KEY("workspace_id","model")
);
--> statement-breakpoint
ALTER TABLE "repricing_jobs" ADD CONSTRAINT "repricing_jobs_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;