-- History: what this migration applied. The current definition of each function it creates is in
-- src/modules/signage/functions.sql, which migrate() applies after the migrations.
-- The time zone a screen plays its schedule by: its settings' `timezone` when Postgres knows the
-- name, else UTC (devices.ts validates the name on write; this keeps a poll answering, in UTC,
-- should Postgres not know a name JavaScript accepted). Used by the one-statement playlist poll.
CREATE FUNCTION signage_device_time_zone(p_settings jsonb) RETURNS text
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
