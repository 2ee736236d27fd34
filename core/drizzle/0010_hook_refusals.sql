CREATE TABLE "hook_refusals" (
	"workflow_id" uuid NOT NULL,
	"workspace_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"minute" timestamp with time zone NOT NULL,
	"count" integer NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	CONSTRAINT "hook_refusals_workflow_id_reason_minute_pk" PRIMARY KEY("workflow_id","reason","minute")
);
--> statement-breakpoint
ALTER TABLE "hook_refusals" ADD CONSTRAINT "hook_refusals_workflow_id_workflows_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."workflows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hook_refusals" ADD CONSTRAINT "hook_refusals_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "hook_refusals_workspace_idx" ON "hook_refusals" USING btree ("workspace_id","minute");