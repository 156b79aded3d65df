CREATE TABLE "wireless_chassis" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"manufacturer" text DEFAULT '' NOT NULL,
	"model" text DEFAULT '' NOT NULL,
	"serial" text,
	"ip" text,
	"port" integer,
	"firmware" text DEFAULT '' NOT NULL,
	"location_id" uuid,
	"is_online" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "wireless_chassis_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "wireless_chassis_serial_uq" UNIQUE("org_id","serial")
);
--> statement-breakpoint
ALTER TABLE "wireless_chassis" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "device_assignments" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"user_id" bigint NOT NULL,
	"wireless_unit_id" uuid NOT NULL,
	"alert_enabled" boolean DEFAULT true NOT NULL,
	"notes" text DEFAULT '' NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"assigned_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "device_assignments_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "device_assignments_pair_uq" UNIQUE("org_id","user_id","wireless_unit_id")
);
--> statement-breakpoint
ALTER TABLE "device_assignments" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "monitoring_group_members" (
	"org_id" uuid NOT NULL,
	"group_id" uuid NOT NULL,
	"user_id" bigint NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "monitoring_group_members_org_id_group_id_user_id_pk" PRIMARY KEY("org_id","group_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "monitoring_group_members" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "monitoring_locations" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"building" text NOT NULL,
	"room" text DEFAULT '' NOT NULL,
	"unit_id" integer,
	"description" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "monitoring_locations_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "monitoring_locations_place_uq" UNIQUE("org_id","building","room")
);
--> statement-breakpoint
ALTER TABLE "monitoring_locations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "monitoring_groups" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "monitoring_groups_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "monitoring_groups_name_uq" UNIQUE("org_id","name")
);
--> statement-breakpoint
ALTER TABLE "monitoring_groups" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "performer_assignments" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"performer_id" uuid NOT NULL,
	"wireless_unit_id" uuid NOT NULL,
	"monitoring_group_id" uuid NOT NULL,
	"priority" text DEFAULT 'normal' NOT NULL,
	"notes" text DEFAULT '' NOT NULL,
	"alert_on_battery_low" boolean DEFAULT true NOT NULL,
	"alert_on_signal_loss" boolean DEFAULT true NOT NULL,
	"alert_on_audio_low" boolean DEFAULT false NOT NULL,
	"alert_on_device_offline" boolean DEFAULT true NOT NULL,
	"role" text,
	"starts_at" timestamp with time zone,
	"ends_at" timestamp with time zone,
	"is_active" boolean DEFAULT true NOT NULL,
	"assigned_by" bigint,
	"assigned_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "performer_assignments_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "performer_assignments_pair_uq" UNIQUE("org_id","performer_id","wireless_unit_id")
);
--> statement-breakpoint
ALTER TABLE "performer_assignments" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "performers" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"title" text DEFAULT '' NOT NULL,
	"role_description" text DEFAULT '' NOT NULL,
	"photo_key" text,
	"photo_type" text,
	"email" text,
	"phone" text,
	"notes" text DEFAULT '' NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "performers_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "performers" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "wireless_units" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"chassis_id" uuid NOT NULL,
	"name" text NOT NULL,
	"model" text DEFAULT '' NOT NULL,
	"serial" text,
	"slot" integer NOT NULL,
	"frequency" real,
	"battery" integer,
	"rf_signal" integer,
	"audio_level" integer,
	"status" text DEFAULT 'unknown' NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"last_seen" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "wireless_units_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "wireless_units_slot_uq" UNIQUE("org_id","chassis_id","slot")
);
--> statement-breakpoint
ALTER TABLE "wireless_units" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "wireless_chassis" ADD CONSTRAINT "wireless_chassis_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wireless_chassis" ADD CONSTRAINT "wireless_chassis_org_id_location_id_monitoring_locations_org_id_id_fk" FOREIGN KEY ("org_id","location_id") REFERENCES "public"."monitoring_locations"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "device_assignments" ADD CONSTRAINT "device_assignments_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "device_assignments" ADD CONSTRAINT "device_assignments_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "device_assignments" ADD CONSTRAINT "device_assignments_org_id_wireless_unit_id_wireless_units_org_id_id_fk" FOREIGN KEY ("org_id","wireless_unit_id") REFERENCES "public"."wireless_units"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_group_members" ADD CONSTRAINT "monitoring_group_members_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_group_members" ADD CONSTRAINT "monitoring_group_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_group_members" ADD CONSTRAINT "monitoring_group_members_org_id_group_id_monitoring_groups_org_id_id_fk" FOREIGN KEY ("org_id","group_id") REFERENCES "public"."monitoring_groups"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_locations" ADD CONSTRAINT "monitoring_locations_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_groups" ADD CONSTRAINT "monitoring_groups_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "performer_assignments" ADD CONSTRAINT "performer_assignments_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "performer_assignments" ADD CONSTRAINT "performer_assignments_org_id_performer_id_performers_org_id_id_fk" FOREIGN KEY ("org_id","performer_id") REFERENCES "public"."performers"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "performer_assignments" ADD CONSTRAINT "performer_assignments_org_id_wireless_unit_id_wireless_units_org_id_id_fk" FOREIGN KEY ("org_id","wireless_unit_id") REFERENCES "public"."wireless_units"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "performer_assignments" ADD CONSTRAINT "performer_assignments_org_id_monitoring_group_id_monitoring_groups_org_id_id_fk" FOREIGN KEY ("org_id","monitoring_group_id") REFERENCES "public"."monitoring_groups"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "performers" ADD CONSTRAINT "performers_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wireless_units" ADD CONSTRAINT "wireless_units_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wireless_units" ADD CONSTRAINT "wireless_units_org_id_chassis_id_wireless_chassis_org_id_id_fk" FOREIGN KEY ("org_id","chassis_id") REFERENCES "public"."wireless_chassis"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "wireless_chassis_location_idx" ON "wireless_chassis" USING btree ("org_id","location_id");--> statement-breakpoint
CREATE INDEX "monitoring_group_members_user_idx" ON "monitoring_group_members" USING btree ("org_id","user_id");--> statement-breakpoint
CREATE INDEX "performer_assignments_performer_idx" ON "performer_assignments" USING btree ("org_id","performer_id","is_active");--> statement-breakpoint
CREATE INDEX "performer_assignments_unit_idx" ON "performer_assignments" USING btree ("org_id","wireless_unit_id","is_active");--> statement-breakpoint
CREATE INDEX "performer_assignments_group_idx" ON "performer_assignments" USING btree ("org_id","monitoring_group_id","is_active");--> statement-breakpoint
CREATE INDEX "performer_assignments_priority_idx" ON "performer_assignments" USING btree ("org_id","priority","is_active");--> statement-breakpoint
CREATE INDEX "performers_name_idx" ON "performers" USING btree ("org_id",lower("name"));--> statement-breakpoint
CREATE INDEX "performers_active_idx" ON "performers" USING btree ("org_id","is_active");--> statement-breakpoint
CREATE POLICY "wireless_chassis_tenant_isolation" ON "wireless_chassis" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());--> statement-breakpoint
CREATE POLICY "device_assignments_tenant_isolation" ON "device_assignments" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());--> statement-breakpoint
CREATE POLICY "monitoring_group_members_tenant_isolation" ON "monitoring_group_members" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());--> statement-breakpoint
CREATE POLICY "monitoring_locations_tenant_isolation" ON "monitoring_locations" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());--> statement-breakpoint
CREATE POLICY "monitoring_groups_tenant_isolation" ON "monitoring_groups" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());--> statement-breakpoint
CREATE POLICY "performer_assignments_tenant_isolation" ON "performer_assignments" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());--> statement-breakpoint
CREATE POLICY "performers_tenant_isolation" ON "performers" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());--> statement-breakpoint
CREATE POLICY "wireless_units_tenant_isolation" ON "wireless_units" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());