CREATE TABLE "exposant_scan_events" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"visit_id" uuid NOT NULL,
	"exposant_id" uuid NOT NULL,
	"notes" text DEFAULT '' NOT NULL,
	"scanned_at" timestamp with time zone DEFAULT now() NOT NULL,
	"device_scanned_at" timestamp with time zone,
	"nonce" text,
	CONSTRAINT "exposant_scan_events_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "exposant_scan_events_nonce_unique" UNIQUE("org_id","exposant_id","nonce")
);
--> statement-breakpoint
ALTER TABLE "exposant_scan_events" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "exposant_scans" ADD COLUMN "rating" integer;--> statement-breakpoint
ALTER TABLE "exposant_scans" ADD COLUMN "tags" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "exposant_scans" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "room_accesses" ADD COLUMN "direction" text DEFAULT 'in' NOT NULL;--> statement-breakpoint
ALTER TABLE "room_accesses" ADD COLUMN "nonce" text;--> statement-breakpoint
ALTER TABLE "room_accesses" ADD COLUMN "forced" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "room_accesses" ADD COLUMN "override_reason" text;--> statement-breakpoint
ALTER TABLE "event_rooms" ADD COLUMN "door_mode" text DEFAULT 'both' NOT NULL;--> statement-breakpoint
ALTER TABLE "exposant_scan_events" ADD CONSTRAINT "exposant_scan_events_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exposant_scan_events" ADD CONSTRAINT "exposant_scan_events_event_id_same_org_fk" FOREIGN KEY ("org_id","event_id") REFERENCES "public"."events"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exposant_scan_events" ADD CONSTRAINT "exposant_scan_events_visit_id_same_org_fk" FOREIGN KEY ("org_id","visit_id") REFERENCES "public"."exposant_scans"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exposant_scan_events" ADD CONSTRAINT "exposant_scan_events_exposant_id_same_org_fk" FOREIGN KEY ("org_id","exposant_id") REFERENCES "public"."event_participants"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "exposant_scan_events_visit_idx" ON "exposant_scan_events" USING btree ("org_id","visit_id","scanned_at");--> statement-breakpoint
ALTER TABLE "room_accesses" ADD CONSTRAINT "room_accesses_nonce_unique" UNIQUE("org_id","event_id","verified_by","nonce");--> statement-breakpoint
ALTER TABLE "exposant_scans" ADD CONSTRAINT "exposant_scans_rating_range" CHECK ("exposant_scans"."rating" between 0 and 5);--> statement-breakpoint
CREATE POLICY "exposant_scan_events_tenant_isolation" ON "exposant_scan_events" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());--> statement-breakpoint
-- Each visit recorded so far becomes its lead's first scan.
INSERT INTO "exposant_scan_events" ("org_id", "id", "event_id", "visit_id", "exposant_id", "notes", "scanned_at")
SELECT "org_id", gen_random_uuid(), "event_id", "id", "exposant_id", "notes", "scanned_at" FROM "exposant_scans";--> statement-breakpoint
-- Occupancy is the number of badges inside. A room whose count was reset by hand while badges
-- stayed recorded inside would hold more badges than seats: those badges are checked out.
UPDATE "event_participants" p SET "current_room_id" = NULL
  FROM "event_rooms" r
 WHERE r."org_id" = p."org_id" AND r."id" = p."current_room_id"
   AND (SELECT count(*) FROM "event_participants" q
         WHERE q."org_id" = r."org_id" AND q."current_room_id" = r."id") > r."capacity";--> statement-breakpoint
UPDATE "event_rooms" r SET "current_occupancy" = (
  SELECT count(*)::int FROM "event_participants" q WHERE q."org_id" = r."org_id" AND q."current_room_id" = r."id");
