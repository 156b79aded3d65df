CREATE TABLE "signage_device_commands" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"device_id" uuid NOT NULL,
	"command" text NOT NULL,
	"created_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"acknowledged_at" timestamp with time zone,
	CONSTRAINT "signage_device_commands_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "signage_device_commands" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "signage_emergencies" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"id" uuid NOT NULL,
	"message" text NOT NULL,
	"color" text NOT NULL,
	"background" text NOT NULL,
	"image_asset_id" uuid,
	"device_ids" uuid[],
	"expires_at" timestamp with time zone NOT NULL,
	"created_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "signage_emergencies" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "signage_org_settings" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "signage_org_settings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "signage_plays" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"device_id" uuid NOT NULL,
	"asset_id" uuid NOT NULL,
	"asset_name" text DEFAULT '' NOT NULL,
	"client_id" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"duration_ms" integer NOT NULL,
	"outcome" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "signage_plays_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "signage_plays_client_id" UNIQUE("org_id","device_id","client_id"),
	CONSTRAINT "signage_plays_duration_range" CHECK ("signage_plays"."duration_ms" >= 0)
);
--> statement-breakpoint
ALTER TABLE "signage_plays" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "signage_plans" ADD COLUMN "play_retention_days" integer;--> statement-breakpoint
ALTER TABLE "signage_device_commands" ADD CONSTRAINT "signage_device_commands_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signage_device_commands" ADD CONSTRAINT "signage_device_commands_device_id_same_org_fk" FOREIGN KEY ("org_id","device_id") REFERENCES "public"."signage_devices"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signage_emergencies" ADD CONSTRAINT "signage_emergencies_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signage_org_settings" ADD CONSTRAINT "signage_org_settings_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signage_plays" ADD CONSTRAINT "signage_plays_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signage_plays" ADD CONSTRAINT "signage_plays_device_id_same_org_fk" FOREIGN KEY ("org_id","device_id") REFERENCES "public"."signage_devices"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "signage_device_commands_pending_idx" ON "signage_device_commands" USING btree ("org_id","device_id","created_at") WHERE "signage_device_commands"."acknowledged_at" is null;--> statement-breakpoint
CREATE INDEX "signage_plays_started_idx" ON "signage_plays" USING btree ("org_id","started_at");--> statement-breakpoint
CREATE INDEX "signage_plays_asset_idx" ON "signage_plays" USING btree ("org_id","asset_id","started_at");--> statement-breakpoint
CREATE POLICY "signage_device_commands_tenant_isolation" ON "signage_device_commands" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());--> statement-breakpoint
CREATE POLICY "signage_emergencies_tenant_isolation" ON "signage_emergencies" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());--> statement-breakpoint
CREATE POLICY "signage_org_settings_tenant_isolation" ON "signage_org_settings" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());--> statement-breakpoint
CREATE POLICY "signage_plays_tenant_isolation" ON "signage_plays" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());