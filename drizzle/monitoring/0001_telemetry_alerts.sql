CREATE TABLE "monitoring_alerts" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"performer_id" uuid NOT NULL,
	"assignment_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"severity" text NOT NULL,
	"priority" text NOT NULL,
	"state" text DEFAULT 'open' NOT NULL,
	"message" text NOT NULL,
	"value" integer,
	"raised_at" timestamp with time zone NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" bigint,
	"resolved_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "monitoring_alerts_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "monitoring_alerts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "monitoring_settings" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"poll_interval_ms" integer NOT NULL,
	"battery_warning_percent" integer NOT NULL,
	"battery_critical_percent" integer NOT NULL,
	"rf_loss_below_percent" integer NOT NULL,
	"rf_loss_seconds" integer NOT NULL,
	"silence_below_percent" integer NOT NULL,
	"silence_seconds" integer NOT NULL,
	"offline_after_missed_polls" integer NOT NULL,
	"history_every_seconds" integer NOT NULL,
	"history_retention_hours" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "monitoring_settings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "unit_telemetry_samples" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"battery" integer,
	"rf_signal" integer,
	"audio_level" integer,
	"status" text NOT NULL,
	CONSTRAINT "unit_telemetry_samples_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "unit_telemetry_samples" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "wireless_chassis" ADD COLUMN "is_active" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "wireless_chassis" ADD COLUMN "missed_polls" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "wireless_chassis" ADD COLUMN "last_polled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "wireless_units" ADD COLUMN "battery_bars" integer;--> statement-breakpoint
ALTER TABLE "wireless_units" ADD COLUMN "battery_runtime_minutes" integer;--> statement-breakpoint
ALTER TABLE "wireless_units" ADD COLUMN "rf_antenna" text;--> statement-breakpoint
ALTER TABLE "wireless_units" ADD COLUMN "is_muted" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "wireless_units" ADD COLUMN "rf_low_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "wireless_units" ADD COLUMN "silent_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "monitoring_alerts" ADD CONSTRAINT "monitoring_alerts_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_alerts" ADD CONSTRAINT "monitoring_alerts_org_id_unit_id_wireless_units_org_id_id_fk" FOREIGN KEY ("org_id","unit_id") REFERENCES "public"."wireless_units"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_alerts" ADD CONSTRAINT "monitoring_alerts_org_id_performer_id_performers_org_id_id_fk" FOREIGN KEY ("org_id","performer_id") REFERENCES "public"."performers"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_settings" ADD CONSTRAINT "monitoring_settings_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unit_telemetry_samples" ADD CONSTRAINT "unit_telemetry_samples_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unit_telemetry_samples" ADD CONSTRAINT "unit_telemetry_samples_org_id_unit_id_wireless_units_org_id_id_fk" FOREIGN KEY ("org_id","unit_id") REFERENCES "public"."wireless_units"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "monitoring_alerts_one_unresolved_uq" ON "monitoring_alerts" USING btree ("org_id","unit_id","kind") WHERE state <> 'resolved';--> statement-breakpoint
CREATE INDEX "monitoring_alerts_state_idx" ON "monitoring_alerts" USING btree ("org_id","state","id");--> statement-breakpoint
CREATE INDEX "monitoring_alerts_unit_idx" ON "monitoring_alerts" USING btree ("org_id","unit_id","id");--> statement-breakpoint
CREATE INDEX "unit_telemetry_samples_unit_at_idx" ON "unit_telemetry_samples" USING btree ("org_id","unit_id","at");--> statement-breakpoint
CREATE INDEX "unit_telemetry_samples_at_idx" ON "unit_telemetry_samples" USING btree ("org_id","at");--> statement-breakpoint
CREATE POLICY "monitoring_alerts_tenant_isolation" ON "monitoring_alerts" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());--> statement-breakpoint
CREATE POLICY "monitoring_settings_tenant_isolation" ON "monitoring_settings" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());--> statement-breakpoint
CREATE POLICY "unit_telemetry_samples_tenant_isolation" ON "unit_telemetry_samples" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());