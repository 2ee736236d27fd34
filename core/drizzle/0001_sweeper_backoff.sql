ALTER TABLE "events" ADD COLUMN "sweeps" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "swept_at" timestamp with time zone;