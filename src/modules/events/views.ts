// The module's wire boundary: the JSON the routes answer and the live events carry (snake_case),
// each a zod schema for the OpenAPI document and a mapper from the domain rows.
import { z } from 'zod';
import { csvDocument } from '../../core/http/csv.ts';
import { qrPayloadOf } from './badges.ts';
import type { Visit } from './exhibitors.ts';
import type { Participant, RoomAccess, ScanDecision, ScanStats, SessionAccess } from './participants.ts';
import type { SessionQuestion } from './questions.ts';
import type { EventAssignment } from './roles.ts';
import {
  ACCESS_STATUSES,
  ANNONCE_TARGETS,
  DOOR_MODES,
  SCAN_CONFLICTS,
  SCAN_REASONS,
  SCAN_DIRECTIONS,
  BADGE_ROLES,
  EVENT_ROLES,
  EVENT_STATUSES,
  PAYMENT_STATUSES,
  ROOM_ROLES,
  SESSION_STATUSES,
  SESSION_TYPES,
  type annonces,
} from './schema.ts';
import type { Event, Room, RoomAssignment, Session } from './service.ts';
import type { EventStats } from './stats.ts';

type Annonce = typeof annonces.$inferSelect;

// ---------------------------------------------------------------- events, rooms, sessions, staff

export const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const eventOut = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  location: z.string(),
  start_date: z.string(),
  end_date: z.string(),
  timezone: z.string(),
  status: z.enum(EVENT_STATUSES),
  created_by: z.number().nullable(),
  president_id: z.number().nullable(),
  programme_url: z.string().nullable(),
  guide_url: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export const eventView = (e: Event) => ({
  id: e.id,
  name: e.name,
  description: e.description,
  location: e.location,
  start_date: e.startDate.toISOString(),
  end_date: e.endDate.toISOString(),
  timezone: e.timezone,
  status: e.status,
  created_by: e.createdBy,
  president_id: e.presidentId,
  programme_url: e.programmeFileKey ? `/api/events/events/${e.id}/programme` : null,
  guide_url: e.guideFileKey ? `/api/events/events/${e.id}/guide` : null,
  created_at: e.createdAt.toISOString(),
  updated_at: e.updatedAt.toISOString(),
});

export const roomOut = z.object({
  id: z.string(),
  event_id: z.string(),
  name: z.string(),
  description: z.string(),
  location: z.string(),
  capacity: z.number(),
  current_occupancy: z.number(),
  door_mode: z.enum(DOOR_MODES),
});
export const roomView = (r: Room) => ({
  id: r.id,
  event_id: r.eventId,
  name: r.name,
  description: r.description,
  location: r.location,
  capacity: r.capacity,
  current_occupancy: r.currentOccupancy,
  door_mode: r.doorMode,
});

export const sessionOut = z.object({
  id: z.string(),
  event_id: z.string(),
  room_id: z.string(),
  title: z.string(),
  description: z.string(),
  speaker_name: z.string(),
  speaker_bio: z.string(),
  start_time: z.string(),
  end_time: z.string(),
  session_type: z.enum(SESSION_TYPES),
  is_paid: z.boolean(),
  price: z.string(),
  youtube_live_url: z.string(),
  status: z.enum(SESSION_STATUSES),
  status_is_manual: z.boolean(),
});
export const sessionView = (s: Session) => ({
  id: s.id,
  event_id: s.eventId,
  room_id: s.roomId,
  title: s.title,
  description: s.description,
  speaker_name: s.speakerName,
  speaker_bio: s.speakerBio,
  start_time: s.startTime.toISOString(),
  end_time: s.endTime.toISOString(),
  session_type: s.sessionType,
  is_paid: s.isPaid,
  price: Number(s.price).toFixed(2),
  youtube_live_url: s.youtubeLiveUrl,
  status: s.status,
  status_is_manual: s.statusOverride !== null,
});

export const assignmentOut = z.object({
  id: z.string(),
  event_id: z.string(),
  user_id: z.number(),
  role: z.enum(EVENT_ROLES),
  assigned_by: z.number().nullable(),
  assigned_at: z.string(),
});
export const assignmentView = (a: EventAssignment) => ({
  id: a.id,
  event_id: a.eventId,
  user_id: a.userId,
  role: a.role,
  assigned_by: a.assignedBy,
  assigned_at: a.assignedAt.toISOString(),
});

