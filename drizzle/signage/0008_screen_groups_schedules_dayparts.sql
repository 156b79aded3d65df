CREATE TABLE "signage_schedules" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"playlist_id" uuid NOT NULL,
	"device_id" uuid,
	"group_id" uuid,
	"dayparts" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"starts_on" date,
	"ends_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "signage_schedules_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "signage_schedules_name_per_org" UNIQUE("org_id","name"),
	CONSTRAINT "signage_schedules_one_target" CHECK ("signage_schedules"."device_id" is null or "signage_schedules"."group_id" is null),
	CONSTRAINT "signage_schedules_dates_order" CHECK ("signage_schedules"."starts_on" is null or "signage_schedules"."ends_on" is null or "signage_schedules"."ends_on" >= "signage_schedules"."starts_on")
);
--> statement-breakpoint
ALTER TABLE "signage_schedules" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "signage_screen_group_members" (
	"org_id" uuid NOT NULL,
	"group_id" uuid NOT NULL,
	"device_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "signage_screen_group_members_org_id_group_id_device_id_pk" PRIMARY KEY("org_id","group_id","device_id")
);
--> statement-breakpoint
ALTER TABLE "signage_screen_group_members" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "signage_screen_groups" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"kind" text DEFAULT 'location' NOT NULL,
	"priority" integer DEFAULT 0 NOT NULL,
	"playlist_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "signage_screen_groups_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "signage_screen_groups_name_per_org" UNIQUE("org_id","name")
);
--> statement-breakpoint
ALTER TABLE "signage_screen_groups" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "signage_assets" ADD COLUMN "dayparts" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "signage_emergencies" ADD COLUMN "group_ids" uuid[];--> statement-breakpoint
ALTER TABLE "signage_playlist_assets" ADD COLUMN "dayparts" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "signage_schedules" ADD CONSTRAINT "signage_schedules_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signage_schedules" ADD CONSTRAINT "signage_schedules_playlist_id_same_org_fk" FOREIGN KEY ("org_id","playlist_id") REFERENCES "public"."signage_playlists"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signage_schedules" ADD CONSTRAINT "signage_schedules_device_id_same_org_fk" FOREIGN KEY ("org_id","device_id") REFERENCES "public"."signage_devices"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signage_schedules" ADD CONSTRAINT "signage_schedules_group_id_same_org_fk" FOREIGN KEY ("org_id","group_id") REFERENCES "public"."signage_screen_groups"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signage_screen_group_members" ADD CONSTRAINT "signage_screen_group_members_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signage_screen_group_members" ADD CONSTRAINT "signage_screen_group_members_group_id_same_org_fk" FOREIGN KEY ("org_id","group_id") REFERENCES "public"."signage_screen_groups"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signage_screen_group_members" ADD CONSTRAINT "signage_screen_group_members_device_id_same_org_fk" FOREIGN KEY ("org_id","device_id") REFERENCES "public"."signage_devices"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signage_screen_groups" ADD CONSTRAINT "signage_screen_groups_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signage_screen_groups" ADD CONSTRAINT "signage_screen_groups_playlist_id_same_org_fk" FOREIGN KEY ("org_id","playlist_id") REFERENCES "public"."signage_playlists"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "signage_schedules_device_idx" ON "signage_schedules" USING btree ("org_id","device_id");--> statement-breakpoint
CREATE INDEX "signage_schedules_group_idx" ON "signage_schedules" USING btree ("org_id","group_id");--> statement-breakpoint
CREATE INDEX "signage_screen_group_members_device_idx" ON "signage_screen_group_members" USING btree ("org_id","device_id");--> statement-breakpoint
CREATE POLICY "signage_schedules_tenant_isolation" ON "signage_schedules" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = (select app_current_org())) WITH CHECK (org_id = (select app_current_org()));--> statement-breakpoint
CREATE POLICY "signage_screen_group_members_tenant_isolation" ON "signage_screen_group_members" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = (select app_current_org())) WITH CHECK (org_id = (select app_current_org()));--> statement-breakpoint
CREATE POLICY "signage_screen_groups_tenant_isolation" ON "signage_screen_groups" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = (select app_current_org())) WITH CHECK (org_id = (select app_current_org()));