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

-- Whether the wall-clock time `p_local` falls in one of the day-parts `p_windows` (see DayPart in
-- schema.ts): an empty list is "at any time"; an overnight window (until before from) belongs to
-- the day it starts, so its early-morning part is checked against the day before. Wall-clock
-- arithmetic on purpose: a window skipped by a spring-forward change simply does not happen that
-- day, and one in the repeated hour of a fall-back change plays through both passes.
CREATE OR REPLACE FUNCTION signage_in_dayparts(p_windows jsonb, p_local timestamp) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT jsonb_array_length(p_windows) = 0 OR EXISTS (
    SELECT 1
      FROM jsonb_array_elements(p_windows) w,
           LATERAL (SELECT (w->>'from')::interval AS f, (w->>'until')::interval AS u,
                           p_local - date_trunc('day', p_local) AS t,
                           extract(isodow FROM p_local)::int AS today) b
     WHERE CASE WHEN b.f < b.u
                THEN (w->'days') @> to_jsonb(b.today) AND b.t >= b.f AND b.t < b.u
                ELSE ((w->'days') @> to_jsonb(b.today) AND b.t >= b.f)
                  OR ((w->'days') @> to_jsonb((b.today + 5) % 7 + 1) AND b.t < b.u)
           END)
$$;

-- The playlist a screen plays at `p_at`, and why, most specific first: a schedule in force for the
-- screen, for one of its groups, for the whole org; then the screen's own playlist, its groups'
-- playlist, the org's default. Between groups the higher priority wins, then the name. Schedules
-- are read on the screen's wall clock (its time zone). No row when nothing applies.
CREATE OR REPLACE FUNCTION signage_effective_playlist(p_device uuid, p_at timestamptz)
RETURNS TABLE (playlist_id uuid, source text, group_id uuid, schedule_id uuid)
LANGUAGE sql STABLE SECURITY INVOKER
AS $$
  WITH screen AS (
    SELECT d.org_id, d.id, d.playlist_id,
           p_at AT TIME ZONE signage_device_time_zone(d.settings) AS local_time
      FROM signage_devices d WHERE d.id = p_device
  ), groups AS (
    SELECT g.id, g.name, g.priority, g.playlist_id
      FROM screen s
      JOIN signage_screen_group_members m ON m.org_id = s.org_id AND m.device_id = s.id
      JOIN signage_screen_groups g ON g.org_id = m.org_id AND g.id = m.group_id
  ), candidates AS (
    SELECT sc.playlist_id,
           CASE WHEN sc.device_id IS NOT NULL THEN 'screen_schedule'
                WHEN sc.group_id IS NOT NULL THEN 'group_schedule'
                ELSE 'org_schedule' END AS source,
           CASE WHEN sc.device_id IS NOT NULL THEN 1 WHEN sc.group_id IS NOT NULL THEN 2 ELSE 3 END AS tier,
           g.id AS group_id, g.priority, g.name AS group_name, sc.id AS schedule_id, sc.name AS schedule_name
      FROM screen s
      JOIN signage_schedules sc ON sc.org_id = s.org_id
      LEFT JOIN groups g ON g.id = sc.group_id
     WHERE (sc.device_id = s.id OR g.id IS NOT NULL OR (sc.device_id IS NULL AND sc.group_id IS NULL))
       AND (sc.starts_on IS NULL OR s.local_time::date >= sc.starts_on)
       AND (sc.ends_on IS NULL OR s.local_time::date <= sc.ends_on)
       AND signage_in_dayparts(sc.dayparts, s.local_time)
    UNION ALL
    SELECT s.playlist_id, 'screen', 4, NULL, NULL, NULL, NULL, NULL FROM screen s WHERE s.playlist_id IS NOT NULL
    UNION ALL
    SELECT g.playlist_id, 'group', 5, g.id, g.priority, g.name, NULL, NULL
      FROM groups g WHERE g.playlist_id IS NOT NULL
    UNION ALL
    SELECT p.id, 'default', 6, NULL, NULL, NULL, NULL, NULL
      FROM screen s JOIN signage_playlists p ON p.org_id = s.org_id AND p.is_default
  )
  SELECT c.playlist_id, c.source, c.group_id, c.schedule_id
    FROM candidates c
   ORDER BY c.tier, c.priority DESC NULLS LAST, c.group_name, c.schedule_name, c.schedule_id
   LIMIT 1
$$;