export const slotOut = z.object({
  id: z.string(),
  event_id: z.string(),
  room_id: z.string(),
  user_id: z.number(),
  role: z.enum(ROOM_ROLES),
  start_time: z.string(),
  end_time: z.string(),
  is_active: z.boolean(),
  assigned_by: z.number().nullable(),
  assigned_at: z.string(),
});
export const slotView = (a: RoomAssignment) => ({
  id: a.id,
  event_id: a.eventId,
  room_id: a.roomId,
  user_id: a.userId,
  role: a.role as (typeof ROOM_ROLES)[number],
  start_time: a.startsAt!.toISOString(),
  end_time: a.endsAt!.toISOString(),
  is_active: a.isActive,
  assigned_by: a.assignedBy,
  assigned_at: a.assignedAt.toISOString(),
});

export const participantOut = z.object({
  id: z.string(),
  event_id: z.string(),
  user_id: z.number().nullable(),
  role: z.enum(BADGE_ROLES),
  full_name: z.string(),
  email: z.string().nullable(),
  badge_id: z.string(),
  qr_payload: z.string(),
  is_checked_in: z.boolean(),
  checked_in_at: z.string().nullable(),
  current_room_id: z.string().nullable(),
  plan_url: z.string().nullable(),
});
export const participantView = (secret: string) => (p: Participant) => ({
  id: p.id,
  event_id: p.eventId,
  user_id: p.userId,
  role: p.role,
  full_name: p.fullName,
  email: p.email,
  badge_id: p.badgeId,
  qr_payload: qrPayloadOf(secret, p),
  is_checked_in: p.isCheckedIn,
  checked_in_at: iso(p.checkedInAt),
  current_room_id: p.currentRoomId,
  plan_url: p.planFileKey ? `/api/events/events/${p.eventId}/participants/${p.id}/plan` : null,
});

export const scanOut = z.object({
  id: z.string(),
  event_id: z.string(),
  room_id: z.string().nullable(),
  session_id: z.string().nullable(),
  participant_id: z.string().nullable(),
  status: z.enum(ACCESS_STATUSES),
  reason: z.enum(SCAN_REASONS).nullable(),
  verified_by: z.number().nullable(),
  scanned_at: z.string(),
  direction: z.enum(SCAN_DIRECTIONS),
  nonce: z.string().nullable(),
  forced: z.boolean(),
  override_reason: z.string().nullable(),
  /** When the device took the scan, for one decided offline and uploaded; null for a scan online. */
  device_scanned_at: z.string().nullable(),
  /** What the server would have decided otherwise, for an uploaded scan (the room manager's list). */
  conflict: z.enum(SCAN_CONFLICTS).nullable(),
});
export const scanView = (s: RoomAccess) => ({
  id: s.id,
  event_id: s.eventId,
  room_id: s.roomId,
  session_id: s.sessionId,
  participant_id: s.participantId,
  status: s.status,
  reason: s.reason,
  verified_by: s.verifiedBy,
  scanned_at: s.scannedAt.toISOString(),
  direction: s.direction,
  nonce: s.nonce,
  forced: s.forced,
  override_reason: s.overrideReason,
  device_scanned_at: iso(s.deviceScannedAt),
  conflict: s.conflict,
});

export const sessionAccessOut = z.object({
  id: z.string(),
  session_id: z.string(),
  participant_id: z.string(),
  payment_status: z.enum(PAYMENT_STATUSES),
  /** The door lets them into the atelier: payment marked paid or free. */
  has_access: z.boolean(),
  paid_at: z.string().nullable(),
  amount_paid: z.string(),
});
export const sessionAccessView = (a: SessionAccess) => ({
  id: a.id,
  session_id: a.sessionId,
  participant_id: a.participantId,
  payment_status: a.paymentStatus,
  has_access: a.paymentStatus === 'paid' || a.paymentStatus === 'free',
  paid_at: iso(a.paidAt),
  amount_paid: Number(a.amountPaid).toFixed(2),
});

// ---------------------------------------------------------------- engagement

export const annonceOut = z.object({
  id: z.string(),
  event_id: z.string(),
  title: z.string(),
  description: z.string(),
  target: z.enum(ANNONCE_TARGETS),
  created_by: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
});

export const questionOut = z.object({
  id: z.string(),
  event_id: z.string(),
  session_id: z.string(),
  participant_id: z.string(),
  question_text: z.string(),
  is_answered: z.boolean(),
  answer_text: z.string().nullable(),
  answered_by: z.number().nullable(),
  asked_at: z.string(),
  answered_at: z.string().nullable(),
});
export const questionView = (q: SessionQuestion) => ({
  id: q.id,
  event_id: q.eventId,
  session_id: q.sessionId,
  participant_id: q.participantId,
  question_text: q.questionText,
  is_answered: q.answeredAt !== null,
  answer_text: q.answerText,
  answered_by: q.answeredBy,
  asked_at: q.askedAt.toISOString(),
  answered_at: q.answeredAt ? q.answeredAt.toISOString() : null,
});

