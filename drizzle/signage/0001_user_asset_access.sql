-- History: what this migration applied. The current definition of each function it creates is in
-- src/modules/signage/functions.sql, which migrate() applies after the migrations.
-- The `user_asset_access` rule, enforced by the database on top of tenant isolation: a
-- member sees (and so may change) only the assets they created, unless they administer the org
-- or hold the signage permission `view_all_assets`. Requests without a user (API keys, screens,
-- system jobs) act for the whole org. Mirrors assetPolicy.see in src/modules/signage/policy.ts.
CREATE POLICY signage_assets_user_asset_access ON signage_assets AS RESTRICTIVE FOR ALL TO roster_app
  USING (
    app_current_user() IS NULL
    OR created_by = app_current_user()
    OR EXISTS (SELECT 1 FROM memberships m WHERE m.org_id = signage_assets.org_id AND m.user_id = app_current_user() AND m.is_active AND m.role IN ('owner', 'admin'))
    OR EXISTS (SELECT 1 FROM signage_member_permissions p WHERE p.org_id = signage_assets.org_id AND p.user_id = app_current_user() AND p.view_all_assets)
  )
  WITH CHECK (
    app_current_user() IS NULL
    OR created_by = app_current_user()
    OR EXISTS (SELECT 1 FROM memberships m WHERE m.org_id = signage_assets.org_id AND m.user_id = app_current_user() AND m.is_active AND m.role IN ('owner', 'admin'))
    OR EXISTS (SELECT 1 FROM signage_member_permissions p WHERE p.org_id = signage_assets.org_id AND p.user_id = app_current_user() AND p.view_all_assets)
  );--> statement-breakpoint
-- Plan limits count every asset of the org, including those the acting member cannot see:
-- this runs as the owner (past the per-user policy) but only ever for the current org.
CREATE OR REPLACE FUNCTION signage_asset_usage() RETURNS TABLE (assets bigint, storage_bytes bigint)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
  $$ SELECT count(*)::bigint, coalesce(sum(file_size), 0)::bigint FROM signage_assets WHERE org_id = app_current_org() $$;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION signage_asset_usage() TO roster_app;
