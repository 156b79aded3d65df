import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  date,
  index,
  integer,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { idColumn, sameOrgReference, tenantIsolation, timestamps } from '../../core/db/columns.ts';
import { assignmentColumns } from '../../core/access/assignment.ts';
import { orgIdColumn } from '../../core/db/platform-schema.ts';
import { invitations } from '../identity/schema.ts';

export const EVENT_STATUSES = ['draft', 'published', 'cancelled'] as const;
export const EVENT_ROLES = [
  'gestionnaire_des_salles',
  'controlleur_des_badges',
  'participant',
  'exposant',
] as const;
export const ROOM_ROLES = ['gestionnaire_des_salles', 'controlleur_des_badges'] as const;
export const BADGE_ROLES = ['participant', 'exposant'] as const;
export const SESSION_TYPES = ['conference', 'atelier'] as const;
export const SESSION_STATUSES = ['pas_encore', 'en_cours', 'termine'] as const;
export const PAYMENT_STATUSES = ['pending', 'paid', 'free'] as const;
export const ACCESS_STATUSES = ['granted', 'denied'] as const;
/** Which way a door lets people through: a scan's direction must be one the door allows. */
export const DOOR_MODES = ['both', 'entry', 'exit'] as const;
export const SCAN_DIRECTIONS = ['in', 'out'] as const;
/**
 * What the server found wrong with a scan decided offline and uploaded later, for the room's
 * manager to look at. The entry happened: it is recorded all the same.
 */
export const SCAN_CONFLICTS = [
  'entered_twice',
  'capacity_exceeded',
  'controller_not_assigned',
  'invalid_badge',
  'unknown_badge',
  'not_checked_in',
  'payment_required',
] as const;
/**
 * Why a door refused a badge. Every reason a scan can carry is in SCAN_REASONS: the console labels
 * each of them (a test fails on one without words), so a new one is added there.
 */
export const DENIAL_REASONS = [
  'controller_not_assigned',
  'invalid_badge',
  'other_event',
  'unknown_badge',
  'not_checked_in',
  'payment_required',
  'room_full',
  'wrong_direction',
] as const;
/** Why a granted scan changed nothing: already inside (in), or not recorded inside (out). */
export const GRANT_NOTES = ['already_in_room', 'not_inside'] as const;
/**
 * Every reason a door scan is recorded with: a denial, a granted scan that moved nothing, an
 * uploaded move older than one the server already had, an exit by emptying the room.
 */
export const SCAN_REASONS = [...DENIAL_REASONS, ...GRANT_NOTES, 'later_scan_known', 'room_emptied'] as const;
export type ScanReason = (typeof SCAN_REASONS)[number];
export const ANNONCE_TARGETS = ['all', 'participants', 'exposants', 'controlleurs', 'gestionnaires'] as const;

