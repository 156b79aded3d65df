-- History: what this migration applied. The current definition of each function it creates is in
-- src/modules/events/functions.sql, which migrate() applies after the migrations.
-- A door scan decided, applied and recorded in one round trip (docs/events.md § Scan decision table).
-- The caller verifies the QR signature (no database read) and evaluates eventPolicy in the same
-- statement; this function does everything that needs rows. It runs as the caller (SECURITY
-- INVOKER), so row-level security applies to every statement in it, and each statement takes a
-- fresh snapshot (READ COMMITTED), exactly as separate statements from the client would.
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
    -- 1. The room the controller holds now (currentRoom in service.ts).
    SELECT r.* INTO v_room
      FROM room_assignments a
      JOIN event_rooms r ON r.org_id = a.org_id AND r.id = a.room_id
     WHERE a.event_id = p_event_id AND a.user_id = p_user_id AND a.role = 'controlleur_des_badges'
       AND r.is_active AND a.is_active
       AND (a.starts_at IS NULL OR a.starts_at <= now()) AND (a.ends_at IS NULL OR a.ends_at > now())
     LIMIT 1;
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
    -- The session running in the room now: the manager's "en_cours", else the one the clock is in.
    SELECT * INTO v_session
      FROM event_sessions s
     WHERE s.room_id = v_room.id
       AND (s.status_override = 'en_cours' OR (s.status_override IS NULL AND s.start_time <= now() AND s.end_time > now()))
     ORDER BY s.start_time
     LIMIT 1;
    -- 5.
    IF NOT v_participant.is_checked_in THEN
      v_reason := 'not_checked_in';
      EXIT decide;
    END IF;
    -- 6.
    IF v_session.session_type = 'atelier' AND v_session.is_paid AND NOT EXISTS (
      SELECT 1 FROM session_accesses sa
       WHERE sa.participant_id = v_participant.id AND sa.session_id = v_session.id AND sa.payment_status IN ('paid', 'free')
    ) THEN
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

  -- Who hears about it live (live.ts doorAudienceOf publishes to them): the event's managers and
  -- the controllers holding the rooms concerned now.
  v_audience := ARRAY(
    SELECT created_by FROM events WHERE id = p_event_id
    UNION SELECT president_id FROM events WHERE id = p_event_id
    UNION SELECT user_id FROM room_assignments
     WHERE event_id = p_event_id AND room_id IN (v_room.id, v_left.id) AND role = 'controlleur_des_badges'
       AND is_active AND starts_at <= now() AND ends_at > now()
  );

  RETURN jsonb_build_object(
    'status', v_status,
    'reason', v_reason,
    'scan', to_jsonb(v_scan),
    'participant', CASE WHEN v_participant.id IS NULL THEN NULL ELSE to_jsonb(v_participant) END,
    'room', CASE WHEN v_room.id IS NULL THEN NULL ELSE to_jsonb(v_room) END,
    -- numeric as text: JSON numbers would turn "25.00" into 25.
    'session', CASE WHEN v_session.id IS NULL THEN NULL ELSE to_jsonb(v_session) || jsonb_build_object('price', v_session.price::text) END,
    'left', CASE WHEN v_left.id IS NULL THEN NULL ELSE to_jsonb(v_left) END,
    'audience', to_jsonb(v_audience)
  );
END;
$$;
