ALTER TABLE "quarantine" ADD COLUMN "replayed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "quarantine" ADD COLUMN "replay_ingest_run_id" bigint;