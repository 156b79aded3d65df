CREATE TABLE "signage_device_health" (
	"org_id" uuid NOT NULL,
	"device_id" uuid NOT NULL,
	"player_version" text,
	"screen_width" integer,
	"screen_height" integer,
	"free_storage_bytes" bigint,
	"reported_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "signage_device_health_org_id_device_id_pk" PRIMARY KEY("org_id","device_id")
);
--> statement-breakpoint
ALTER TABLE "signage_device_health" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "signage_screenshots" (
	"org_id" uuid NOT NULL,
	"device_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"command_id" uuid,
	"storage_key" text NOT NULL,
	"mimetype" text NOT NULL,
	"file_size" bigint NOT NULL,
	"taken_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "signage_screenshots_org_id_device_id_pk" PRIMARY KEY("org_id","device_id")
);
--> statement-breakpoint
ALTER TABLE "signage_screenshots" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "signage_device_commands" ADD COLUMN "outcome" text;--> statement-breakpoint
ALTER TABLE "signage_device_commands" ADD COLUMN "detail" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "signage_device_health" ADD CONSTRAINT "signage_device_health_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signage_device_health" ADD CONSTRAINT "signage_device_health_device_id_same_org_fk" FOREIGN KEY ("org_id","device_id") REFERENCES "public"."signage_devices"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signage_screenshots" ADD CONSTRAINT "signage_screenshots_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signage_screenshots" ADD CONSTRAINT "signage_screenshots_device_id_same_org_fk" FOREIGN KEY ("org_id","device_id") REFERENCES "public"."signage_devices"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "signage_device_commands_history_idx" ON "signage_device_commands" USING btree ("org_id","device_id","id");--> statement-breakpoint
CREATE POLICY "signage_device_health_tenant_isolation" ON "signage_device_health" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = (select app_current_org())) WITH CHECK (org_id = (select app_current_org()));--> statement-breakpoint
CREATE POLICY "signage_screenshots_tenant_isolation" ON "signage_screenshots" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = (select app_current_org())) WITH CHECK (org_id = (select app_current_org()));