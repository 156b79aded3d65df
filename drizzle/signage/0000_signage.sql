CREATE TABLE "signage_assets" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"asset_type" text NOT NULL,
	"uri" text NOT NULL,
	"storage_key" text,
	"md5" text DEFAULT '' NOT NULL,
	"mimetype" text NOT NULL,
	"file_size" bigint DEFAULT 0 NOT NULL,
	"start_date" timestamp,
	"end_date" timestamp,
	"duration" integer DEFAULT 10 NOT NULL,
	"timezone" text DEFAULT 'UTC' NOT NULL,
	"is_enabled" boolean DEFAULT false NOT NULL,
	"is_processing" boolean DEFAULT false NOT NULL,
	"processing_status" text DEFAULT 'pending' NOT NULL,
	"play_order" integer DEFAULT 0 NOT NULL,
	"tags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"category" text DEFAULT '' NOT NULL,
	"nocache" boolean DEFAULT false NOT NULL,
	"skip_asset_check" boolean DEFAULT false NOT NULL,
	"created_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_accessed" timestamp with time zone,
	CONSTRAINT "signage_assets_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "signage_assets_name_per_org" UNIQUE("org_id","name"),
	CONSTRAINT "signage_assets_window_order" CHECK ("signage_assets"."end_date" is null or "signage_assets"."start_date" is null or "signage_assets"."end_date" > "signage_assets"."start_date"),
	CONSTRAINT "signage_assets_duration_positive" CHECK ("signage_assets"."duration" > 0)
);
--> statement-breakpoint
ALTER TABLE "signage_assets" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "signage_devices" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"mac" text,
	"ip" "inet",
	"location" text DEFAULT '' NOT NULL,
	"unit_id" integer,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"playlist_id" uuid,
	"token_hash" text,
	"is_online" boolean DEFAULT false NOT NULL,
	"last_seen" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "signage_devices_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "signage_devices_mac_per_org" UNIQUE("org_id","mac")
);
--> statement-breakpoint
ALTER TABLE "signage_devices" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "signage_member_permissions" (
	"org_id" uuid NOT NULL,
	"user_id" bigint NOT NULL,
	"view_all_assets" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "signage_member_permissions_org_id_user_id_pk" PRIMARY KEY("org_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "signage_member_permissions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "signage_pairings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"secret_hash" text NOT NULL,
	"org_id" uuid,
	"device_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"claimed_at" timestamp with time zone,
	CONSTRAINT "signage_pairings_code_unique" UNIQUE("code"),
	CONSTRAINT "signage_pairings_secret_hash_unique" UNIQUE("secret_hash")
);
--> statement-breakpoint
ALTER TABLE "signage_pairings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "signage_plans" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"plan" text DEFAULT 'free' NOT NULL,
	"max_assets" integer NOT NULL,
	"max_users" integer NOT NULL,
	"max_storage_gb" integer NOT NULL,
	"max_devices" integer NOT NULL,
	"api_rate_per_minute" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "signage_plans" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "signage_playlist_assets" (
	"org_id" uuid NOT NULL,
	"playlist_id" uuid NOT NULL,
	"asset_id" uuid NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "signage_playlist_assets_org_id_playlist_id_asset_id_pk" PRIMARY KEY("org_id","playlist_id","asset_id"),
	CONSTRAINT "signage_playlist_assets_position" UNIQUE("org_id","playlist_id","position")
);
--> statement-breakpoint
ALTER TABLE "signage_playlist_assets" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "signage_playlists" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"shuffle" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "signage_playlists_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "signage_playlists_name_per_org" UNIQUE("org_id","name")
);
--> statement-breakpoint
ALTER TABLE "signage_playlists" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "signage_assets" ADD CONSTRAINT "signage_assets_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signage_devices" ADD CONSTRAINT "signage_devices_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signage_devices" ADD CONSTRAINT "signage_devices_org_id_playlist_id_signage_playlists_org_id_id_fk" FOREIGN KEY ("org_id","playlist_id") REFERENCES "public"."signage_playlists"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signage_member_permissions" ADD CONSTRAINT "signage_member_permissions_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signage_member_permissions" ADD CONSTRAINT "signage_member_permissions_org_id_user_id_memberships_org_id_user_id_fk" FOREIGN KEY ("org_id","user_id") REFERENCES "public"."memberships"("org_id","user_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signage_pairings" ADD CONSTRAINT "signage_pairings_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signage_plans" ADD CONSTRAINT "signage_plans_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signage_playlist_assets" ADD CONSTRAINT "signage_playlist_assets_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signage_playlist_assets" ADD CONSTRAINT "signage_playlist_assets_org_id_playlist_id_signage_playlists_org_id_id_fk" FOREIGN KEY ("org_id","playlist_id") REFERENCES "public"."signage_playlists"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signage_playlist_assets" ADD CONSTRAINT "signage_playlist_assets_org_id_asset_id_signage_assets_org_id_id_fk" FOREIGN KEY ("org_id","asset_id") REFERENCES "public"."signage_assets"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signage_playlists" ADD CONSTRAINT "signage_playlists_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "signage_assets_enabled_idx" ON "signage_assets" USING btree ("org_id","is_enabled");--> statement-breakpoint
CREATE INDEX "signage_assets_window_idx" ON "signage_assets" USING btree ("org_id","start_date","end_date");--> statement-breakpoint
CREATE INDEX "signage_assets_created_idx" ON "signage_assets" USING btree ("org_id","created_at");--> statement-breakpoint
CREATE INDEX "signage_assets_creator_idx" ON "signage_assets" USING btree ("org_id","created_by");--> statement-breakpoint
CREATE INDEX "signage_devices_token_idx" ON "signage_devices" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "signage_playlist_assets_asset_idx" ON "signage_playlist_assets" USING btree ("org_id","asset_id");--> statement-breakpoint
CREATE UNIQUE INDEX "signage_playlists_one_default" ON "signage_playlists" USING btree ("org_id") WHERE "signage_playlists"."is_default";--> statement-breakpoint
CREATE POLICY "signage_assets_tenant_isolation" ON "signage_assets" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());--> statement-breakpoint
CREATE POLICY "signage_devices_tenant_isolation" ON "signage_devices" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());--> statement-breakpoint
CREATE POLICY "signage_member_permissions_tenant_isolation" ON "signage_member_permissions" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());--> statement-breakpoint
CREATE POLICY "signage_pairings_select" ON "signage_pairings" AS PERMISSIVE FOR SELECT TO "roster_app" USING (org_id is null or org_id = app_current_org());--> statement-breakpoint
CREATE POLICY "signage_pairings_claim" ON "signage_pairings" AS PERMISSIVE FOR UPDATE TO "roster_app" USING (org_id is null) WITH CHECK (org_id = app_current_org());--> statement-breakpoint
CREATE POLICY "signage_plans_tenant_isolation" ON "signage_plans" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());--> statement-breakpoint
CREATE POLICY "signage_playlist_assets_tenant_isolation" ON "signage_playlist_assets" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());--> statement-breakpoint
CREATE POLICY "signage_playlists_tenant_isolation" ON "signage_playlists" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());