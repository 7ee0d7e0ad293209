CREATE TYPE "public"."ingest_mode" AS ENUM('streaming', 'polling');--> statement-breakpoint
ALTER TYPE "public"."integration_status" ADD VALUE 'polling' BEFORE 'paused';--> statement-breakpoint
ALTER TABLE "ingest_runs" ADD COLUMN "polled" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "ingest_runs" ADD COLUMN "polled_pages" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "ingest_runs" ADD COLUMN "kind" text DEFAULT 'hourly' NOT NULL;--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "ingest_mode" "ingest_mode" DEFAULT 'streaming' NOT NULL;--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "poll_cursor" text;--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "poll_cursor_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "last_streamed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "backfill_days" integer DEFAULT 7 NOT NULL;