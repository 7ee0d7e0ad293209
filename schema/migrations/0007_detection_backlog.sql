CREATE TABLE "detection_backlog" (
	"integration_id" text NOT NULL,
	"uuid" text NOT NULL,
	"published" timestamp with time zone NOT NULL,
	CONSTRAINT "detection_backlog_integration_id_uuid_pk" PRIMARY KEY("integration_id","uuid")
);
--> statement-breakpoint
ALTER TABLE "detection_backlog" ADD CONSTRAINT "detection_backlog_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "detection_backlog_published_idx" ON "detection_backlog" USING btree ("integration_id","published");--> statement-breakpoint
-- Events of runs that never completed were stored but may never have been analysed: they join the backlog.
INSERT INTO "detection_backlog" ("integration_id", "uuid", "published")
SELECT e."integration_id", e."uuid", e."published" FROM "events" e JOIN "ingest_runs" r ON r."id" = e."ingest_run_id"
WHERE r."status" <> 'completed' ON CONFLICT DO NOTHING;
