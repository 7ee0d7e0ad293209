-- Issue 10.4: the detection backlog row is written once per stored event, in the ingest path's hottest statement.
-- - One index instead of two: the key becomes (integration_id, published, uuid), the event's own key in the order the
--   detection pass reads it, which also serves the pass's range scans (the separate published index goes).
-- - No foreign key: backlog rows come only from rows just stored in events, whose foreign key is checked in the same
--   statement. The cascade it gave is kept by a trigger on integrations.
ALTER TABLE "detection_backlog" DROP CONSTRAINT "detection_backlog_integration_id_integrations_id_fk";
--> statement-breakpoint
DROP INDEX "detection_backlog_published_idx";--> statement-breakpoint
ALTER TABLE "detection_backlog" DROP CONSTRAINT "detection_backlog_integration_id_uuid_pk";--> statement-breakpoint
ALTER TABLE "detection_backlog" ADD CONSTRAINT "detection_backlog_integration_id_published_uuid_pk" PRIMARY KEY("integration_id","published","uuid");--> statement-breakpoint
CREATE FUNCTION "integrations_delete_backlog"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "detection_backlog" WHERE "integration_id" = OLD."id";
  RETURN OLD;
END $$;--> statement-breakpoint
CREATE TRIGGER "integrations_delete_backlog" AFTER DELETE ON "integrations"
  FOR EACH ROW EXECUTE FUNCTION "integrations_delete_backlog"();
