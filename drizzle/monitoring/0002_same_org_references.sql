-- Every reference between tenant rows is keyed by org_id on both sides and named
-- <table>_<column>_same_org_fk, so a refusal names the request field. Drizzle would drop and
-- re-add each renamed key (re-checking every row); renaming is enough, as the keys are unchanged.
ALTER TABLE "monitoring_alerts"
  RENAME CONSTRAINT "monitoring_alerts_org_id_unit_id_wireless_units_org_id_id_fk"
  TO "monitoring_alerts_unit_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "monitoring_alerts"
  RENAME CONSTRAINT "monitoring_alerts_org_id_performer_id_performers_org_id_id_fk"
  TO "monitoring_alerts_performer_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "wireless_chassis"
  RENAME CONSTRAINT "wireless_chassis_org_id_location_id_monitoring_locations_org_id_id_fk"
  TO "wireless_chassis_location_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "device_assignments"
  RENAME CONSTRAINT "device_assignments_org_id_wireless_unit_id_wireless_units_org_id_id_fk"
  TO "device_assignments_wireless_unit_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "monitoring_group_members"
  RENAME CONSTRAINT "monitoring_group_members_org_id_group_id_monitoring_groups_org_id_id_fk"
  TO "monitoring_group_members_group_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "performer_assignments"
  RENAME CONSTRAINT "performer_assignments_org_id_performer_id_performers_org_id_id_fk"
  TO "performer_assignments_performer_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "performer_assignments"
  RENAME CONSTRAINT "performer_assignments_org_id_wireless_unit_id_wireless_units_org_id_id_fk"
  TO "performer_assignments_wireless_unit_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "performer_assignments"
  RENAME CONSTRAINT "performer_assignments_org_id_monitoring_group_id_monitoring_groups_org_id_id_fk"
  TO "performer_assignments_monitoring_group_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "unit_telemetry_samples"
  RENAME CONSTRAINT "unit_telemetry_samples_org_id_unit_id_wireless_units_org_id_id_fk"
  TO "unit_telemetry_samples_unit_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "wireless_units"
  RENAME CONSTRAINT "wireless_units_org_id_chassis_id_wireless_chassis_org_id_id_fk"
  TO "wireless_units_chassis_id_same_org_fk";
--> statement-breakpoint
-- Rows written before the database enforced this may name a unit of another organization (or
-- none). They are not changed silently: clearing the unit would widen who sees the row. The
-- migration stops and names them instead, for an operator to correct and run it again.
DO $$
DECLARE bad text;
BEGIN
  SELECT string_agg(r.id::text, ', ') INTO bad FROM (
    SELECT t.id FROM "monitoring_locations" t
    WHERE t.unit_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM units u WHERE u.org_id = t.org_id AND u.id = t.unit_id)
    ORDER BY t.id LIMIT 20) r;
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'monitoring_locations.unit_id names a unit of another organization or none (rows %)', bad
      USING HINT = 'Set unit_id to a unit of the same organization, or to null; then migrate again.';
  END IF;
END $$;
--> statement-breakpoint
ALTER TABLE "monitoring_locations" ADD CONSTRAINT "monitoring_locations_unit_id_same_org_fk"
  FOREIGN KEY ("org_id","unit_id")
  REFERENCES "public"."units"("org_id","id")
  ON DELETE no action ON UPDATE no action;
