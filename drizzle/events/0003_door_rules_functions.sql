-- History: what this migration applied. The current definition of each function it creates is in
-- src/modules/events/functions.sql, which migrate() applies after the migrations.
-- The door rules, each defined once. events_scan_badge (redefined below) and the JS services
-- (service.ts currentRoom and the session views, policy.ts inRoomNow, participants.ts
-- hasPaidAccess, live.ts audiences) all call these functions instead of restating them.
-- All run as the caller (SECURITY INVOKER), so row-level security still applies; the small
-- LANGUAGE sql ones are STABLE and simple enough for the planner to inline them into the
-- statements that use them (no per-row function call in list filters).

-- A room slot counts now: active, started (inclusive), not yet ended (exclusive); an open start or
-- end is unbounded. Exactly assignmentInForce (src/core/access/assignment.ts) at now(); the events
-- tests hold the two to the same answers on the boundaries.
CREATE FUNCTION events_slot_in_force(p_is_active boolean, p_starts_at timestamptz, p_ends_at timestamptz)
RETURNS boolean
LANGUAGE sql STABLE SECURITY INVOKER
AS $$
  SELECT p_is_active = true AND (p_starts_at IS NULL OR p_starts_at <= now()) AND (p_ends_at IS NULL OR p_ends_at > now())
$$;
--> statement-breakpoint

-- The slot by which a user holds a room of the event now, as p_role (NULL: any role), in an active
-- room. A user holds one room at a time (assignRoom refuses overlapping slots), so at most one row.
CREATE FUNCTION events_room_held_now(p_event_id uuid, p_user_id bigint, p_role text)
RETURNS SETOF room_assignments
LANGUAGE sql STABLE SECURITY INVOKER
AS $$
  SELECT a.*
    FROM room_assignments a
   WHERE a.event_id = p_event_id AND a.user_id = p_user_id AND (p_role IS NULL OR a.role = p_role)
     AND events_slot_in_force(a.is_active, a.starts_at, a.ends_at)
     AND EXISTS (SELECT 1 FROM event_rooms r WHERE r.org_id = a.org_id AND r.id = a.room_id AND r.is_active)
   LIMIT 1
$$;
--> statement-breakpoint

-- The users holding one of these rooms of the event now as p_role.
CREATE FUNCTION events_room_staff_now(p_event_id uuid, p_room_ids uuid[], p_role text)
RETURNS SETOF bigint
LANGUAGE sql STABLE SECURITY INVOKER
AS $$
  SELECT a.user_id
    FROM room_assignments a
   WHERE a.event_id = p_event_id AND a.room_id = ANY (p_room_ids) AND a.role = p_role
     AND events_slot_in_force(a.is_active, a.starts_at, a.ends_at)
$$;
--> statement-breakpoint

-- The event's managers who are named on the event row: its creator and its president (org
-- owners/admins are reached by org role, see live.ts).
CREATE FUNCTION events_managers(p_event_id uuid)
RETURNS SETOF bigint
LANGUAGE sql STABLE SECURITY INVOKER
AS $$
  SELECT created_by FROM events WHERE id = p_event_id
  UNION SELECT president_id FROM events WHERE id = p_event_id
$$;
--> statement-breakpoint

-- The status a session shows: the manager's override, otherwise what the clock says.
CREATE FUNCTION events_session_status(p_status_override text, p_start_time timestamptz, p_end_time timestamptz)
RETURNS text
LANGUAGE sql STABLE SECURITY INVOKER
AS $$
  SELECT coalesce(p_status_override, CASE WHEN now() < p_start_time THEN 'pas_encore' WHEN now() < p_end_time THEN 'en_cours' ELSE 'termine' END)
$$;
--> statement-breakpoint

-- The session running in a room now: one showing "en_cours" (the manager's, else the clock's),
-- the earliest if several do.
CREATE FUNCTION events_session_now(p_room_id uuid)
RETURNS SETOF event_sessions
LANGUAGE sql STABLE SECURITY INVOKER
AS $$
  SELECT s.*
    FROM event_sessions s
   WHERE s.room_id = p_room_id AND events_session_status(s.status_override, s.start_time, s.end_time) = 'en_cours'
   ORDER BY s.start_time
   LIMIT 1
$$;
--> statement-breakpoint

-- May this participant attend this session as far as payment goes: conferences, free ateliers and
-- "no session" need nothing; a paid atelier needs a SessionAccess marked paid or free.
CREATE FUNCTION events_has_paid_access(p_participant_id uuid, p_session_id uuid)
RETURNS boolean
LANGUAGE sql STABLE SECURITY INVOKER
AS $$
  SELECT NOT EXISTS (SELECT 1 FROM event_sessions s WHERE s.id = p_session_id AND s.session_type = 'atelier' AND s.is_paid)
      OR EXISTS (
        SELECT 1 FROM session_accesses sa
         WHERE sa.participant_id = p_participant_id AND sa.session_id = p_session_id AND sa.payment_status IN ('paid', 'free'))
$$;
--> statement-breakpoint

