CREATE TABLE "workspace_usage" (
	"workspace_id" uuid NOT NULL,
	"month" text NOT NULL,
	"runs" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "workspace_usage_workspace_id_month_pk" PRIMARY KEY("workspace_id","month")
);
--> statement-breakpoint
ALTER TABLE "workflow_executions" ADD COLUMN "admitted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "events_per_second" integer DEFAULT 100;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "max_concurrent_runs" integer DEFAULT 100;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "monthly_run_quota" integer DEFAULT 100000;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "quota_warned_month" text;--> statement-breakpoint
ALTER TABLE "workspace_usage" ADD CONSTRAINT "workspace_usage_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "executions_in_flight_idx" ON "workflow_executions" USING btree ("workspace_id") WHERE "workflow_executions"."status" in ('pending', 'running') and "workflow_executions"."admitted_at" is not null;--> statement-breakpoint
CREATE INDEX "executions_queued_idx" ON "workflow_executions" USING btree ("workspace_id","created_at") WHERE "workflow_executions"."status" = 'queued';--> statement-breakpoint
ALTER TABLE "workspaces" ADD CONSTRAINT "workspaces_limits_check" CHECK ("workspaces"."events_per_second" > 0 and "workspaces"."max_concurrent_runs" > 0 and "workspaces"."monthly_run_quota" > 0);--> statement-breakpoint
-- Runs already in flight hold a slot from the start.
UPDATE "workflow_executions" SET "admitted_at" = "created_at" WHERE "status" in ('pending', 'running');