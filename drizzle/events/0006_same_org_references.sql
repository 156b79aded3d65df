-- Every reference between tenant rows is keyed by org_id on both sides and named
-- <table>_<column>_same_org_fk, so a refusal names the request field. Drizzle would drop and
-- re-add each renamed key (re-checking every row); renaming is enough, as the keys are unchanged.
ALTER TABLE "event_annonces"
  RENAME CONSTRAINT "event_annonces_org_id_event_id_events_org_id_id_fk"
  TO "event_annonces_event_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "event_assignments"
  RENAME CONSTRAINT "event_assignments_org_id_event_id_events_org_id_id_fk"
  TO "event_assignments_event_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "exposant_scans"
  RENAME CONSTRAINT "exposant_scans_org_id_event_id_events_org_id_id_fk"
  TO "exposant_scans_event_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "exposant_scans"
  RENAME CONSTRAINT "exposant_scans_org_id_exposant_id_event_participants_org_id_id_fk"
  TO "exposant_scans_exposant_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "exposant_scans"
  RENAME CONSTRAINT "exposant_scans_org_id_scanned_participant_id_event_participants_org_id_id_fk"
  TO "exposant_scans_scanned_participant_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "event_participants"
  RENAME CONSTRAINT "event_participants_org_id_event_id_events_org_id_id_fk"
  TO "event_participants_event_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "event_participants"
  RENAME CONSTRAINT "event_participants_org_id_current_room_id_event_rooms_org_id_id_fk"
  TO "event_participants_current_room_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "room_accesses"
  RENAME CONSTRAINT "room_accesses_org_id_event_id_events_org_id_id_fk"
  TO "room_accesses_event_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "room_accesses"
  RENAME CONSTRAINT "room_accesses_org_id_room_id_event_rooms_org_id_id_fk"
  TO "room_accesses_room_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "room_accesses"
  RENAME CONSTRAINT "room_accesses_org_id_session_id_event_sessions_org_id_id_fk"
  TO "room_accesses_session_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "room_accesses"
  RENAME CONSTRAINT "room_accesses_org_id_participant_id_event_participants_org_id_id_fk"
  TO "room_accesses_participant_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "room_assignments"
  RENAME CONSTRAINT "room_assignments_org_id_event_id_events_org_id_id_fk"
  TO "room_assignments_event_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "room_assignments"
  RENAME CONSTRAINT "room_assignments_org_id_room_id_event_rooms_org_id_id_fk"
  TO "room_assignments_room_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "event_rooms"
  RENAME CONSTRAINT "event_rooms_org_id_event_id_events_org_id_id_fk"
  TO "event_rooms_event_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "session_accesses"
  RENAME CONSTRAINT "session_accesses_org_id_event_id_events_org_id_id_fk"
  TO "session_accesses_event_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "session_accesses"
  RENAME CONSTRAINT "session_accesses_org_id_session_id_event_sessions_org_id_id_fk"
  TO "session_accesses_session_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "session_accesses"
  RENAME CONSTRAINT "session_accesses_org_id_participant_id_event_participants_org_id_id_fk"
  TO "session_accesses_participant_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "session_questions"
  RENAME CONSTRAINT "session_questions_org_id_event_id_events_org_id_id_fk"
  TO "session_questions_event_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "session_questions"
  RENAME CONSTRAINT "session_questions_org_id_session_id_event_sessions_org_id_id_fk"
  TO "session_questions_session_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "session_questions"
  RENAME CONSTRAINT "session_questions_org_id_participant_id_event_participants_org_id_id_fk"
  TO "session_questions_participant_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "event_sessions"
  RENAME CONSTRAINT "event_sessions_org_id_event_id_events_org_id_id_fk"
  TO "event_sessions_event_id_same_org_fk";
--> statement-breakpoint
ALTER TABLE "event_sessions"
  RENAME CONSTRAINT "event_sessions_org_id_room_id_event_rooms_org_id_id_fk"
  TO "event_sessions_room_id_same_org_fk";