export const visitorOut = z.object({
  id: z.string(),
  full_name: z.string(),
  email: z.string().nullable(),
  badge_id: z.string(),
  role: z.enum(BADGE_ROLES),
});
export const visitOut = z.object({
  id: z.string(),
  exposant_id: z.string(),
  visitor: visitorOut,
  visit_day: z.string(),
  notes: z.string(),
  scanned_at: z.string(),
  rating: z.number().nullable(),
  tags: z.array(z.string()),
  /** Every scan of this lead, oldest first (in lists and exports). */
  scans: z
    .array(z.object({ scanned_at: z.string(), device_scanned_at: z.string().nullable(), notes: z.string() }))
    .optional(),
});
export const visitView = (v: Visit) => ({
  id: v.scan.id,
  exposant_id: v.scan.exposantId,
  visitor: {
    id: v.visitor.id,
    full_name: v.visitor.fullName,
    email: v.visitor.email,
    badge_id: v.visitor.badgeId,
    role: v.visitor.role,
  },
  visit_day: v.scan.visitDay,
  notes: v.scan.notes,
  scanned_at: v.scan.scannedAt.toISOString(),
  rating: v.scan.rating,
  tags: v.scan.tags,
  ...(v.scans
    ? {
        scans: v.scans.map((x) => ({
          scanned_at: x.scannedAt.toISOString(),
          device_scanned_at: iso(x.deviceScannedAt),
          notes: x.notes,
        })),
      }
    : {}),
});

export const statsOut = z.object({
  participants_by_role: z.record(z.enum(EVENT_ROLES), z.number()),
  badges: z.object({ total: z.number(), checked_in: z.number() }),
  rooms: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      capacity: z.number(),
      current_occupancy: z.number(),
      scans_granted: z.number(),
      scans_denied: z.number(),
    }),
  ),
  sessions: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      room_id: z.string(),
      questions: z.number(),
      answered: z.number(),
    }),
  ),
  exhibitors: z.array(
    z.object({
      id: z.string(),
      full_name: z.string(),
      total_visits: z.number(),
      today_visits: z.number(),
      unique_visitors: z.number(),
    }),
  ),
});

export const annonceView = (a: Annonce) => ({
  id: a.id,
  event_id: a.eventId,
  title: a.title,
  description: a.description,
  target: a.target,
  created_by: a.createdBy,
  created_at: a.createdAt.toISOString(),
  updated_at: a.updatedAt.toISOString(),
});

export const myRoomOut = z.object({ room: roomOut.nullable(), assignment: slotOut.nullable() });
export const myRoomView = (here: { room: Room; slot: RoomAssignment } | null) => ({
  room: here ? roomView(here.room) : null,
  assignment: here ? slotView(here.slot) : null,
});

export const checkInOut = z.object({
  status: z.enum(['checked_in', 'already_checked_in']),
  checked_in_at: z.string(),
  participant: participantOut,
});
export const checkInView =
  (secret: string) =>
  (r: { alreadyCheckedIn: boolean; participant: Participant }): z.infer<typeof checkInOut> => ({
    status: r.alreadyCheckedIn ? 'already_checked_in' : 'checked_in',
    checked_in_at: r.participant.checkedInAt!.toISOString(),
    participant: participantView(secret)(r.participant),
  });

export const scanDecisionOut = z.object({
  status: z.enum(ACCESS_STATUSES),
  reason: z.enum(SCAN_REASONS).nullable(),
  replayed: z.boolean(),
  scan: scanOut,
  participant: z
    .object({
      id: z.string(),
      full_name: z.string(),
      role: z.enum(BADGE_ROLES),
      badge_id: z.string(),
    })
    .nullable(),
  room: roomOut.nullable(),
  session: sessionOut.nullable(),
});
export const scanDecisionView = (d: ScanDecision) => ({
  status: d.status,
  reason: d.reason,
  replayed: d.replayed,
  scan: scanView(d.scan),
  participant: d.participant
    ? {
        id: d.participant.id,
        full_name: d.participant.fullName,
        role: d.participant.role,
        badge_id: d.participant.badgeId,
      }
    : null,
  room: d.room ? roomView(d.room) : null,
  session: d.session ? sessionView(d.session) : null,
});

