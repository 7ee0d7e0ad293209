-- Issue 10: every index of events is written for every stored event, in the ingest path's hottest statement. Three
-- had no reader: nothing in the product looks events up by actor, by target user or by ingest run (the detection pass,
-- the daily Activity and a detection's evidence read an integration's time range or the key). Dropping them saves
-- ~8 % of the database's CPU for storing an event and ~125 bytes a row (bench/README.md). On a partitioned table,
-- DROP INDEX drops the partitions' indexes with it, without rewriting any table.
DROP INDEX "events_actor_timeline_idx";--> statement-breakpoint
DROP INDEX "events_target_users_idx";--> statement-breakpoint
DROP INDEX "events_run_idx";