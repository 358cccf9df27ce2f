CREATE TABLE "trace_tags" (
	"workspace_id" uuid NOT NULL,
	"tag" text NOT NULL,
	"timestamp" timestamp (3) with time zone NOT NULL,
	"trace_id" text NOT NULL
);
--> statement-breakpoint
-- The tag rows of the calls already stored, before the index is built (one sorted build, not an insert per row).
INSERT INTO "trace_tags" ("workspace_id", "tag", "timestamp", "trace_id")
SELECT t."workspace_id", carried.tag, t."timestamp", t."trace_id" FROM "traces" t CROSS JOIN LATERAL jsonb_array_elements_text(t."tags") AS carried(tag);
--> statement-breakpoint
CREATE UNIQUE INDEX "trace_tags_ws_tag_ts_trace_id_idx" ON "trace_tags" USING btree ("workspace_id","tag","timestamp","trace_id" collate "C");
