CREATE INDEX "traces_ws_model_ts_idx" ON "traces" USING btree ("workspace_id","model","timestamp");--> statement-breakpoint
CREATE INDEX "traces_ws_agent_ts_idx" ON "traces" USING btree ("workspace_id","agent_id","timestamp");--> statement-breakpoint
CREATE INDEX "traces_ws_user_ts_idx" ON "traces" USING btree ("workspace_id","user_id","timestamp") WHERE "traces"."user_id" is not null;--> statement-breakpoint
CREATE INDEX "traces_ws_session_ts_idx" ON "traces" USING btree ("workspace_id","session_id","timestamp") WHERE "traces"."session_id" is not null;--> statement-breakpoint
CREATE INDEX "traces_ws_error_type_ts_idx" ON "traces" USING btree ("workspace_id","error_type","timestamp") WHERE "traces"."error_type" is not null;