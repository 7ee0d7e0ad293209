-- Issue 10.3: the tables that grow with events become RANGE-partitioned by time, so that retention drops whole
-- partitions (schema/partitions.ts) instead of DELETE-ing rows. events and user_activity by "published" (a week a
-- partition), detections by "created_at" and quarantine by "received_at" (a month a partition). Every table has a
-- DEFAULT partition: a row dated outside every partition (a far-past or far-future timestamp) is stored there, never
-- refused or lost; creating a partition later moves the DEFAULT partition's rows of its range into it.
-- Existing rows are copied into the new tables; the old ones are dropped.

-- oort_time_partition(parent, unit, at): the partition of `parent` holding `at` (unit 'week' or 'month', UTC bounds),
-- created if missing, named <parent>_pYYYYMMDD after its first day. Idempotent.
CREATE FUNCTION oort_time_partition(parent text, unit text, at timestamptz) RETURNS text LANGUAGE plpgsql AS $fn$
DECLARE
  lo timestamptz := date_trunc(unit, at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
  hi timestamptz := (date_trunc(unit, at AT TIME ZONE 'UTC') + ('1 ' || unit)::interval) AT TIME ZONE 'UTC';
  part text := parent || '_p' || to_char(date_trunc(unit, at AT TIME ZONE 'UTC'), 'YYYYMMDD');
  col text;
BEGIN
  IF unit NOT IN ('week', 'month') THEN RAISE EXCEPTION 'partition unit must be week or month, not %', unit; END IF;
  IF to_regclass(format('%I', part)) IS NOT NULL THEN RETURN part; END IF;
  SELECT a.attname INTO STRICT col FROM pg_partitioned_table p
    JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
    WHERE p.partrelid = format('%I', parent)::regclass;
  -- Rows of this range already in the DEFAULT partition move into the new partition (PostgreSQL refuses to create a
  -- partition whose range the DEFAULT partition holds rows of).
  EXECUTE format('CREATE TEMP TABLE oort_moved ON COMMIT DROP AS WITH d AS (DELETE FROM %I WHERE %I >= %L AND %I < %L RETURNING *) SELECT * FROM d',
    parent || '_default', col, lo, col, hi);
  EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', part, parent, lo, hi);
  EXECUTE format('INSERT INTO %I SELECT * FROM oort_moved', parent);
  DROP TABLE oort_moved;
  RETURN part;
END $fn$;
--> statement-breakpoint
ALTER TABLE "notifications" DROP CONSTRAINT "notifications_detection_id_detections_id_fk";
--> statement-breakpoint
ALTER TABLE "events" RENAME TO "events_unpartitioned";
--> statement-breakpoint
ALTER TABLE "events_unpartitioned" DROP CONSTRAINT "events_integration_id_uuid_pk";
--> statement-breakpoint
DROP INDEX "events_actor_timeline_idx", "events_target_users_idx", "events_published_idx", "events_run_idx";
--> statement-breakpoint
CREATE TABLE "events" (LIKE "events_unpartitioned" INCLUDING DEFAULTS INCLUDING STORAGE INCLUDING COMPRESSION) PARTITION BY RANGE ("published");
--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_integration_id_uuid_published_pk" PRIMARY KEY ("integration_id", "uuid", "published");
--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "events_actor_timeline_idx" ON "events" USING btree ("integration_id","actor_id","published" DESC NULLS LAST);
--> statement-breakpoint
CREATE INDEX "events_target_users_idx" ON "events" USING gin ("target_user_ids");
--> statement-breakpoint
CREATE INDEX "events_published_idx" ON "events" USING btree ("integration_id","published");
--> statement-breakpoint
CREATE INDEX "events_run_idx" ON "events" USING btree ("ingest_run_id");
--> statement-breakpoint
ALTER TABLE "user_activity" RENAME TO "user_activity_unpartitioned";
--> statement-breakpoint
ALTER TABLE "user_activity_unpartitioned" DROP CONSTRAINT "user_activity_integration_id_user_id_event_uuid_pk";
--> statement-breakpoint
DROP INDEX "user_activity_timeline_idx";
--> statement-breakpoint
CREATE TABLE "user_activity" (LIKE "user_activity_unpartitioned" INCLUDING DEFAULTS INCLUDING STORAGE INCLUDING COMPRESSION) PARTITION BY RANGE ("published");
--> statement-breakpoint
ALTER TABLE "user_activity" ADD CONSTRAINT "user_activity_integration_id_user_id_event_uuid_published_pk" PRIMARY KEY ("integration_id","user_id","event_uuid","published");
--> statement-breakpoint
ALTER TABLE "user_activity" ADD CONSTRAINT "user_activity_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "user_activity_timeline_idx" ON "user_activity" USING btree ("integration_id","user_id","published" DESC NULLS LAST);
--> statement-breakpoint
ALTER TABLE "detections" RENAME TO "detections_unpartitioned";
--> statement-breakpoint
ALTER TABLE "detections_unpartitioned" DROP CONSTRAINT "detections_pkey";
--> statement-breakpoint
DROP INDEX "detections_dedupe_idx";
--> statement-breakpoint
CREATE TABLE "detections" (LIKE "detections_unpartitioned" INCLUDING DEFAULTS INCLUDING STORAGE INCLUDING COMPRESSION) PARTITION BY RANGE ("created_at");
--> statement-breakpoint
ALTER SEQUENCE "detections_id_seq" OWNED BY "detections"."id";
--> statement-breakpoint
ALTER TABLE "detections" ADD CONSTRAINT "detections_id_created_at_pk" PRIMARY KEY ("id","created_at");
--> statement-breakpoint
ALTER TABLE "detections" ADD CONSTRAINT "detections_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "detections_dedupe_idx" ON "detections" USING btree ("integration_id","dedupe_key","last_event_at");
--> statement-breakpoint
ALTER TABLE "quarantine" RENAME TO "quarantine_unpartitioned";
--> statement-breakpoint
ALTER TABLE "quarantine_unpartitioned" DROP CONSTRAINT "quarantine_pkey";
--> statement-breakpoint
DROP INDEX "quarantine_message_uq";
--> statement-breakpoint
CREATE TABLE "quarantine" (LIKE "quarantine_unpartitioned" INCLUDING DEFAULTS INCLUDING STORAGE INCLUDING COMPRESSION) PARTITION BY RANGE ("received_at");
--> statement-breakpoint
ALTER SEQUENCE "quarantine_id_seq" OWNED BY "quarantine"."id";
--> statement-breakpoint
ALTER TABLE "quarantine" ADD CONSTRAINT "quarantine_id_received_at_pk" PRIMARY KEY ("id","received_at");
--> statement-breakpoint
ALTER TABLE "quarantine" ADD CONSTRAINT "quarantine_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "quarantine_message_idx" ON "quarantine" USING btree ("integration_id","message_id");
--> statement-breakpoint
-- DEFAULT partitions, then a partition for every week/month that holds existing rows (up to two years back; older
-- rows stay in DEFAULT), the weeks of the default 90-day retention back from now (an onboarding's backfill reads up
-- to 90 days) and the partitions ahead of now (the daily maintenance keeps creating them: schema/partitions.ts).
DO $$
DECLARE
  spec record;
  at timestamptz;
BEGIN
  FOR spec IN SELECT * FROM (VALUES ('events', 'published', 'week', 13, 4), ('user_activity', 'published', 'week', 13, 4),
      ('detections', 'created_at', 'month', 0, 2), ('quarantine', 'received_at', 'month', 3, 2)) AS s(parent, col, unit, back, ahead) LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT', spec.parent || '_default', spec.parent);
    FOR at IN EXECUTE format('SELECT DISTINCT date_trunc(%L, %I AT TIME ZONE ''UTC'') AT TIME ZONE ''UTC'' FROM %I WHERE %I >= now() - interval ''2 years'' AND %I < now() + interval ''2 years''',
        spec.unit, spec.col, spec.parent || '_unpartitioned', spec.col, spec.col) LOOP
      PERFORM oort_time_partition(spec.parent, spec.unit, at);
    END LOOP;
    FOR i IN -spec.back..spec.ahead LOOP
      PERFORM oort_time_partition(spec.parent, spec.unit, now() + (i || ' ' || spec.unit)::interval);
    END LOOP;
    EXECUTE format('INSERT INTO %I SELECT * FROM %I', spec.parent, spec.parent || '_unpartitioned');
    EXECUTE format('DROP TABLE %I', spec.parent || '_unpartitioned');
  END LOOP;
END $$;
