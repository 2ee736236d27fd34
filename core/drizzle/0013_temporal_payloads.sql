CREATE TABLE "temporal_payloads" (
	"key" text PRIMARY KEY NOT NULL,
	"data" "bytea" NOT NULL,
	"stored_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "temporal_payloads_stored_idx" ON "temporal_payloads" USING btree ("stored_at");--> statement-breakpoint
CREATE INDEX "executions_open_idx" ON "workflow_executions" USING btree ("created_at") WHERE "workflow_executions"."status" in ('queued', 'pending', 'running');