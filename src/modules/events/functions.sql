-- The events module's database functions: the one current definition of each. database.migrate()
-- applies this file after the migrations, at every start, in one transaction; every statement is
-- CREATE OR REPLACE, so applying it again changes nothing. To change a function, edit it here (no
-- migration). A changed argument list or return type is a new function to Postgres: drop the old
-- one first (DROP FUNCTION IF EXISTS with the old arguments, above its new definition).
--
-- The door rules are each defined once: events_scan_badge and the JS services (service.ts
-- currentRoom and the session views, policy.ts inRoomNow, participants.ts hasPaidAccess, live.ts
-- audiences) call these functions instead of restating them. All run as the caller (SECURITY
-- INVOKER), so row-level security still applies; the small LANGUAGE sql ones are STABLE and simple
-- enough for the planner to inline them into the statements that use them (no per-row function
-- call in list filters). Functions come before those that call them.

-- Room slots count by the platform's rule (app_in_force) at now().
DROP FUNCTION IF EXISTS events_slot_in_force(boolean, timestamptz, timestamptz);

-- The slot by which a user holds a room of the event now, as p_role (NULL: any role), in an active
-- room. A user holds one room at a time (assignRoom refuses overlapping slots), so at most one row.
CREATE OR REPLACE FUNCTION events_room_held_now(p_event_id uuid, p_user_id bigint, p_role text)
RETURNS SETOF room_assignments
LANGUAGE sql STABLE SECURITY INVOKER
AS $$
  SELECT a.*
    FROM room_assignments a
   WHERE a.event_id = p_event_id AND a.user_id = p_user_id AND (p_role IS NULL OR a.role = p_role)
     AND app_in_force(a.is_active, a.starts_at, a.ends_at, now())
     AND EXISTS (SELECT 1 FROM event_rooms r WHERE r.org_id = a.org_id AND r.id = a.room_id AND r.is_active)
   LIMIT 1
$$;

-- The users holding one of these rooms of the event now as p_role.
CREATE OR REPLACE FUNCTION events_room_staff_now(p_event_id uuid, p_room_ids uuid[], p_role text)
RETURNS SETOF bigint
LANGUAGE sql STABLE SECURITY INVOKER
AS $$
  SELECT a.user_id
    FROM room_assignments a
   WHERE a.event_id = p_event_id AND a.room_id = ANY (p_room_ids) AND a.role = p_role
     AND app_in_force(a.is_active, a.starts_at, a.ends_at, now())
$$;

-- The event's managers who are named on the event row: its creator and its president (org
-- owners/admins are reached by org role, see live.ts).
CREATE OR REPLACE FUNCTION events_managers(p_event_id uuid)
RETURNS SETOF bigint
LANGUAGE sql STABLE SECURITY INVOKER
AS $$
  SELECT created_by FROM events WHERE id = p_event_id
  UNION SELECT president_id FROM events WHERE id = p_event_id
$$;

-- Who hears about door activity (scans, occupancy) of these rooms live: the event's managers and
-- the staff holding one of the rooms now, controllers and room managers alike — the people the scan
-- policy lets read those scans (org owners/admins are reached by org role, see live.ts).
CREATE OR REPLACE FUNCTION events_door_audience(p_event_id uuid, p_room_ids uuid[])
RETURNS SETOF bigint
LANGUAGE sql STABLE SECURITY INVOKER
AS $$
  SELECT m FROM events_managers(p_event_id) m
  UNION SELECT s FROM events_room_staff_now(p_event_id, p_room_ids, 'controlleur_des_badges') s
  UNION SELECT s FROM events_room_staff_now(p_event_id, p_room_ids, 'gestionnaire_des_salles') s
$$;

-- The status a session shows: the manager's override, otherwise what the clock says.
CREATE OR REPLACE FUNCTION events_session_status(
  p_status_override text, p_start_time timestamptz, p_end_time timestamptz
)
RETURNS text
LANGUAGE sql STABLE SECURITY INVOKER
AS $$
  SELECT coalesce(p_status_override, CASE WHEN now() < p_start_time THEN 'pas_encore'
                                          WHEN now() < p_end_time THEN 'en_cours'
                                          ELSE 'termine' END)
