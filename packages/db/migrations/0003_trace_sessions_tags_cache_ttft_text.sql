ALTER TABLE "traces" ADD COLUMN "session_id" text;--> statement-breakpoint
ALTER TABLE "traces" ADD COLUMN "tags" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "traces" ADD COLUMN "cache_read_tokens" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "traces" ADD COLUMN "cache_write_tokens" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "traces" ADD COLUMN "ttft_ms" double precision;--> statement-breakpoint
ALTER TABLE "traces" ADD COLUMN "input" text;--> statement-breakpoint
ALTER TABLE "traces" ADD COLUMN "output" text;