CREATE TABLE "monitoring_board_slots" (
	"org_id" uuid NOT NULL,
	"group_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"assignment_id" uuid,
	CONSTRAINT "monitoring_board_slots_org_id_group_id_position_pk" PRIMARY KEY("org_id","group_id","position")
);
--> statement-breakpoint
ALTER TABLE "monitoring_board_slots" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "monitoring_display_links" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"monitoring_group_id" uuid,
	"location_id" uuid,
	"stale_after_seconds" integer DEFAULT 10 NOT NULL,
	"created_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "monitoring_display_links_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "monitoring_display_links_one_scope" CHECK ((monitoring_group_id is null) <> (location_id is null))
);
--> statement-breakpoint
ALTER TABLE "monitoring_display_links" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "monitoring_board_slots" ADD CONSTRAINT "monitoring_board_slots_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_board_slots" ADD CONSTRAINT "monitoring_board_slots_group_id_same_org_fk" FOREIGN KEY ("org_id","group_id") REFERENCES "public"."monitoring_groups"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_board_slots" ADD CONSTRAINT "monitoring_board_slots_assignment_id_same_org_fk" FOREIGN KEY ("org_id","assignment_id") REFERENCES "public"."performer_assignments"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_display_links" ADD CONSTRAINT "monitoring_display_links_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_display_links" ADD CONSTRAINT "monitoring_display_links_monitoring_group_id_same_org_fk" FOREIGN KEY ("org_id","monitoring_group_id") REFERENCES "public"."monitoring_groups"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_display_links" ADD CONSTRAINT "monitoring_display_links_location_id_same_org_fk" FOREIGN KEY ("org_id","location_id") REFERENCES "public"."monitoring_locations"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "monitoring_display_links_token_uq" ON "monitoring_display_links" USING btree ("token_hash");--> statement-breakpoint
CREATE POLICY "monitoring_board_slots_tenant_isolation" ON "monitoring_board_slots" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());--> statement-breakpoint
CREATE POLICY "monitoring_display_links_tenant_isolation" ON "monitoring_display_links" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());