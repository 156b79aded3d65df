CREATE TABLE "event_annonces" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"target" text NOT NULL,
	"created_by" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "event_annonces_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "event_annonces" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "exposant_scans" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"exposant_id" uuid NOT NULL,
	"scanned_participant_id" uuid NOT NULL,
	"visit_day" date NOT NULL,
	"notes" text DEFAULT '' NOT NULL,
	"scanned_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "exposant_scans_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "exposant_scans_visit_unique" UNIQUE("org_id","exposant_id","scanned_participant_id","visit_day"),
	CONSTRAINT "exposant_scans_not_self" CHECK ("exposant_scans"."exposant_id" <> "exposant_scans"."scanned_participant_id")
);
--> statement-breakpoint
ALTER TABLE "exposant_scans" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "session_questions" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"participant_id" uuid NOT NULL,
	"question_text" text NOT NULL,
	"answer_text" text,
	"answered_by" bigint,
	"asked_at" timestamp with time zone DEFAULT now() NOT NULL,
	"answered_at" timestamp with time zone,
	CONSTRAINT "session_questions_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "session_questions_answer_complete" CHECK (("session_questions"."answered_at" is null) = ("session_questions"."answer_text" is null))
);
--> statement-breakpoint
ALTER TABLE "session_questions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "timezone" text DEFAULT 'Europe/Paris' NOT NULL;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "programme_file_key" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "guide_file_key" text;--> statement-breakpoint
ALTER TABLE "event_participants" ADD COLUMN "plan_file_key" text;--> statement-breakpoint
ALTER TABLE "event_annonces" ADD CONSTRAINT "event_annonces_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_annonces" ADD CONSTRAINT "event_annonces_org_id_event_id_events_org_id_id_fk" FOREIGN KEY ("org_id","event_id") REFERENCES "public"."events"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exposant_scans" ADD CONSTRAINT "exposant_scans_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exposant_scans" ADD CONSTRAINT "exposant_scans_org_id_event_id_events_org_id_id_fk" FOREIGN KEY ("org_id","event_id") REFERENCES "public"."events"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exposant_scans" ADD CONSTRAINT "exposant_scans_org_id_exposant_id_event_participants_org_id_id_fk" FOREIGN KEY ("org_id","exposant_id") REFERENCES "public"."event_participants"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exposant_scans" ADD CONSTRAINT "exposant_scans_org_id_scanned_participant_id_event_participants_org_id_id_fk" FOREIGN KEY ("org_id","scanned_participant_id") REFERENCES "public"."event_participants"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_questions" ADD CONSTRAINT "session_questions_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_questions" ADD CONSTRAINT "session_questions_org_id_event_id_events_org_id_id_fk" FOREIGN KEY ("org_id","event_id") REFERENCES "public"."events"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_questions" ADD CONSTRAINT "session_questions_org_id_session_id_event_sessions_org_id_id_fk" FOREIGN KEY ("org_id","session_id") REFERENCES "public"."event_sessions"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_questions" ADD CONSTRAINT "session_questions_org_id_participant_id_event_participants_org_id_id_fk" FOREIGN KEY ("org_id","participant_id") REFERENCES "public"."event_participants"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "event_annonces_event_target_idx" ON "event_annonces" USING btree ("org_id","event_id","target","created_at");--> statement-breakpoint
CREATE INDEX "exposant_scans_exposant_time_idx" ON "exposant_scans" USING btree ("org_id","exposant_id","scanned_at");--> statement-breakpoint
CREATE INDEX "exposant_scans_event_time_idx" ON "exposant_scans" USING btree ("org_id","event_id","scanned_at");--> statement-breakpoint
CREATE INDEX "session_questions_session_idx" ON "session_questions" USING btree ("org_id","session_id","asked_at");--> statement-breakpoint
CREATE POLICY "event_annonces_tenant_isolation" ON "event_annonces" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());--> statement-breakpoint
CREATE POLICY "exposant_scans_tenant_isolation" ON "exposant_scans" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());--> statement-breakpoint
CREATE POLICY "session_questions_tenant_isolation" ON "session_questions" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());