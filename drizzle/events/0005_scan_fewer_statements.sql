-- History: what this migration applied. The current definition of each function it creates is in
-- src/modules/events/functions.sql, which migrate() applies after the migrations.
-- The door scan does less per call (the badge-scan benchmark, docs/performance.md): every statement
-- a plpgsql function runs pays for an executor start-up, about as much as the work it does here.
-- * the room the controller holds now and the session running in it: one statement instead of two
--   (the room found by primary key once the slot is known, not joined to every room of the org);
-- * the paid-atelier rule is asked only about paid ateliers (conferences and free ateliers are open
--   to every participant, events_has_paid_access answers true for them without being asked);
-- * of the two rooms of a move, only the room left is locked ahead, and only when it comes first in
--   id order (the UPDATEs lock the room entered, then the room left);
-- * who hears about the scan: one expression instead of a nested function with a UNION (the server
--   drops duplicates, live.ts doorAudienceOf);
-- * the answer is json, not jsonb: built as text, without sorting keys only to print them again.
--   The session's price (numeric, as text) and status come as their own keys.
-- Same decisions, same rows written, same locks in the same order as the scan it replaces.

DROP FUNCTION events_scan_badge(uuid, uuid, bigint, uuid, uuid, text, text);
--> statement-breakpoint

CREATE FUNCTION events_scan_badge(
  p_org_id uuid,
  p_event_id uuid,
  p_user_id bigint,
  p_scan_id uuid,
  p_participant_id uuid,
  p_badge_denial text,
  p_access text
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
BEGIN
  -- Outside the caller's scope: nothing is recorded (404 / 403, like eventPolicy.authorize).
  IF p_access IS NULL OR p_access = 'not_found' THEN
    RETURN json_build_object('refused', 'not_found');
  END IF;
  IF p_access <> 'allowed' THEN
    RETURN json_build_object('refused', 'forbidden');
  END IF;

  <<decide>>
  BEGIN
    -- 1. The room the controller holds now, and the session in it now (recorded once the badge is known).
    SELECT r AS room, s AS session INTO v_here
      FROM event_rooms r
      LEFT JOIN LATERAL events_session_now(r.id) s ON true
     WHERE r.org_id = p_org_id
       AND r.id = (SELECT a.room_id FROM events_room_held_now(p_event_id, p_user_id, 'controlleur_des_badges') a);
    v_room := v_here.room;
    v_session_now := v_here.session;
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
    -- 5.
    IF NOT v_participant.is_checked_in THEN
      v_reason := 'not_checked_in';
      EXIT decide;
    END IF;
    -- 6. (With no session now, session_type is NULL and the door is open, as events_has_paid_access says.)
    IF v_session.session_type = 'atelier' AND v_session.is_paid AND NOT events_has_paid_access(v_participant.id, v_session.id) THEN
      v_reason := 'payment_required';
      EXIT decide;
    END IF;
    -- 7.
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

  RETURN json_build_object(
    'status', v_status,
    'reason', v_reason,
    'scan', to_json(v_scan),
    'participant', CASE WHEN v_participant.id IS NULL THEN NULL ELSE to_json(v_participant) END,
    'room', CASE WHEN v_room.id IS NULL THEN NULL ELSE to_json(v_room) END,
    'session', CASE WHEN v_session.id IS NULL THEN NULL ELSE to_json(v_session) END,
    -- numeric as text: JSON numbers would turn "25.00" into 25.
    'session_price', v_session.price::text,
    'session_status', events_session_status(v_session.status_override, v_session.start_time, v_session.end_time),
    'left', CASE WHEN v_left.id IS NULL THEN NULL ELSE to_json(v_left) END,
    -- Who hears about it live (live.ts doorAudienceOf publishes to them): the controllers of the
    -- rooms concerned and the event's managers.
    'audience', ARRAY(SELECT s FROM events_room_staff_now(p_event_id, ARRAY[v_room.id, v_left.id], 'controlleur_des_badges') s)
             || ARRAY(SELECT m FROM events_managers(p_event_id) m)
  );
END;
$$;
--> statement-breakpoint

-- events_door_audience served the scan only.
DROP FUNCTION events_door_audience(uuid, uuid[]);
