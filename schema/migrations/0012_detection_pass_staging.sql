-- Issue 10.5: a detection pass keeps what it carries from chunk to chunk in PostgreSQL, not in the worker's memory.
-- detection_state_pending holds the pass's rule-state changes until its final transaction merges them into
-- detection_state; UNLOGGED, since nothing in it outlives the pass (a crash empties it, and the retried pass starts
-- by deleting what it finds anyway). detection_backlog.analysed marks the rows a pass took as new, deleted with its
-- results.
CREATE UNLOGGED TABLE "detection_state_pending" (
	"integration_id" text NOT NULL,
	"rule_id" text NOT NULL,
	"entity" text NOT NULL,
	"value" text NOT NULL,
	"first_seen" timestamp with time zone NOT NULL,
	"last_seen" timestamp with time zone NOT NULL,
	"data" jsonb,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "detection_state_pending_integration_id_rule_id_entity_value_pk" PRIMARY KEY("integration_id","rule_id","entity","value")
);
--> statement-breakpoint
ALTER TABLE "detection_backlog" ADD COLUMN "analysed" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "detection_state_pending" ADD CONSTRAINT "detection_state_pending_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;