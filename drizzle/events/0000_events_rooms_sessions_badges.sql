CREATE TABLE "event_assignments" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"user_id" bigint NOT NULL,
	"role" text NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"assigned_by" bigint,
	"assigned_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "event_assignments_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "event_assignments_user_unique" UNIQUE("org_id","event_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "event_assignments" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "events" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"location" text DEFAULT '' NOT NULL,
	"start_date" timestamp with time zone NOT NULL,
	"end_date" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"created_by" bigint,
	"president_id" bigint,
	"is_active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "events_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "events_dates_ordered" CHECK ("events"."end_date" > "events"."start_date")
);
--> statement-breakpoint
ALTER TABLE "events" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "event_participants" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"user_id" bigint,
	"role" text DEFAULT 'participant' NOT NULL,
	"full_name" text NOT NULL,
	"email" text,
	"badge_id" text NOT NULL,
	"is_checked_in" boolean DEFAULT false NOT NULL,
	"checked_in_at" timestamp with time zone,
	"checked_in_by" bigint,
	"current_room_id" uuid,
	"is_active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "event_participants_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "event_participants_badge_unique" UNIQUE("org_id","badge_id"),
	CONSTRAINT "event_participants_user_unique" UNIQUE("org_id","event_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "event_participants" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "room_accesses" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"room_id" uuid,
	"session_id" uuid,
	"participant_id" uuid,
	"status" text NOT NULL,
	"reason" text,
	"verified_by" bigint,
	"scanned_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "room_accesses_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "room_accesses" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "room_assignments" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"room_id" uuid NOT NULL,
	"user_id" bigint NOT NULL,
	"role" text,
	"starts_at" timestamp with time zone,
	"ends_at" timestamp with time zone,
	"is_active" boolean DEFAULT true NOT NULL,
	"assigned_by" bigint,
	"assigned_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "room_assignments_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "room_assignments_slot" CHECK ("room_assignments"."starts_at" is not null and "room_assignments"."ends_at" is not null and "room_assignments"."ends_at" > "room_assignments"."starts_at")
);
--> statement-breakpoint
ALTER TABLE "room_assignments" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "event_rooms" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"location" text DEFAULT '' NOT NULL,
	"capacity" integer NOT NULL,
	"current_occupancy" integer DEFAULT 0 NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "event_rooms_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "event_rooms_name_unique" UNIQUE("org_id","event_id","name"),
	CONSTRAINT "event_rooms_occupancy_bounds" CHECK ("event_rooms"."current_occupancy" >= 0 and "event_rooms"."current_occupancy" <= "event_rooms"."capacity"),
	CONSTRAINT "event_rooms_capacity_positive" CHECK ("event_rooms"."capacity" >= 0)
);
--> statement-breakpoint
ALTER TABLE "event_rooms" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "session_accesses" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"participant_id" uuid NOT NULL,
	"payment_status" text DEFAULT 'pending' NOT NULL,
	"paid_at" timestamp with time zone,
	"amount_paid" numeric(10, 2) DEFAULT '0' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "session_accesses_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "session_accesses_pair_unique" UNIQUE("org_id","participant_id","session_id")
);
--> statement-breakpoint
ALTER TABLE "session_accesses" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "event_sessions" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"room_id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"speaker_name" text DEFAULT '' NOT NULL,
	"speaker_bio" text DEFAULT '' NOT NULL,
	"start_time" timestamp with time zone NOT NULL,
	"end_time" timestamp with time zone NOT NULL,
	"session_type" text DEFAULT 'conference' NOT NULL,
	"is_paid" boolean DEFAULT false NOT NULL,
	"price" numeric(10, 2) DEFAULT '0' NOT NULL,
	"youtube_live_url" text DEFAULT '' NOT NULL,
	"status_override" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "event_sessions_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "event_sessions_times_ordered" CHECK ("event_sessions"."end_time" > "event_sessions"."start_time"),
	CONSTRAINT "event_sessions_conference_free" CHECK ("event_sessions"."session_type" = 'atelier' or ("event_sessions"."is_paid" = false and "event_sessions"."price" = 0))
);
--> statement-breakpoint
ALTER TABLE "event_sessions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "event_assignments" ADD CONSTRAINT "event_assignments_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_assignments" ADD CONSTRAINT "event_assignments_org_id_event_id_events_org_id_id_fk" FOREIGN KEY ("org_id","event_id") REFERENCES "public"."events"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_participants" ADD CONSTRAINT "event_participants_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_participants" ADD CONSTRAINT "event_participants_org_id_event_id_events_org_id_id_fk" FOREIGN KEY ("org_id","event_id") REFERENCES "public"."events"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_participants" ADD CONSTRAINT "event_participants_org_id_current_room_id_event_rooms_org_id_id_fk" FOREIGN KEY ("org_id","current_room_id") REFERENCES "public"."event_rooms"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "room_accesses" ADD CONSTRAINT "room_accesses_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "room_accesses" ADD CONSTRAINT "room_accesses_org_id_event_id_events_org_id_id_fk" FOREIGN KEY ("org_id","event_id") REFERENCES "public"."events"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "room_accesses" ADD CONSTRAINT "room_accesses_org_id_room_id_event_rooms_org_id_id_fk" FOREIGN KEY ("org_id","room_id") REFERENCES "public"."event_rooms"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "room_accesses" ADD CONSTRAINT "room_accesses_org_id_session_id_event_sessions_org_id_id_fk" FOREIGN KEY ("org_id","session_id") REFERENCES "public"."event_sessions"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "room_accesses" ADD CONSTRAINT "room_accesses_org_id_participant_id_event_participants_org_id_id_fk" FOREIGN KEY ("org_id","participant_id") REFERENCES "public"."event_participants"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "room_assignments" ADD CONSTRAINT "room_assignments_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "room_assignments" ADD CONSTRAINT "room_assignments_org_id_event_id_events_org_id_id_fk" FOREIGN KEY ("org_id","event_id") REFERENCES "public"."events"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "room_assignments" ADD CONSTRAINT "room_assignments_org_id_room_id_event_rooms_org_id_id_fk" FOREIGN KEY ("org_id","room_id") REFERENCES "public"."event_rooms"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_rooms" ADD CONSTRAINT "event_rooms_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_rooms" ADD CONSTRAINT "event_rooms_org_id_event_id_events_org_id_id_fk" FOREIGN KEY ("org_id","event_id") REFERENCES "public"."events"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_accesses" ADD CONSTRAINT "session_accesses_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_accesses" ADD CONSTRAINT "session_accesses_org_id_event_id_events_org_id_id_fk" FOREIGN KEY ("org_id","event_id") REFERENCES "public"."events"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_accesses" ADD CONSTRAINT "session_accesses_org_id_session_id_event_sessions_org_id_id_fk" FOREIGN KEY ("org_id","session_id") REFERENCES "public"."event_sessions"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_accesses" ADD CONSTRAINT "session_accesses_org_id_participant_id_event_participants_org_id_id_fk" FOREIGN KEY ("org_id","participant_id") REFERENCES "public"."event_participants"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_sessions" ADD CONSTRAINT "event_sessions_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_sessions" ADD CONSTRAINT "event_sessions_org_id_event_id_events_org_id_id_fk" FOREIGN KEY ("org_id","event_id") REFERENCES "public"."events"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_sessions" ADD CONSTRAINT "event_sessions_org_id_room_id_event_rooms_org_id_id_fk" FOREIGN KEY ("org_id","room_id") REFERENCES "public"."event_rooms"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "event_assignments_user_idx" ON "event_assignments" USING btree ("org_id","user_id");--> statement-breakpoint
CREATE INDEX "events_start_idx" ON "events" USING btree ("org_id","start_date");--> statement-breakpoint
CREATE INDEX "room_accesses_room_time_idx" ON "room_accesses" USING btree ("org_id","room_id","scanned_at");--> statement-breakpoint
CREATE INDEX "room_assignments_user_time_idx" ON "room_assignments" USING btree ("org_id","user_id","starts_at");--> statement-breakpoint
CREATE INDEX "room_assignments_event_idx" ON "room_assignments" USING btree ("org_id","event_id","is_active");--> statement-breakpoint
CREATE INDEX "event_sessions_room_time_idx" ON "event_sessions" USING btree ("org_id","room_id","start_time");--> statement-breakpoint
CREATE INDEX "event_sessions_event_time_idx" ON "event_sessions" USING btree ("org_id","event_id","start_time");--> statement-breakpoint
CREATE POLICY "event_assignments_tenant_isolation" ON "event_assignments" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());--> statement-breakpoint
CREATE POLICY "events_tenant_isolation" ON "events" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());--> statement-breakpoint
CREATE POLICY "event_participants_tenant_isolation" ON "event_participants" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());--> statement-breakpoint
CREATE POLICY "room_accesses_tenant_isolation" ON "room_accesses" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());--> statement-breakpoint
CREATE POLICY "room_assignments_tenant_isolation" ON "room_assignments" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());--> statement-breakpoint
CREATE POLICY "event_rooms_tenant_isolation" ON "event_rooms" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());--> statement-breakpoint
CREATE POLICY "session_accesses_tenant_isolation" ON "session_accesses" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());--> statement-breakpoint
CREATE POLICY "event_sessions_tenant_isolation" ON "event_sessions" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());