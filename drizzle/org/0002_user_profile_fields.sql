ALTER TABLE "org_user_profiles" ADD COLUMN "title" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "org_user_profiles" ADD COLUMN "role_description" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "org_user_profiles" ADD COLUMN "display_width_px" integer;