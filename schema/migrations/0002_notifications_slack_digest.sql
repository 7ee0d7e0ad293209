ALTER TYPE "public"."notification_channel_kind" ADD VALUE 'slack';--> statement-breakpoint
CREATE TABLE "digests" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"integration_id" text NOT NULL,
	"ingest_run_id" bigint NOT NULL,
	"channel_id" bigint NOT NULL,
	"detection_count" integer NOT NULL,
	"status" "notification_status" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "digest_after" integer DEFAULT 25 NOT NULL;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "digest_id" bigint;--> statement-breakpoint
ALTER TABLE "digests" ADD CONSTRAINT "digests_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "digests" ADD CONSTRAINT "digests_channel_id_notification_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."notification_channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "digests_run_channel_uq" ON "digests" USING btree ("ingest_run_id","channel_id");--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_digest_id_digests_id_fk" FOREIGN KEY ("digest_id") REFERENCES "public"."digests"("id") ON DELETE set null ON UPDATE no action;