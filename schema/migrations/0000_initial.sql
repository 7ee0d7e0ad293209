CREATE TYPE "public"."activity_source" AS ENUM('daily', 'refresh');--> statement-breakpoint
CREATE TYPE "public"."ingest_run_status" AS ENUM('running', 'completed', 'failed');--> statement-breakpoint
CREATE TYPE "public"."integration_status" AS ENUM('validating_credentials', 'credentials_invalid', 'syncing_directory', 'awaiting_log_stream', 'log_stream_misconfigured', 'awaiting_first_event', 'streaming', 'paused', 'degraded', 'removed');--> statement-breakpoint
CREATE TYPE "public"."notification_channel_kind" AS ENUM('webhook');--> statement-breakpoint
CREATE TYPE "public"."notification_status" AS ENUM('pending', 'sent', 'failed');--> statement-breakpoint
CREATE TYPE "public"."severity" AS ENUM('info', 'low', 'medium', 'high', 'critical');--> statement-breakpoint
CREATE TABLE "detections" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"integration_id" text NOT NULL,
	"rule_id" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"severity" "severity" NOT NULL,
	"title" text NOT NULL,
	"subject_user_id" text,
	"subject_user" text,
	"first_event_at" timestamp with time zone NOT NULL,
	"last_event_at" timestamp with time zone NOT NULL,
	"count" integer NOT NULL,
	"evidence_uuids" text[] NOT NULL,
	"tactics" text[] NOT NULL,
	"techniques" text[] NOT NULL,
	"runbook" text,
	"ingest_run_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "events" (
	"integration_id" text NOT NULL,
	"uuid" text NOT NULL,
	"published" timestamp with time zone NOT NULL,
	"event_type" text NOT NULL,
	"severity" text,
	"actor_id" text,
	"actor_alternate_id" text,
	"actor_type" text,
	"target_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"target_user_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"outcome_result" text,
	"outcome_reason" text,
	"client_ip" text,
	"country" text,
	"city" text,
	"session_id" text,
	"root_session_id" text,
	"raw" jsonb NOT NULL,
	"ingest_run_id" bigint,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "events_integration_id_uuid_pk" PRIMARY KEY("integration_id","uuid")
);
--> statement-breakpoint
CREATE TABLE "ingest_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"integration_id" text NOT NULL,
	"workflow_id" text NOT NULL,
	"workflow_run_id" text NOT NULL,
	"status" "ingest_run_status" DEFAULT 'running' NOT NULL,
	"received" integer DEFAULT 0 NOT NULL,
	"stored" integer DEFAULT 0 NOT NULL,
	"duplicates" integer DEFAULT 0 NOT NULL,
	"quarantined" integer DEFAULT 0 NOT NULL,
	"deleted" integer DEFAULT 0 NOT NULL,
	"detections" integer DEFAULT 0 NOT NULL,
	"notifications_sent" integer DEFAULT 0 NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "integrations" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"name" text NOT NULL,
	"status" "integration_status" DEFAULT 'validating_credentials' NOT NULL,
	"status_detail" text,
	"okta_domain" text NOT NULL,
	"okta_org" text NOT NULL,
	"api_token_encrypted" text NOT NULL,
	"event_source_name" text NOT NULL,
	"aws_account_id" text NOT NULL,
	"aws_region" text NOT NULL,
	"queue_url" text,
	"dead_letter_queue_url" text,
	"log_stream_id" text,
	"first_event_at" timestamp with time zone,
	"last_event_at" timestamp with time zone,
	"directory_synced_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notification_channels" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"integration_id" text NOT NULL,
	"kind" "notification_channel_kind" NOT NULL,
	"url" text NOT NULL,
	"secret_encrypted" text NOT NULL,
	"min_severity" "severity" DEFAULT 'low' NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"detection_id" bigint NOT NULL,
	"channel_id" bigint NOT NULL,
	"idempotency_key" text NOT NULL,
	"status" "notification_status" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "okta_devices" (
	"integration_id" text NOT NULL,
	"id" text NOT NULL,
	"status" text NOT NULL,
	"display_name" text,
	"platform" text,
	"raw" jsonb NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "okta_devices_integration_id_id_pk" PRIMARY KEY("integration_id","id")
);
--> statement-breakpoint
CREATE TABLE "okta_factors" (
	"integration_id" text NOT NULL,
	"id" text NOT NULL,
	"user_id" text NOT NULL,
	"factor_type" text NOT NULL,
	"provider" text,
	"status" text NOT NULL,
	"raw" jsonb NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "okta_factors_integration_id_id_pk" PRIMARY KEY("integration_id","id")
);
--> statement-breakpoint
CREATE TABLE "okta_user_devices" (
	"integration_id" text NOT NULL,
	"user_id" text NOT NULL,
	"device_id" text NOT NULL,
	"management_status" text,
	"screen_lock_type" text,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "okta_user_devices_integration_id_user_id_device_id_pk" PRIMARY KEY("integration_id","user_id","device_id")
);
--> statement-breakpoint
CREATE TABLE "okta_users" (
	"integration_id" text NOT NULL,
	"id" text NOT NULL,
	"status" text NOT NULL,
	"login" text,
	"email" text,
	"display_name" text,
	"last_login" timestamp with time zone,
	"raw" jsonb NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "okta_users_integration_id_id_pk" PRIMARY KEY("integration_id","id")
);
--> statement-breakpoint
CREATE TABLE "quarantine" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"integration_id" text NOT NULL,
	"ingest_run_id" bigint,
	"message_id" text NOT NULL,
	"reason_code" text NOT NULL,
	"reason" text NOT NULL,
	"body" text NOT NULL,
	"body_bytes" integer NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tenants" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "user_activity" (
	"integration_id" text NOT NULL,
	"user_id" text NOT NULL,
	"event_uuid" text NOT NULL,
	"published" timestamp with time zone NOT NULL,
	"role" text NOT NULL,
	"event_type" text NOT NULL,
	"display_message" text,
	"outcome_result" text,
	"client_ip" text,
	"country" text,
	"city" text,
	"source" "activity_source" NOT NULL,
	"written_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "user_activity_integration_id_user_id_event_uuid_pk" PRIMARY KEY("integration_id","user_id","event_uuid")
);
--> statement-breakpoint
ALTER TABLE "detections" ADD CONSTRAINT "detections_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ingest_runs" ADD CONSTRAINT "ingest_runs_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integrations" ADD CONSTRAINT "integrations_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_channels" ADD CONSTRAINT "notification_channels_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_detection_id_detections_id_fk" FOREIGN KEY ("detection_id") REFERENCES "public"."detections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_channel_id_notification_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."notification_channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "okta_devices" ADD CONSTRAINT "okta_devices_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "okta_factors" ADD CONSTRAINT "okta_factors_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "okta_user_devices" ADD CONSTRAINT "okta_user_devices_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "okta_users" ADD CONSTRAINT "okta_users_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quarantine" ADD CONSTRAINT "quarantine_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_activity" ADD CONSTRAINT "user_activity_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "detections_dedupe_idx" ON "detections" USING btree ("integration_id","dedupe_key","last_event_at");--> statement-breakpoint
CREATE INDEX "events_actor_timeline_idx" ON "events" USING btree ("integration_id","actor_id","published" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "events_target_users_idx" ON "events" USING gin ("target_user_ids");--> statement-breakpoint
CREATE INDEX "events_published_idx" ON "events" USING btree ("integration_id","published");--> statement-breakpoint
CREATE INDEX "events_run_idx" ON "events" USING btree ("ingest_run_id");--> statement-breakpoint
CREATE UNIQUE INDEX "ingest_runs_workflow_run_uq" ON "ingest_runs" USING btree ("workflow_run_id");--> statement-breakpoint
CREATE INDEX "ingest_runs_integration_idx" ON "ingest_runs" USING btree ("integration_id","started_at");--> statement-breakpoint
CREATE INDEX "integrations_tenant_idx" ON "integrations" USING btree ("tenant_id");--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_detection_channel_uq" ON "notifications" USING btree ("detection_id","channel_id");--> statement-breakpoint
CREATE INDEX "okta_factors_user_idx" ON "okta_factors" USING btree ("integration_id","user_id");--> statement-breakpoint
CREATE INDEX "okta_users_login_idx" ON "okta_users" USING btree ("integration_id","login");--> statement-breakpoint
CREATE UNIQUE INDEX "quarantine_message_uq" ON "quarantine" USING btree ("integration_id","message_id");--> statement-breakpoint
CREATE INDEX "user_activity_timeline_idx" ON "user_activity" USING btree ("integration_id","user_id","published" DESC NULLS LAST);