$$;

-- The session running in a room now: one showing "en_cours" (the manager's, else the clock's),
-- the earliest if several do.
CREATE OR REPLACE FUNCTION events_session_now(p_room_id uuid)
RETURNS SETOF event_sessions
LANGUAGE sql STABLE SECURITY INVOKER
AS $$
  SELECT s.*
    FROM event_sessions s
   WHERE s.room_id = p_room_id
     AND events_session_status(s.status_override, s.start_time, s.end_time) = 'en_cours'
   ORDER BY s.start_time
   LIMIT 1
$$;

-- May this participant attend this session as far as payment goes: conferences, free ateliers and
-- "no session" need nothing; a paid atelier needs a SessionAccess marked paid or free. plpgsql, not
-- sql: with its subqueries Postgres could not inline it and would plan it again at every call,
-- whereas a plpgsql function's plans are kept per connection.
CREATE OR REPLACE FUNCTION events_has_paid_access(p_participant_id uuid, p_session_id uuid)
RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY INVOKER
AS $$
BEGIN
  RETURN NOT EXISTS (
        SELECT 1 FROM event_sessions s
         WHERE s.id = p_session_id AND s.session_type = 'atelier' AND s.is_paid)
      OR EXISTS (
        SELECT 1 FROM session_accesses sa
         WHERE sa.participant_id = p_participant_id AND sa.session_id = p_session_id
           AND sa.payment_status IN ('paid', 'free'));
END
$$;

-- What a door function answers when the caller's scope refuses: p_access is the event policy's
-- single-row check ('not_found' or NULL: 404; 'forbidden': 403, as eventPolicy.authorize answers),
-- and nothing is recorded. NULL when the caller may go on.
CREATE OR REPLACE FUNCTION events_scope_refusal(p_access text)
RETURNS json
LANGUAGE sql IMMUTABLE SECURITY INVOKER
AS $$
  SELECT CASE WHEN p_access IS NULL OR p_access = 'not_found' THEN json_build_object('refused', 'not_found')
              WHEN p_access <> 'allowed' THEN json_build_object('refused', 'forbidden') END
$$;

