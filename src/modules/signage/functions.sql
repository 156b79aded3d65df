-- The signage module's database functions: the one current definition of each. database.migrate()
-- applies this file after the migrations, at every start, in one transaction; every statement is
-- CREATE OR REPLACE (or a GRANT, which holds already), so applying it again changes nothing. To
-- change a function, edit it here (no migration). A changed argument list or return type is a new
-- function to Postgres: drop the old one first (DROP FUNCTION IF EXISTS with the old arguments).

-- Plan limits count every asset of the org, including those the acting member cannot see:
-- this runs as the owner (past the per-user policy) but only ever for the current org.
CREATE OR REPLACE FUNCTION signage_asset_usage() RETURNS TABLE (assets bigint, storage_bytes bigint)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
  $$ SELECT count(*)::bigint, coalesce(sum(file_size), 0)::bigint
       FROM signage_assets WHERE org_id = app_current_org() $$;
GRANT EXECUTE ON FUNCTION signage_asset_usage() TO roster_app;

-- The time zone a screen plays its schedule by: its settings' `timezone` when Postgres knows the
-- name, else UTC (devices.ts validates the name on write; this keeps a poll answering, in UTC,
-- should Postgres not know a name JavaScript accepted). Used by the one-statement playlist poll.
CREATE OR REPLACE FUNCTION signage_device_time_zone(p_settings jsonb) RETURNS text
LANGUAGE plpgsql STABLE SECURITY INVOKER
AS $$
DECLARE
  v_tz text := p_settings->>'timezone';
BEGIN
  IF v_tz IS NULL OR v_tz IN ('', 'UTC') THEN
    RETURN 'UTC';
  END IF;
  -- Only zones other than UTC pay for the subtransaction of the exception block.
  BEGIN
    PERFORM now() AT TIME ZONE v_tz;
    RETURN v_tz;
  EXCEPTION WHEN invalid_parameter_value THEN
    RETURN 'UTC';
  END;
END
$$;