export const scanStatsOut = z.object({
  room: roomOut.nullable(),
  total_scans: z.number(),
  granted: z.number(),
  denied: z.number(),
  entries: z.number(),
  exits: z.number(),
  forced: z.number(),
  denied_by_reason: z.record(z.string(), z.number()),
  peak_occupancy: z.number().nullable(),
  series: z.array(
    z.object({
      start: z.string(),
      entries: z.number(),
      exits: z.number(),
      denied: z.number(),
      forced: z.number(),
    }),
  ),
});
export const scanStatsView = (s: ScanStats) => ({
  room: s.room ? roomView(s.room) : null,
  total_scans: s.totalScans,
  granted: s.granted,
  denied: s.denied,
  entries: s.entries,
  exits: s.exits,
  forced: s.forced,
  denied_by_reason: s.deniedByReason,
  peak_occupancy: s.peakOccupancy,
  series: s.series.map((b) => ({ ...b, start: b.start.toISOString() })),
});

export const visitStatsOut = z.object({
  exposant_id: z.string(),
  timezone: z.string(),
  total_visits: z.number(),
  today_visits: z.number(),
  unique_visitors: z.number(),
  total_scans: z.number(),
  rated_leads: z.number(),
});
export const visitStatsView = (s: {
  exposant: Participant;
  timezone: string;
  totalVisits: number;
  todayVisits: number;
  uniqueVisitors: number;
  totalScans: number;
  ratedLeads: number;
}) => ({
  exposant_id: s.exposant.id,
  timezone: s.timezone,
  total_visits: s.totalVisits,
  today_visits: s.todayVisits,
  unique_visitors: s.uniqueVisitors,
  total_scans: s.totalScans,
  rated_leads: s.ratedLeads,
});

export const statsView = (s: EventStats) => ({
  participants_by_role: s.participantsByRole,
  badges: { total: s.badges.total, checked_in: s.badges.checkedIn },
  rooms: s.rooms.map((r) => ({
    id: r.id,
    name: r.name,
    capacity: r.capacity,
    current_occupancy: r.currentOccupancy,
    scans_granted: r.granted,
    scans_denied: r.denied,
  })),
  sessions: s.sessions.map((x) => ({
    id: x.id,
    title: x.title,
    room_id: x.roomId,
    questions: x.questions,
    answered: x.answered,
  })),
  exhibitors: s.exhibitors.map((x) => ({
    id: x.id,
    full_name: x.fullName,
    total_visits: x.totalVisits,
    today_visits: x.todayVisits,
    unique_visitors: x.uniqueVisitors,
  })),
});

// ---------------------------------------------------------------- live event payloads

/** What `events.question.asked` / `.answered` carry; the console loads the question itself. */
export const questionData = (q: SessionQuestion) => ({
  event_id: q.eventId,
  session_id: q.sessionId,
  question_id: q.id,
});

/** `events.annonce.deleted`: which announcement to drop. */
export const annonceDeletedData = (eventId: string, id: string) => ({ id, event_id: eventId });

/** `events.participant.checked_in`: who came in, for the entrance screens. */
export const checkedInData = (eventId: string, p: Participant) => ({
  event_id: eventId,
  participant_id: p.id,
  full_name: p.fullName,
  badge_id: p.badgeId,
  checked_in_at: p.checkedInAt!.toISOString(),
});

/** `events.scan.recorded`: one door decision. */
export const scanRecordedData = (eventId: string, scan: RoomAccess) => ({
  event_id: eventId,
  id: scan.id,
  room_id: scan.roomId,
  session_id: scan.sessionId,
  participant_id: scan.participantId,
  status: scan.status,
  reason: scan.reason,
  scanned_at: scan.scannedAt.toISOString(),
});

/** `events.room.occupancy`: a room's count after it moved. */
export const occupancyData = (eventId: string, r: Room) => ({
  event_id: eventId,
  room_id: r.id,
  name: r.name,
  capacity: r.capacity,
  current_occupancy: r.currentOccupancy,
});

// ---------------------------------------------------------------- CSV

const VISIT_COLUMNS = [
  'scanned_at',
  'visit_day',
  'full_name',
  'email',
  'badge_id',
  'role',
  'notes',
  'rating',
  'tags',
  'scans',
  'device_scanned_at',
] as const;

export const visitsCsv = (visits: Visit[]): string =>
  csvDocument(
    VISIT_COLUMNS,
    visits.map((v) => ({
      scanned_at: v.scan.scannedAt.toISOString(),
      visit_day: v.scan.visitDay,
      full_name: v.visitor.fullName,
      email: v.visitor.email,
      badge_id: v.visitor.badgeId,
      role: v.visitor.role,
      notes: v.scan.notes,
      rating: v.scan.rating,
      tags: v.scan.tags.join('; '),
      scans: v.scans?.length ?? 0,
      device_scanned_at: (v.scans ?? []).map((x) => iso(x.deviceScannedAt) ?? '').join(' '),
    })),
  );
