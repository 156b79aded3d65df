-- Every reference between tenant rows is keyed by org_id on both sides and named
-- <table>_<column>_same_org_fk, so a refusal names the request field. Drizzle would drop and
-- re-add each renamed key (re-checking every row); renaming is enough, as the keys are unchanged.
ALTER TABLE "departments"
  RENAME CONSTRAINT "departments_unit_fk"
  TO "departments_unit_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "org_user_profiles"
  RENAME CONSTRAINT "org_user_profiles_membership_fk"
  TO "org_user_profiles_user_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "org_user_profiles"
  RENAME CONSTRAINT "org_user_profiles_unit_fk"
  TO "org_user_profiles_unit_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "org_user_profiles"
  RENAME CONSTRAINT "org_user_profiles_section_fk"
  TO "org_user_profiles_section_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "user_unit_departments"
  RENAME CONSTRAINT "user_unit_departments_assignment_fk"
  TO "user_unit_departments_unit_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "user_unit_departments"
  RENAME CONSTRAINT "user_unit_departments_department_fk"
  TO "user_unit_departments_department_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "user_units"
  RENAME CONSTRAINT "user_units_membership_fk"
  TO "user_units_user_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "user_units"
  RENAME CONSTRAINT "user_units_unit_fk"
  TO "user_units_unit_id_same_org_fk";