-- Who hears about door activity live: the event's managers and the controllers holding the rooms
-- concerned now — the people roomAccessPolicy lets read those scans.
CREATE FUNCTION events_door_audience(p_event_id uuid, p_room_ids uuid[])
RETURNS bigint[]
LANGUAGE sql STABLE SECURITY INVOKER
AS $$
  SELECT ARRAY(
    SELECT events_managers(p_event_id)
    UNION SELECT events_room_staff_now(p_event_id, p_room_ids, 'controlleur_des_badges'))
$$;
--> statement-breakpoint

-- A door scan decided, applied and recorded in one round trip (docs/events.md § Scan decision
-- table); as before, but every rule above comes from its one definition.
CREATE OR REPLACE FUNCTION events_scan_badge(
  p_org_id uuid,
  p_event_id uuid,
  p_user_id bigint,
  p_scan_id uuid,
  p_participant_id uuid,
  p_badge_denial text,
  p_may_see boolean,
  p_may_scan boolean
) RETURNS jsonb
LANGUAGE plpgsql
VOLATILE
AS $$
DECLARE
  v_room event_rooms;
  v_participant event_participants;
  v_session event_sessions;
  v_left event_rooms;
  v_scan room_accesses;
  v_status text := 'denied';
  v_reason text;
  v_entered uuid;
  v_audience bigint[];
BEGIN
  -- Outside the caller's scope: nothing is recorded (404 / 403, like eventPolicy.authorize).
  IF p_may_see IS NOT TRUE THEN
    RETURN jsonb_build_object('refused', 'not_found');
  END IF;
  IF p_may_scan IS NOT TRUE THEN
    RETURN jsonb_build_object('refused', 'forbidden');
  END IF;

  <<decide>>
  BEGIN
    -- 1. The room the controller holds now.
    SELECT r.* INTO v_room
      FROM events_room_held_now(p_event_id, p_user_id, 'controlleur_des_badges') a
      JOIN event_rooms r ON r.org_id = a.org_id AND r.id = a.room_id;
    IF v_room.id IS NULL THEN
      v_reason := 'controller_not_assigned';
      EXIT decide;
    END IF;
    -- 2, 3. Decided by the caller from the QR signature and claims.
    IF p_badge_denial IS NOT NULL THEN
      v_reason := p_badge_denial;
      EXIT decide;
    END IF;
    -- 4. The badge, locked: one badge at two doors is decided one after the other.
    SELECT * INTO v_participant
      FROM event_participants
     WHERE id = p_participant_id AND event_id = p_event_id AND is_active
       FOR UPDATE;
    IF v_participant.id IS NULL THEN
      v_reason := 'unknown_badge';
      EXIT decide;
    END IF;
    SELECT * INTO v_session FROM events_session_now(v_room.id);
    -- 5.
    IF NOT v_participant.is_checked_in THEN
      v_reason := 'not_checked_in';
      EXIT decide;
    END IF;
    -- 6.
    IF NOT events_has_paid_access(v_participant.id, v_session.id) THEN
      v_reason := 'payment_required';
      EXIT decide;
    END IF;
    -- 7.
    IF v_participant.current_room_id = v_room.id THEN
      v_status := 'granted';
      v_reason := 'already_in_room';
      EXIT decide;
    END IF;
    -- 8. One conditional UPDATE: parallel scans can never pass the capacity.
    UPDATE event_rooms SET current_occupancy = current_occupancy + 1
     WHERE id = v_room.id AND current_occupancy < capacity
    RETURNING id INTO v_entered;
    IF v_entered IS NULL THEN
      v_reason := 'room_full';
      EXIT decide;
    END IF;
    -- 9. Granted: the room the badge came from loses one.
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

  -- Every decision is recorded.
  INSERT INTO room_accesses (org_id, id, event_id, room_id, session_id, participant_id, status, reason, verified_by)
  VALUES (p_org_id, p_scan_id, p_event_id, v_room.id, v_session.id, v_participant.id, v_status, v_reason, p_user_id)
  RETURNING * INTO v_scan;
  IF v_room.id IS NOT NULL THEN
    SELECT * INTO v_room FROM event_rooms WHERE id = v_room.id;
  END IF;

  -- Who hears about it live (live.ts doorAudienceOf publishes to them).
  v_audience := events_door_audience(p_event_id, ARRAY[v_room.id, v_left.id]);

  RETURN jsonb_build_object(
    'status', v_status,
    'reason', v_reason,
    'scan', to_jsonb(v_scan),
    'participant', CASE WHEN v_participant.id IS NULL THEN NULL ELSE to_jsonb(v_participant) END,
    'room', CASE WHEN v_room.id IS NULL THEN NULL ELSE to_jsonb(v_room) END,
    -- numeric as text: JSON numbers would turn "25.00" into 25.
    'session', CASE WHEN v_session.id IS NULL THEN NULL ELSE to_jsonb(v_session) || jsonb_build_object(
      'price', v_session.price::text,
      'status', events_session_status(v_session.status_override, v_session.start_time, v_session.end_time)) END,
    'left', CASE WHEN v_left.id IS NULL THEN NULL ELSE to_jsonb(v_left) END,
    'audience', to_jsonb(v_audience)
  );
END;
$$;
