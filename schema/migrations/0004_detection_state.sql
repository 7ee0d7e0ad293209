CREATE TABLE "detection_state" (
	"integration_id" text NOT NULL,
	"rule_id" text NOT NULL,
	"entity" text NOT NULL,
	"value" text NOT NULL,
	"first_seen" timestamp with time zone NOT NULL,
	"last_seen" timestamp with time zone NOT NULL,
	"data" jsonb,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "detection_state_integration_id_rule_id_entity_value_pk" PRIMARY KEY("integration_id","rule_id","entity","value")
);
--> statement-breakpoint
ALTER TABLE "detection_state" ADD CONSTRAINT "detection_state_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "detection_state_expiry_idx" ON "detection_state" USING btree ("integration_id","expires_at");