export type EventRole = (typeof EVENT_ROLES)[number];
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export const events = pgTable(
  'events',
  {
    orgId: orgIdColumn(),
    id: idColumn(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    location: text('location').notNull().default(''),
    startDate: timestamp('start_date', { withTimezone: true }).notNull(),
    endDate: timestamp('end_date', { withTimezone: true }).notNull(),
    status: text('status', { enum: EVENT_STATUSES }).notNull().default('draft'),
    createdBy: bigint('created_by', { mode: 'number' }),
    presidentId: bigint('president_id', { mode: 'number' }),
    /** IANA zone the event runs in: "today" for exhibitor statistics is a day of this zone. */
    timezone: text('timezone').notNull().default('Europe/Paris'),
    programmeFileKey: text('programme_file_key'),
    guideFileKey: text('guide_file_key'),
    isActive: boolean('is_active').notNull().default(true),
    ...timestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    check('events_dates_ordered', sql`${t.endDate} > ${t.startDate}`),
    index('events_start_idx').on(t.orgId, t.startDate),
    tenantIsolation('events'),
  ],
);

export const rooms = pgTable(
  'event_rooms',
  {
    orgId: orgIdColumn(),
    id: idColumn(),
    eventId: uuid('event_id').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    location: text('location').notNull().default(''),
    capacity: integer('capacity').notNull(),
    /** Badges inside: always the number of badges whose current room is this one. */
    currentOccupancy: integer('current_occupancy').notNull().default(0),
    doorMode: text('door_mode', { enum: DOOR_MODES }).notNull().default('both'),
    isActive: boolean('is_active').notNull().default(true),
    ...timestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    sameOrgReference([t.orgId, t.eventId], [events.orgId, events.id]).onDelete('cascade'),
    unique('event_rooms_name_unique').on(t.orgId, t.eventId, t.name),
    // The scan path's conditional UPDATE keeps this true under concurrency; the check is the backstop.
    check(
      'event_rooms_occupancy_bounds',
      sql`${t.currentOccupancy} >= 0 and ${t.currentOccupancy} <= ${t.capacity}`,
    ),
    check('event_rooms_capacity_positive', sql`${t.capacity} >= 0`),
    tenantIsolation('event_rooms'),
  ],
);

export const sessions = pgTable(
  'event_sessions',
  {
    orgId: orgIdColumn(),
    id: idColumn(),
    eventId: uuid('event_id').notNull(),
    roomId: uuid('room_id').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    speakerName: text('speaker_name').notNull().default(''),
    speakerBio: text('speaker_bio').notNull().default(''),
    startTime: timestamp('start_time', { withTimezone: true }).notNull(),
    endTime: timestamp('end_time', { withTimezone: true }).notNull(),
    sessionType: text('session_type', { enum: SESSION_TYPES }).notNull().default('conference'),
    isPaid: boolean('is_paid').notNull().default(false),
    price: numeric('price', { precision: 10, scale: 2 }).notNull().default('0'),
    youtubeLiveUrl: text('youtube_live_url').notNull().default(''),
    /** Set by the room's manager; null means the status follows the clock. */
    statusOverride: text('status_override', { enum: SESSION_STATUSES }),
    ...timestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    sameOrgReference([t.orgId, t.eventId], [events.orgId, events.id]).onDelete('cascade'),
    sameOrgReference([t.orgId, t.roomId], [rooms.orgId, rooms.id]).onDelete('cascade'),
    check('event_sessions_times_ordered', sql`${t.endTime} > ${t.startTime}`),
    // Conferences are free for every participant.
    check(
      'event_sessions_conference_free',
      sql`${t.sessionType} = 'atelier' or (${t.isPaid} = false and ${t.price} = 0)`,
    ),
    index('event_sessions_room_time_idx').on(t.orgId, t.roomId, t.startTime),
    index('event_sessions_event_time_idx').on(t.orgId, t.eventId, t.startTime),
    tenantIsolation('event_sessions'),
  ],
);

/** UserEventAssignment: the role a user holds in one event (a different one per event is fine). */
export const eventAssignments = pgTable(
  'event_assignments',
  {
    orgId: orgIdColumn(),
    id: idColumn(),
    eventId: uuid('event_id').notNull(),
    userId: bigint('user_id', { mode: 'number' }).notNull(),
    role: text('role', { enum: EVENT_ROLES }).notNull(),
    isActive: boolean('is_active').notNull().default(true),
    assignedBy: bigint('assigned_by', { mode: 'number' }),
    assignedAt: timestamp('assigned_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    sameOrgReference([t.orgId, t.eventId], [events.orgId, events.id]).onDelete('cascade'),
    unique('event_assignments_user_unique').on(t.orgId, t.eventId, t.userId),
    index('event_assignments_user_idx').on(t.orgId, t.userId),
    tenantIsolation('event_assignments'),
  ],
);

/**
 * An event role offered with an invitation to join the organization: given when the invitation is
 * accepted (granted_at), as the invitation itself carries an org role only.
 */
export const eventRoleInvitations = pgTable(
  'event_role_invitations',
  {
    orgId: orgIdColumn(),
    id: idColumn(),
    eventId: uuid('event_id').notNull(),
    invitationId: uuid('invitation_id').notNull(),
    role: text('role', { enum: EVENT_ROLES }).notNull(),
    invitedBy: bigint('invited_by', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    grantedAt: timestamp('granted_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    sameOrgReference([t.orgId, t.eventId], [events.orgId, events.id]).onDelete('cascade'),
    sameOrgReference([t.orgId, t.invitationId], [invitations.orgId, invitations.id]).onDelete('cascade'),
    unique('event_role_invitations_unique').on(t.orgId, t.invitationId, t.eventId),
    tenantIsolation('event_role_invitations'),
  ],
);

/** RoomAssignment: a gestionnaire or controller in one room for one time slot. */
export const roomAssignments = pgTable(
  'room_assignments',
  {
    orgId: orgIdColumn(),
    id: idColumn(),
    eventId: uuid('event_id').notNull(),
    roomId: uuid('room_id').notNull(),
    userId: bigint('user_id', { mode: 'number' }).notNull(),
    ...assignmentColumns(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    sameOrgReference([t.orgId, t.eventId], [events.orgId, events.id]).onDelete('cascade'),
    sameOrgReference([t.orgId, t.roomId], [rooms.orgId, rooms.id]).onDelete('cascade'),
    check(
      'room_assignments_slot',
      sql`${t.startsAt} is not null and ${t.endsAt} is not null and ${t.endsAt} > ${t.startsAt}`,
    ),
    index('room_assignments_user_time_idx').on(t.orgId, t.userId, t.startsAt),
    index('room_assignments_event_idx').on(t.orgId, t.eventId, t.isActive),
    tenantIsolation('room_assignments'),
  ],
);

/** A participant or exposant of one event, with the badge they carry. */
export const participants = pgTable(
  'event_participants',
  {
    orgId: orgIdColumn(),
    id: idColumn(),
    eventId: uuid('event_id').notNull(),
    userId: bigint('user_id', { mode: 'number' }),
    role: text('role', { enum: BADGE_ROLES }).notNull().default('participant'),
    fullName: text('full_name').notNull(),
    email: text('email'),
    badgeId: text('badge_id').notNull(),
    isCheckedIn: boolean('is_checked_in').notNull().default(false),
    checkedInAt: timestamp('checked_in_at', { withTimezone: true }),
    checkedInBy: bigint('checked_in_by', { mode: 'number' }),
    /** Where the badge was last let in; the scan path moves it between rooms under a row lock. */
    currentRoomId: uuid('current_room_id'),
    /** Exposants only: their stand plan (PDF). */
    planFileKey: text('plan_file_key'),
    isActive: boolean('is_active').notNull().default(true),
    ...timestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    sameOrgReference([t.orgId, t.eventId], [events.orgId, events.id]).onDelete('cascade'),
    sameOrgReference([t.orgId, t.currentRoomId], [rooms.orgId, rooms.id]),
    unique('event_participants_badge_unique').on(t.orgId, t.badgeId),
    unique('event_participants_user_unique').on(t.orgId, t.eventId, t.userId),
    tenantIsolation('event_participants'),
  ],
);

/** SessionAccess: paid-atelier access, marked by hand (there is no payment gateway). */
export const sessionAccesses = pgTable(
  'session_accesses',
  {
    orgId: orgIdColumn(),
    id: idColumn(),
    eventId: uuid('event_id').notNull(),
    sessionId: uuid('session_id').notNull(),
    participantId: uuid('participant_id').notNull(),
    paymentStatus: text('payment_status', { enum: PAYMENT_STATUSES }).notNull().default('pending'),
    paidAt: timestamp('paid_at', { withTimezone: true }),
    amountPaid: numeric('amount_paid', { precision: 10, scale: 2 }).notNull().default('0'),
    ...timestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    sameOrgReference([t.orgId, t.eventId], [events.orgId, events.id]).onDelete('cascade'),
    sameOrgReference([t.orgId, t.sessionId], [sessions.orgId, sessions.id]).onDelete('cascade'),
    sameOrgReference([t.orgId, t.participantId], [participants.orgId, participants.id]).onDelete('cascade'),
    unique('session_accesses_pair_unique').on(t.orgId, t.participantId, t.sessionId),
    tenantIsolation('session_accesses'),
  ],
);

/** RoomAccess: every badge scan at a room door, granted or denied, with the reason. */
export const roomAccesses = pgTable(
  'room_accesses',
  {
    orgId: orgIdColumn(),
    id: idColumn(),
    eventId: uuid('event_id').notNull(),
    /** Null when the controller had no room at the time of the scan. */
    roomId: uuid('room_id'),
    sessionId: uuid('session_id'),
    /** Null when the badge was unknown or forged. */
    participantId: uuid('participant_id'),
    status: text('status', { enum: ACCESS_STATUSES }).notNull(),
    reason: text('reason', { enum: SCAN_REASONS }),
    verifiedBy: bigint('verified_by', { mode: 'number' }),
    scannedAt: timestamp('scanned_at', { withTimezone: true }).notNull().defaultNow(),
    direction: text('direction', { enum: SCAN_DIRECTIONS }).notNull().default('in'),
    /** Chosen by the scanning device for each scan: a retry with the same nonce is the same scan. */
    nonce: text('nonce'),
    /** A supervisor let the badge in past a refusal; `overrideReason` says why. */
    forced: boolean('forced').notNull().default(false),
    overrideReason: text('override_reason'),
    /** When the device took the scan, for a scan decided offline and uploaded (`scannedAt`: received). */
    deviceScannedAt: timestamp('device_scanned_at', { withTimezone: true }),
    /** Set on an uploaded scan the server would not have decided the same way (see SCAN_CONFLICTS). */
    conflict: text('conflict', { enum: SCAN_CONFLICTS }),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    sameOrgReference([t.orgId, t.eventId], [events.orgId, events.id]).onDelete('cascade'),
    sameOrgReference([t.orgId, t.roomId], [rooms.orgId, rooms.id]).onDelete('cascade'),
    sameOrgReference([t.orgId, t.sessionId], [sessions.orgId, sessions.id]),
    sameOrgReference([t.orgId, t.participantId], [participants.orgId, participants.id]).onDelete('cascade'),
    index('room_accesses_room_time_idx').on(t.orgId, t.roomId, t.scannedAt),
    unique('room_accesses_nonce_unique').on(t.orgId, t.eventId, t.verifiedBy, t.nonce),
    // A badge's scans by the time they happened: an uploaded scan older than its last move moves nothing.
    index('room_accesses_participant_time_idx').on(
      t.orgId,
      t.participantId,
      sql`coalesce(${t.deviceScannedAt}, ${t.scannedAt})`,
    ),
    tenantIsolation('room_accesses'),
  ],
);

/** Annonce: an announcement of one event, read by the role(s) it targets. */
export const annonces = pgTable(
  'event_annonces',
  {
    orgId: orgIdColumn(),
    id: idColumn(),
    eventId: uuid('event_id').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull(),
    target: text('target', { enum: ANNONCE_TARGETS }).notNull(),
    createdBy: bigint('created_by', { mode: 'number' }).notNull(),
    ...timestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    sameOrgReference([t.orgId, t.eventId], [events.orgId, events.id]).onDelete('cascade'),
    index('event_annonces_event_target_idx').on(t.orgId, t.eventId, t.target, t.createdAt),
    tenantIsolation('event_annonces'),
  ],
);

/** SessionQuestion: asked by a badge holder, answered by the room's gestionnaire. */
export const sessionQuestions = pgTable(
  'session_questions',
  {
    orgId: orgIdColumn(),
    id: idColumn(),
    eventId: uuid('event_id').notNull(),
    sessionId: uuid('session_id').notNull(),
    participantId: uuid('participant_id').notNull(),
    questionText: text('question_text').notNull(),
    answerText: text('answer_text'),
    answeredBy: bigint('answered_by', { mode: 'number' }),
    askedAt: timestamp('asked_at', { withTimezone: true }).notNull().defaultNow(),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    sameOrgReference([t.orgId, t.eventId], [events.orgId, events.id]).onDelete('cascade'),
    sameOrgReference([t.orgId, t.sessionId], [sessions.orgId, sessions.id]).onDelete('cascade'),
    sameOrgReference([t.orgId, t.participantId], [participants.orgId, participants.id]).onDelete('cascade'),
    check('session_questions_answer_complete', sql`(${t.answeredAt} is null) = (${t.answerText} is null)`),
    index('session_questions_session_idx').on(t.orgId, t.sessionId, t.askedAt),
    tenantIsolation('session_questions'),
  ],
);

/**
 * ExposantScan: one booth visit. A visitor counts once per exposant per day of the event's time
 * zone (`visit_day`); scanning them again that day returns the same visit instead of a new one.
 */
export const exposantScans = pgTable(
  'exposant_scans',
  {
    orgId: orgIdColumn(),
    id: idColumn(),
    eventId: uuid('event_id').notNull(),
    exposantId: uuid('exposant_id').notNull(),
    scannedParticipantId: uuid('scanned_participant_id').notNull(),
    visitDay: date('visit_day', { mode: 'string' }).notNull(),
    /** Every scan's notes, appended one per line: a later scan never replaces what was written. */
    notes: text('notes').notNull().default(''),
    scannedAt: timestamp('scanned_at', { withTimezone: true }).notNull().defaultNow(),
    /** The exposant's judgement of the lead, 0 (cold) to 5 (hot); null until rated. */
    rating: integer('rating'),
    /** The exposant's own labels, free text. */
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('exposant_scans_rating_range', sql`${t.rating} between 0 and 5`),
    primaryKey({ columns: [t.orgId, t.id] }),
    sameOrgReference([t.orgId, t.eventId], [events.orgId, events.id]).onDelete('cascade'),
    sameOrgReference([t.orgId, t.exposantId], [participants.orgId, participants.id]).onDelete('cascade'),
    sameOrgReference([t.orgId, t.scannedParticipantId], [participants.orgId, participants.id]).onDelete(
      'cascade',
    ),
    unique('exposant_scans_visit_unique').on(t.orgId, t.exposantId, t.scannedParticipantId, t.visitDay),
    check('exposant_scans_not_self', sql`${t.exposantId} <> ${t.scannedParticipantId}`),
    index('exposant_scans_exposant_time_idx').on(t.orgId, t.exposantId, t.scannedAt),
    index('exposant_scans_event_time_idx').on(t.orgId, t.eventId, t.scannedAt),
    tenantIsolation('exposant_scans'),
  ],
);

/**
 * Every scan at a stand, kept as it happened: the visit (lead) it belongs to, the device's own
 * time of the scan, the notes typed with it, and the device's nonce so an upload retried counts once.
 */
export const exposantScanEvents = pgTable(
  'exposant_scan_events',
  {
    orgId: orgIdColumn(),
    id: idColumn(),
    eventId: uuid('event_id').notNull(),
    visitId: uuid('visit_id').notNull(),
    exposantId: uuid('exposant_id').notNull(),
    notes: text('notes').notNull().default(''),
    scannedAt: timestamp('scanned_at', { withTimezone: true }).notNull().defaultNow(),
    deviceScannedAt: timestamp('device_scanned_at', { withTimezone: true }),
    nonce: text('nonce'),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    sameOrgReference([t.orgId, t.eventId], [events.orgId, events.id]).onDelete('cascade'),
    sameOrgReference([t.orgId, t.visitId], [exposantScans.orgId, exposantScans.id]).onDelete('cascade'),
    sameOrgReference([t.orgId, t.exposantId], [participants.orgId, participants.id]).onDelete('cascade'),
    unique('exposant_scan_events_nonce_unique').on(t.orgId, t.exposantId, t.nonce),
    index('exposant_scan_events_visit_idx').on(t.orgId, t.visitId, t.scannedAt),
    tenantIsolation('exposant_scan_events'),
  ],
);