-- A door scan decided, applied and recorded in one statement (docs/events.md § Scan decision
-- table). The caller verifies the QR signature (no database read) and evaluates eventPolicy.access
-- ('not_found', 'forbidden' or 'allowed'; for a supervisor's forced entry the action is
-- "supervise" and p_manages says whether they manage the event) in the same statement; this
-- function does everything that needs rows. It runs as the caller (SECURITY INVOKER), so row-level
-- security applies to every statement in it, and each statement takes a fresh snapshot (READ
-- COMMITTED), exactly as separate statements from the client would.
-- Every statement a plpgsql function runs pays for an executor start-up, about as much as the work
-- it does here (the badge-scan benchmark, docs/performance.md), so the scan runs few of them:
-- * the room the controller holds now, the session running in it and the scan already recorded
--   under this nonce (a retry) come in one statement (the room found by primary key once the slot
--   is known, not joined to every room of the org);
-- * the paid-atelier rule is asked only about paid ateliers (conferences and free ateliers are open
--   to every participant, events_has_paid_access answers true for them without being asked);
-- * who hears about the scan is one expression (the server drops duplicates, live.ts
--   doorAudienceOf);
-- * the answer is json, not jsonb: built as text, without sorting keys only to print them again.
--   The session's price (numeric, as text) and status come as their own keys.
-- Scans in parallel neither deadlock nor overfill a room: the badge is locked first, then the two
-- rooms of a move in id order, and the room entered is counted by one conditional UPDATE.
-- Occupancy is the number of badges whose current room is the room: every change of a badge's
-- current room moves the counts of the rooms concerned in the same transaction.
-- A retry (same device nonce) answers the decision recorded the first time and records nothing;
-- two copies of one scan racing on two connections meet on the unique nonce key, and the loser's
-- statement fails (the server runs it again, and then it finds the winner's record).
DROP FUNCTION IF EXISTS events_scan_badge(uuid, uuid, bigint, uuid, uuid, text, text);
CREATE OR REPLACE FUNCTION events_scan_badge(
  p_org_id uuid,
  p_event_id uuid,
  p_user_id bigint,
  p_scan_id uuid,
  p_participant_id uuid,
  p_badge_denial text,
  p_access text,
  p_direction text,
  p_nonce text,
  p_force boolean,
  p_override_reason text,
  p_room_id uuid,
  p_manages boolean
) RETURNS json
LANGUAGE plpgsql
VOLATILE
AS $$
DECLARE
  v_here record;
  v_room event_rooms;
  v_session_now event_sessions;
  v_participant event_participants;
  v_session event_sessions;
  v_entered event_rooms;
  v_left event_rooms;
  v_scan room_accesses;
  v_status text := 'denied';
  v_reason text;
  v_direction text := coalesce(p_direction, 'in');
  v_replayed boolean := false;
  v_refused json;
BEGIN
  v_refused := events_scope_refusal(p_access);
  IF v_refused IS NOT NULL THEN RETURN v_refused; END IF;

  <<decide>>
  BEGIN
    -- 1. The room: for a controller the one they hold now; for a supervisor's forced entry the one
    -- named (an event manager: any room of the event; a gestionnaire: only the room they hold
    -- now). With it the session in it now and the scan recorded under this nonce, if any.
    SELECT h.room, h.session, h.allowed, prior INTO v_here
      FROM (SELECT 1) one
      LEFT JOIN LATERAL (
        SELECT r AS room, s AS session,
               (NOT p_force OR p_manages OR EXISTS (
                  SELECT 1 FROM events_room_held_now(p_event_id, p_user_id, 'gestionnaire_des_salles') g
                   WHERE g.room_id = r.id)) AS allowed
          FROM event_rooms r
          LEFT JOIN LATERAL events_session_now(r.id) s ON true
         WHERE r.org_id = p_org_id
           AND r.id = CASE WHEN p_force THEN p_room_id
                           ELSE (SELECT a.room_id
                                   FROM events_room_held_now(p_event_id, p_user_id, 'controlleur_des_badges') a)
                      END
           AND (NOT p_force OR (r.event_id = p_event_id AND r.is_active))
      ) h ON true
      LEFT JOIN room_accesses prior
        ON prior.org_id = p_org_id AND prior.event_id = p_event_id AND prior.verified_by = p_user_id
       AND prior.nonce = p_nonce;
    IF (v_here.prior).id IS NOT NULL THEN
      v_replayed := true;
      v_scan := v_here.prior;
      v_status := v_scan.status;
      v_reason := v_scan.reason;
      SELECT * INTO v_room FROM event_rooms WHERE org_id = p_org_id AND id = v_scan.room_id;
      SELECT * INTO v_participant FROM event_participants WHERE org_id = p_org_id AND id = v_scan.participant_id;
      SELECT * INTO v_session FROM event_sessions WHERE org_id = p_org_id AND id = v_scan.session_id;
      EXIT decide;
    END IF;
    v_room := v_here.room;
    v_session_now := v_here.session;
    -- Without a direction a scan goes in, except at an exit-only door.
    IF p_direction IS NULL AND v_room.door_mode = 'exit' AND NOT p_force THEN
      v_direction := 'out';
    END IF;
    IF p_force THEN
      IF v_room.id IS NULL THEN
        RETURN json_build_object('refused', 'room_not_found');
      END IF;
      IF NOT v_here.allowed THEN
        RETURN json_build_object('refused', 'room_forbidden');
      END IF;
    END IF;
    IF v_room.id IS NULL THEN
      v_reason := 'controller_not_assigned';
      EXIT decide;
    END IF;
    -- 2, 3. Decided by the caller from the QR signature and claims.
    IF p_badge_denial IS NOT NULL THEN
      v_reason := p_badge_denial;
      EXIT decide;
    END IF;
    -- 4. The badge, locked: one badge at two doors is decided one after the other. NO KEY UPDATE:
    -- the scan row's foreign key to the badge (FOR KEY SHARE) must not wait on it.
    SELECT * INTO v_participant
      FROM event_participants
     WHERE org_id = p_org_id AND id = p_participant_id AND event_id = p_event_id AND is_active
       FOR NO KEY UPDATE;
    IF v_participant.id IS NULL THEN
      v_reason := 'unknown_badge';
      EXIT decide;
    END IF;
    v_session := v_session_now;
    -- 5. The door lets people through this way (a forced entry goes through any door).
    IF NOT p_force AND ((v_direction = 'in' AND v_room.door_mode = 'exit')
                        OR (v_direction = 'out' AND v_room.door_mode = 'entry')) THEN
      v_reason := 'wrong_direction';
      EXIT decide;
    END IF;
    -- Out: nobody is kept in. The badge leaves the room if it was recorded inside.
    IF v_direction = 'out' THEN
      v_status := 'granted';
      IF v_participant.current_room_id IS DISTINCT FROM v_room.id THEN
        v_reason := 'not_inside';
        EXIT decide;
      END IF;
      UPDATE event_rooms SET current_occupancy = greatest(current_occupancy - 1, 0)
       WHERE id = v_room.id
      RETURNING * INTO v_room;
      UPDATE event_participants SET current_room_id = NULL
       WHERE id = v_participant.id
      RETURNING * INTO v_participant;
      v_reason := NULL;
      EXIT decide;
    END IF;
    -- 6. (A supervisor's forced entry passes 6 and 7.)
    IF NOT p_force AND NOT v_participant.is_checked_in THEN
      v_reason := 'not_checked_in';
      EXIT decide;
    END IF;
    -- 7. (With no session now, session_type is NULL and the door is open, as events_has_paid_access says.)
    IF NOT p_force AND v_session.session_type = 'atelier' AND v_session.is_paid
       AND NOT events_has_paid_access(v_participant.id, v_session.id) THEN
      v_reason := 'payment_required';
      EXIT decide;
    END IF;
    -- 8.
    IF v_participant.current_room_id = v_room.id THEN
      v_status := 'granted';
      v_reason := 'already_in_room';
      EXIT decide;
    END IF;
    -- The two rooms of a move are locked in id order: a badge entering A from B and another
    -- entering B from A would otherwise each hold one room and wait for the other. The UPDATEs
    -- below lock the room entered, then the room left; when the room left comes first, it is
    -- locked before them.
    IF v_participant.current_room_id < v_room.id THEN
      PERFORM 1 FROM event_rooms WHERE id = v_participant.current_room_id FOR NO KEY UPDATE;
    END IF;
    -- 9. One conditional UPDATE: parallel scans can never pass the capacity (forced ones neither).
    UPDATE event_rooms SET current_occupancy = current_occupancy + 1
     WHERE id = v_room.id AND current_occupancy < capacity
    RETURNING * INTO v_entered;
    IF v_entered.id IS NULL THEN
      SELECT * INTO v_room FROM event_rooms WHERE id = v_room.id; -- the count that made it full
      v_reason := 'room_full';
      EXIT decide;
    END IF;
    v_room := v_entered;
    -- 10. Granted: the room the badge came from loses one.
    IF v_participant.current_room_id IS NOT NULL THEN
      UPDATE event_rooms SET current_occupancy = greatest(current_occupancy - 1, 0)
       WHERE id = v_participant.current_room_id
      RETURNING * INTO v_left;
    END IF;
    UPDATE event_participants SET current_room_id = v_room.id
     WHERE id = v_participant.id
    RETURNING * INTO v_participant;
    v_status := 'granted';
    v_reason := NULL;
  END decide;

  -- Every decision is recorded (a retry was recorded the first time).
  IF NOT v_replayed THEN
    INSERT INTO room_accesses
      (org_id, id, event_id, room_id, session_id, participant_id, status, reason, verified_by,
       direction, nonce, forced, override_reason)
    VALUES
      (p_org_id, p_scan_id, p_event_id, v_room.id, v_session.id, v_participant.id, v_status, v_reason,
       p_user_id, v_direction, p_nonce, p_force, CASE WHEN p_force THEN p_override_reason END)
    RETURNING * INTO v_scan;
  END IF;

  RETURN json_build_object(
    'status', v_status,
    'reason', v_reason,
    'replayed', v_replayed,
    'scan', to_json(v_scan),
    'participant', CASE WHEN v_participant.id IS NULL THEN NULL ELSE to_json(v_participant) END,
    'room', CASE WHEN v_room.id IS NULL THEN NULL ELSE to_json(v_room) END,
    'session', CASE WHEN v_session.id IS NULL THEN NULL ELSE to_json(v_session) END,
    -- numeric as text: JSON numbers would turn "25.00" into 25.
    'session_price', v_session.price::text,
    'session_status',
      events_session_status(v_session.status_override, v_session.start_time, v_session.end_time),
    'left', CASE WHEN v_left.id IS NULL THEN NULL ELSE to_json(v_left) END,
    -- Who hears about it live (live.ts doorAudienceOf publishes to them): the door audience of the
    -- rooms concerned. A retry is not announced again.
    'audience',
      CASE WHEN v_replayed THEN ARRAY[]::bigint[] ELSE
        ARRAY(SELECT a FROM events_door_audience(p_event_id, ARRAY[v_room.id, v_left.id]) a)
      END
  );
END;
$$;

-- Scans decided offline by a controller's device, uploaded when it is back online, applied in the
-- order the device took them (docs/events.md § Offline scanning). Each is recorded with the
-- device's time (device_scanned_at) beside the time it arrived (scanned_at) and with the decision
-- the device made: an entry that happened is never refused afterwards. The server applies what it
-- can to the badges' locations and flags, in `conflict`, what it would have decided otherwise, for
-- the room's manager:
-- * entered_twice: a granted entry of a badge already recorded inside this room (not counted again);
-- * capacity_exceeded: a granted entry into a full room (recorded, not counted: occupancy never
--   passes capacity and always equals the badges recorded inside);
-- * controller_not_assigned: the device's controller held no slot of that room at the device time;
-- * invalid_badge, unknown_badge: the device let in a badge the server finds forged or unknown;
-- * not_checked_in, payment_required: the device let in a badge the rules say to keep out.
-- A scan the device could not decide (status 'undecided': a badge id typed by hand that its kit
-- does not list) is decided here by the door's rules at the device's time, with no conflict.
-- A move older than the badge's latest recorded move (a later scan reached the server first) is
-- recorded without moving the badge ('later_scan_known'). A nonce already recorded for this
-- controller keeps its first record (the upload was retried). The caller verifies each QR
-- signature (p_scans' badge_denial and participant_id) and evaluates the event policy (p_access).
-- A row updated again and again in one transaction leaves a version behind each time, which every
-- later read walks through: the badges' locations and the rooms' counts are followed in memory
-- during the loop and written once at the end (the counts recomputed from the badges inside).
-- Locks: the upload's badges in id order, then the rooms concerned in id order, as the door scan
-- takes them (badge, then rooms by id), so the two never deadlock.
CREATE OR REPLACE FUNCTION events_upload_scans(
  p_org_id uuid,
  p_event_id uuid,
  p_user_id bigint,
  p_access text,
  p_scans json
) RETURNS json
LANGUAGE plpgsql
VOLATILE
AS $$
DECLARE
  v_item record;
  v_room_id uuid;
  v_participant_id uuid;
  v_session event_sessions;
  v_status text;
  v_reason text;
  v_conflict text;
  v_undecided boolean;
  v_move boolean;
  v_moved boolean;
  v_from text;
  v_here text;
  v_rooms uuid[];
  v_where jsonb;      -- badge id → the room it is in (JSON null: none), as the loop moves it
  v_start jsonb;      -- the same before the loop: the badges to write back are those that differ
  v_count jsonb;      -- room id → badges inside, as the loop moves them
  v_capacity jsonb;   -- room id → capacity
  v_mode jsonb;       -- room id → door mode
  v_last_move jsonb;  -- badge id → when it last moved, by the records there before the upload
  v_checked_in jsonb; -- badge id → checked in at the entrance
  v_held jsonb;       -- room id → when the controller holds it (a tstzmultirange as text)
  v_known jsonb;      -- nonces of the upload already recorded (a retried upload)
  v_refused json;     -- the answer when the caller's scope refuses
BEGIN
  v_refused := events_scope_refusal(p_access);
  IF v_refused IS NOT NULL THEN RETURN v_refused; END IF;

  -- Each scan runs few statements (each costs an executor start-up): what every scan of the upload
  -- needs is read once here.
  SELECT coalesce(jsonb_object_agg(p.id, p.current_room_id), '{}'::jsonb),
         coalesce(jsonb_object_agg(p.id, p.is_checked_in), '{}'::jsonb)
    INTO v_where, v_checked_in
    FROM (SELECT p.id, p.current_room_id, p.is_checked_in
            FROM event_participants p
           WHERE p.org_id = p_org_id AND p.event_id = p_event_id AND p.is_active
             AND p.id IN (SELECT x.participant_id FROM json_to_recordset(p_scans) AS x(participant_id uuid))
           ORDER BY p.id
             FOR NO KEY UPDATE) p;
  v_start := v_where;
  SELECT coalesce(jsonb_object_agg(r.id, r.current_occupancy), '{}'::jsonb),
         coalesce(jsonb_object_agg(r.id, r.capacity), '{}'::jsonb),
         coalesce(jsonb_object_agg(r.id, r.door_mode), '{}'::jsonb)
    INTO v_count, v_capacity, v_mode
    FROM (SELECT r.id, r.current_occupancy, r.capacity, r.door_mode
            FROM event_rooms r
           WHERE r.org_id = p_org_id AND r.event_id = p_event_id
             AND (r.id IN (SELECT x.room_id FROM json_to_recordset(p_scans) AS x(room_id uuid))
                  OR r.id::text IN (SELECT jsonb_each_text.value FROM jsonb_each_text(v_where)))
           ORDER BY r.id
             FOR NO KEY UPDATE) r;
  -- The upload's own moves come in time order: none is later than the scan being applied.
  SELECT coalesce(jsonb_object_agg(last.participant_id, last.at), '{}'::jsonb) INTO v_last_move
    FROM (SELECT r.participant_id, max(coalesce(r.device_scanned_at, r.scanned_at)) AS at
            FROM room_accesses r
           WHERE r.org_id = p_org_id AND r.event_id = p_event_id
             AND r.participant_id::text IN (SELECT jsonb_object_keys(v_where))
             AND r.status = 'granted' AND (r.reason IS NULL OR r.reason = 'room_emptied')
           GROUP BY r.participant_id) last;

  SELECT coalesce(jsonb_object_agg(h.room_id, h.held), '{}'::jsonb) INTO v_held
    FROM (SELECT a.room_id, range_agg(tstzrange(a.starts_at, a.ends_at))::text AS held
            FROM room_assignments a
           WHERE a.org_id = p_org_id AND a.event_id = p_event_id AND a.user_id = p_user_id
             AND a.role = 'controlleur_des_badges' AND a.is_active
           GROUP BY a.room_id) h;
  SELECT coalesce(jsonb_object_agg(r.nonce, true), '{}'::jsonb) INTO v_known
    FROM room_accesses r
   WHERE r.org_id = p_org_id AND r.event_id = p_event_id AND r.verified_by = p_user_id
     AND r.nonce IN (SELECT x.nonce FROM json_to_recordset(p_scans) AS x(nonce text));

  FOR v_item IN
    SELECT x.*
      FROM json_to_recordset(p_scans) AS x(
             scan_id uuid, nonce text, participant_id uuid, badge_denial text, direction text,
             room_id uuid, device_scanned_at timestamptz, status text, reason text, ord bigint)
     ORDER BY x.device_scanned_at, x.ord
  LOOP
    IF v_known ? v_item.nonce THEN
      CONTINUE;
    END IF;
    v_undecided := v_item.status = 'undecided';
    v_status := CASE WHEN v_undecided THEN 'granted' ELSE v_item.status END;
    v_reason := v_item.reason;
    v_conflict := NULL;
    v_move := v_status = 'granted';
    v_moved := false;
    v_participant_id := NULL;
    v_session := NULL;
    v_room_id := CASE WHEN v_capacity ? v_item.room_id::text THEN v_item.room_id END;
    -- The controller held this room when the device took the scan.
    IF v_room_id IS NULL
       OR NOT coalesce((v_held ->> v_room_id::text)::tstzmultirange @> v_item.device_scanned_at, false) THEN
      IF v_undecided THEN
        v_status := 'denied';
        v_reason := 'controller_not_assigned';
      ELSE
        v_conflict := 'controller_not_assigned';
      END IF;
      v_move := false;
    END IF;
    IF v_item.badge_denial IS NOT NULL THEN
      IF v_status = 'granted' AND NOT v_undecided THEN
        v_conflict := coalesce(v_conflict, 'invalid_badge');
      END IF;
      v_status := 'denied';
      v_reason := v_item.badge_denial;
      v_move := false;
    ELSIF NOT v_where ? v_item.participant_id::text THEN
      IF v_status = 'granted' AND NOT v_undecided THEN
        v_conflict := coalesce(v_conflict, 'unknown_badge');
      END IF;
      v_status := 'denied';
      v_reason := 'unknown_badge';
      v_move := false;
    ELSE
      v_participant_id := v_item.participant_id;
    END IF;
    IF v_room_id IS NOT NULL THEN
      SELECT s.* INTO v_session FROM event_sessions s
       WHERE s.org_id = p_org_id AND s.room_id = v_room_id
         AND s.start_time <= v_item.device_scanned_at AND s.end_time > v_item.device_scanned_at
       ORDER BY s.start_time LIMIT 1;
    END IF;
    -- The door mode that refuses this direction: exit-only for an entry, entry-only for an exit.
    IF v_undecided AND v_move
       AND (v_mode ->> v_room_id::text) = (ARRAY['exit', 'entry'])[(v_item.direction = 'out')::int + 1] THEN
      v_status := 'denied';
      v_reason := 'wrong_direction';
      v_move := false;
    END IF;
    -- What the server would have refused: told to the room's manager (the entry stands), or, for
    -- an undecided scan, the refusal.
    IF v_move AND v_item.direction = 'in' AND v_reason IS NULL THEN
      IF NOT (v_checked_in -> v_participant_id::text)::boolean THEN
        v_conflict := 'not_checked_in';
      ELSIF v_session.session_type = 'atelier' AND v_session.is_paid
            AND NOT events_has_paid_access(v_participant_id, v_session.id) THEN
        v_conflict := 'payment_required';
      END IF;
      IF v_undecided AND v_conflict IS NOT NULL THEN
        v_status := 'denied';
        v_reason := v_conflict;
        v_conflict := NULL;
        v_move := false;
      END IF;
    END IF;
    -- A move older than the badge's latest recorded one would put it back where it no longer is.
    IF v_move AND v_reason IS NULL
       AND (v_last_move ->> v_participant_id::text)::timestamptz > v_item.device_scanned_at THEN
      v_reason := 'later_scan_known';
      v_move := false;
    END IF;
    IF v_move AND v_reason IS NULL THEN
      v_from := v_where ->> v_participant_id::text;
      v_here := v_room_id::text;
      IF v_item.direction = 'out' THEN
        IF v_from IS DISTINCT FROM v_here THEN
          v_reason := 'not_inside';
        ELSE
          v_count := jsonb_set(v_count, ARRAY[v_here], to_jsonb((v_count ->> v_here)::int - 1));
          v_where := jsonb_set(v_where, ARRAY[v_participant_id::text], 'null'::jsonb);
          v_moved := true;
        END IF;
      ELSIF v_from = v_here THEN
        v_reason := 'already_in_room';
        IF NOT v_undecided THEN v_conflict := coalesce(v_conflict, 'entered_twice'); END IF;
      ELSIF (v_count ->> v_here)::int >= (v_capacity ->> v_here)::int THEN
        v_reason := 'room_full';
        IF v_undecided THEN
          v_status := 'denied';
        ELSE
          v_conflict := coalesce(v_conflict, 'capacity_exceeded');
        END IF;
      ELSE
        v_count := jsonb_set(v_count, ARRAY[v_here], to_jsonb((v_count ->> v_here)::int + 1));
        IF v_from IS NOT NULL THEN
          v_count := jsonb_set(v_count, ARRAY[v_from], to_jsonb((v_count ->> v_from)::int - 1));
        END IF;
        v_where := jsonb_set(v_where, ARRAY[v_participant_id::text], to_jsonb(v_here));
        v_moved := true;
      END IF;
    END IF;
    -- A granted scan that moved nothing says why (the statistics count moves by a null reason).
    IF v_status = 'granted' AND NOT v_moved AND v_reason IS NULL THEN
      v_reason := v_conflict;
    END IF;
    INSERT INTO room_accesses
      (org_id, id, event_id, room_id, session_id, participant_id, status, reason, verified_by,
       direction, nonce, device_scanned_at, conflict)
    VALUES
      (p_org_id, v_item.scan_id, p_event_id, v_room_id, v_session.id, v_participant_id, v_status, v_reason,
       p_user_id, v_item.direction, v_item.nonce, v_item.device_scanned_at, v_conflict);
  END LOOP;

  -- The badges that moved, written once; then the counts of the rooms concerned, recomputed.
  UPDATE event_participants p SET current_room_id = (moved.value #>> '{}')::uuid
    FROM jsonb_each(v_where) moved
   WHERE p.org_id = p_org_id AND p.id = moved.key::uuid AND moved.value IS DISTINCT FROM v_start -> moved.key;
  SELECT ARRAY(SELECT key::uuid FROM jsonb_each(v_count) c
                WHERE c.value IS DISTINCT FROM (SELECT to_jsonb(r.current_occupancy) FROM event_rooms r
                                                 WHERE r.org_id = p_org_id AND r.id = c.key::uuid))
    INTO v_rooms;
  UPDATE event_rooms r
     SET current_occupancy = (SELECT count(*) FROM event_participants p
                               WHERE p.org_id = p_org_id AND p.current_room_id = r.id)
   WHERE r.org_id = p_org_id AND r.id = ANY (v_rooms);

  RETURN json_build_object(
    -- Each nonce's record: the one made now (its id is the one given), or the one found (a retry).
    'results', (SELECT coalesce(json_agg(json_build_object('nonce', x.nonce, 'replayed', r.id <> x.scan_id,
                                                           'scan', to_json(r))), '[]'::json)
                  FROM json_to_recordset(p_scans) AS x(nonce text, scan_id uuid)
                  JOIN room_accesses r
                    ON r.org_id = p_org_id AND r.event_id = p_event_id AND r.verified_by = p_user_id
                   AND r.nonce = x.nonce),
    -- The rooms whose count moved, as they are now, and who hears about them (live.ts).
    'rooms', (SELECT coalesce(json_agg(r), '[]'::json) FROM event_rooms r
               WHERE r.org_id = p_org_id AND r.id = ANY (v_rooms)),
    'audience', ARRAY(SELECT a FROM events_door_audience(p_event_id, v_rooms) a)
  );
END;
$$;
