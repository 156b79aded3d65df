-- History: what this migration applied. The current definition of each function it creates is in
-- src/modules/events/functions.sql, which migrate() applies after the migrations.
-- Door scans in parallel (the badge-scan benchmark found both):
-- * two scans moving badges in opposite directions between the same two rooms deadlocked (each
--   held one room's row and waited for the other's until Postgres's deadlock timeout, 1 s, broke
--   one with an error): events_scan_badge now locks both rooms in id order first (and answers
--   with the room row its update returned instead of reading it again);
-- * the two rules the scan evaluates as expressions were LANGUAGE sql functions with subqueries,
--   which Postgres cannot inline and so planned again at every call (about half of the scan's
--   database time): they become plpgsql, whose plans are cached per connection. Same contracts,
--   same answers; the inlinable set-returning door rules are unchanged.

CREATE OR REPLACE FUNCTION events_has_paid_access(p_participant_id uuid, p_session_id uuid)
RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY INVOKER
AS $$
BEGIN
  RETURN NOT EXISTS (SELECT 1 FROM event_sessions s WHERE s.id = p_session_id AND s.session_type = 'atelier' AND s.is_paid)
      OR EXISTS (
        SELECT 1 FROM session_accesses sa
         WHERE sa.participant_id = p_participant_id AND sa.session_id = p_session_id AND sa.payment_status IN ('paid', 'free'));
END
$$;
--> statement-breakpoint

CREATE OR REPLACE FUNCTION events_door_audience(p_event_id uuid, p_room_ids uuid[])
RETURNS bigint[]
LANGUAGE plpgsql STABLE SECURITY INVOKER
AS $$
BEGIN
  RETURN ARRAY(
    SELECT m FROM events_managers(p_event_id) m
    UNION SELECT s FROM events_room_staff_now(p_event_id, p_room_ids, 'controlleur_des_badges') s);
END
$$;
--> statement-breakpoint

-- A door scan decided, applied and recorded in one statement (docs/events.md § Scan decision table).
-- The caller's event policy now arrives as one answer (eventPolicy.access: 'not_found',
-- 'forbidden' or 'allowed'), evaluated once instead of as two overlapping booleans.
DROP FUNCTION events_scan_badge(uuid, uuid, bigint, uuid, uuid, text, boolean, boolean);
--> statement-breakpoint

CREATE FUNCTION events_scan_badge(
  p_org_id uuid,
  p_event_id uuid,
  p_user_id bigint,
  p_scan_id uuid,
  p_participant_id uuid,
  p_badge_denial text,
  p_access text
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
  v_entered event_rooms;
  v_audience bigint[];
BEGIN
  -- Outside the caller's scope: nothing is recorded (404 / 403, like eventPolicy.authorize).
  IF p_access IS NULL OR p_access = 'not_found' THEN
    RETURN jsonb_build_object('refused', 'not_found');
  END IF;
  IF p_access <> 'allowed' THEN
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
    -- 4. The badge, locked: one badge at two doors is decided one after the other. NO KEY UPDATE:
    -- the scan row's foreign key to the badge (FOR KEY SHARE) must not wait on it.
    SELECT * INTO v_participant
      FROM event_participants
     WHERE id = p_participant_id AND event_id = p_event_id AND is_active
       FOR NO KEY UPDATE;
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
    -- The rooms this scan may move the badge between, locked in id order: a badge entering A from B
    -- and another entering B from A would otherwise each hold one room and wait for the other.
    PERFORM 1 FROM event_rooms WHERE id IN (v_room.id, v_participant.current_room_id) ORDER BY id FOR NO KEY UPDATE;
    -- 8. One conditional UPDATE: parallel scans can never pass the capacity.
    UPDATE event_rooms SET current_occupancy = current_occupancy + 1
     WHERE id = v_room.id AND current_occupancy < capacity
    RETURNING * INTO v_entered;
    IF v_entered.id IS NULL THEN
      SELECT * INTO v_room FROM event_rooms WHERE id = v_room.id; -- the count that made it full
      v_reason := 'room_full';
      EXIT decide;
    END IF;
    v_room := v_entered;
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
