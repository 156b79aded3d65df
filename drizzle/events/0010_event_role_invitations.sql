CREATE TABLE "event_role_invitations" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"invitation_id" uuid NOT NULL,
	"role" text NOT NULL,
	"invited_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"granted_at" timestamp with time zone,
	CONSTRAINT "event_role_invitations_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "event_role_invitations_unique" UNIQUE("org_id","invitation_id","event_id")
);
--> statement-breakpoint
ALTER TABLE "event_role_invitations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "event_role_invitations" ADD CONSTRAINT "event_role_invitations_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_role_invitations" ADD CONSTRAINT "event_role_invitations_event_id_same_org_fk" FOREIGN KEY ("org_id","event_id") REFERENCES "public"."events"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE POLICY "event_role_invitations_tenant_isolation" ON "event_role_invitations" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = (select app_current_org())) WITH CHECK (org_id = (select app_current_org()));