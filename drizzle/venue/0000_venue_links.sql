CREATE TABLE "venue_event_units" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"unit_id" bigint NOT NULL,
	"department_id" bigint,
	"linked_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "venue_event_units_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "venue_event_units_event_uq" UNIQUE("org_id","event_id")
);
--> statement-breakpoint
ALTER TABLE "venue_event_units" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "venue_room_screens" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"room_id" uuid NOT NULL,
	"device_id" uuid NOT NULL,
	"placement" text NOT NULL,
	"linked_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "venue_room_screens_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "venue_room_screens_device_uq" UNIQUE("org_id","device_id"),
	CONSTRAINT "venue_room_screens_placement_known" CHECK ("venue_room_screens"."placement" in ('door', 'in_room'))
);
--> statement-breakpoint
ALTER TABLE "venue_room_screens" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "venue_room_stages" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"room_id" uuid NOT NULL,
	"location_id" uuid NOT NULL,
	"linked_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "venue_room_stages_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "venue_room_stages_room_uq" UNIQUE("org_id","room_id"),
	CONSTRAINT "venue_room_stages_location_uq" UNIQUE("org_id","location_id")
);
--> statement-breakpoint
ALTER TABLE "venue_room_stages" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "venue_event_units" ADD CONSTRAINT "venue_event_units_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "venue_event_units" ADD CONSTRAINT "venue_event_units_event_id_same_org_fk" FOREIGN KEY ("org_id","event_id") REFERENCES "public"."events"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "venue_event_units" ADD CONSTRAINT "venue_event_units_unit_id_same_org_fk" FOREIGN KEY ("org_id","unit_id") REFERENCES "public"."units"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "venue_event_units" ADD CONSTRAINT "venue_event_units_department_id_same_org_fk" FOREIGN KEY ("org_id","department_id") REFERENCES "public"."departments"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "venue_room_screens" ADD CONSTRAINT "venue_room_screens_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "venue_room_screens" ADD CONSTRAINT "venue_room_screens_room_id_same_org_fk" FOREIGN KEY ("org_id","room_id") REFERENCES "public"."event_rooms"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "venue_room_screens" ADD CONSTRAINT "venue_room_screens_device_id_same_org_fk" FOREIGN KEY ("org_id","device_id") REFERENCES "public"."signage_devices"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "venue_room_stages" ADD CONSTRAINT "venue_room_stages_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "venue_room_stages" ADD CONSTRAINT "venue_room_stages_room_id_same_org_fk" FOREIGN KEY ("org_id","room_id") REFERENCES "public"."event_rooms"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "venue_room_stages" ADD CONSTRAINT "venue_room_stages_location_id_same_org_fk" FOREIGN KEY ("org_id","location_id") REFERENCES "public"."monitoring_locations"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "venue_event_units_unit_idx" ON "venue_event_units" USING btree ("org_id","unit_id");--> statement-breakpoint
CREATE INDEX "venue_room_screens_room_idx" ON "venue_room_screens" USING btree ("org_id","room_id");--> statement-breakpoint
CREATE POLICY "venue_event_units_tenant_isolation" ON "venue_event_units" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());--> statement-breakpoint
CREATE POLICY "venue_room_screens_tenant_isolation" ON "venue_room_screens" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());--> statement-breakpoint
CREATE POLICY "venue_room_stages_tenant_isolation" ON "venue_room_stages" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());