-- Every reference between tenant rows is keyed by org_id on both sides and named
-- <table>_<column>_same_org_fk, so a refusal names the request field. Drizzle would drop and
-- re-add each renamed key (re-checking every row); renaming is enough, as the keys are unchanged.
ALTER TABLE "signage_devices"
  RENAME CONSTRAINT "signage_devices_org_id_playlist_id_signage_playlists_org_id_id_fk"
  TO "signage_devices_playlist_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "signage_member_permissions"
  RENAME CONSTRAINT "signage_member_permissions_org_id_user_id_memberships_org_id_user_id_fk"
  TO "signage_member_permissions_user_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "signage_playlist_assets"
  RENAME CONSTRAINT "signage_playlist_assets_org_id_playlist_id_signage_playlists_org_id_id_fk"
  TO "signage_playlist_assets_playlist_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "signage_playlist_assets"
  RENAME CONSTRAINT "signage_playlist_assets_org_id_asset_id_signage_assets_org_id_id_fk"
  TO "signage_playlist_assets_asset_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "signage_subscriptions"
  RENAME CONSTRAINT "signage_subscriptions_org_id_external_subscription_id_signage_external_subscriptions_org_id_external_id_fk"
  TO "signage_subscriptions_external_subscription_id_same_org_fk";
--> statement-breakpoint
-- Rows written before the database enforced this may name a unit of another organization (or
-- none). They are not changed silently: clearing the unit would widen who sees the row. The
-- migration stops and names them instead, for an operator to correct and run it again.
DO $$
DECLARE bad text;
BEGIN
  SELECT string_agg(r.id::text, ', ') INTO bad FROM (
    SELECT t.id FROM "signage_devices" t
    WHERE t.unit_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM units u WHERE u.org_id = t.org_id AND u.id = t.unit_id)
    ORDER BY t.id LIMIT 20) r;
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'signage_devices.unit_id names a unit of another organization or none (rows %)', bad
      USING HINT = 'Set unit_id to a unit of the same organization, or to null; then migrate again.';
  END IF;
END $$;
--> statement-breakpoint
ALTER TABLE "signage_devices" ADD CONSTRAINT "signage_devices_unit_id_same_org_fk"
  FOREIGN KEY ("org_id","unit_id")
  REFERENCES "public"."units"("org_id","id")
  ON DELETE no action ON UPDATE no action;
