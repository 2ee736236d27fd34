DROP INDEX "execution_steps_action_idx";--> statement-breakpoint
CREATE UNIQUE INDEX "execution_steps_path_idx" ON "execution_steps" USING btree ("execution_id","path");