// The wire boundary of offline scanning: the scanner kit and the answer to an upload.
import { z } from 'zod';
import type { ScannerKit, UploadedScan } from './offline.ts';
import { BADGE_ROLES, SESSION_TYPES, SESSION_STATUSES } from './schema.ts';
import { iso, roomOut, roomView, scanOut, scanView } from './views.ts';

export const scannerKitOut = z.object({
  generated_at: z.string(),
  /** The kit describes the room until the slot ends; a device fetches a new one by then. */
  valid_until: z.string(),
  event: z.object({
    id: z.string(),
    org_id: z.string(),
    name: z.string(),
    timezone: z.string(),
    start_date: z.string(),
    end_date: z.string(),
  }),
  room: roomOut,
  slots: z.array(
    z.object({
      id: z.string(),
      room_id: z.string(),
      room_name: z.string(),
      starts_at: z.string(),
      ends_at: z.string(),
    }),
  ),
  sessions: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      start_time: z.string(),
      end_time: z.string(),
      session_type: z.enum(SESSION_TYPES),
      is_paid: z.boolean(),
      /** The room manager's status, when set; otherwise the clock decides. */
      status_override: z.enum(SESSION_STATUSES).nullable(),
      /** Paid ateliers: the participants whose payment is marked paid or free. */
      paid_participant_ids: z.array(z.string()).nullable(),
    }),
  ),
  /** Verify badges offline with these (Ed25519, raw 32-byte keys in base64url). */
  public_keys: z.array(
    z.object({ kid: z.string(), algorithm: z.literal('Ed25519'), public_key: z.string() }),
  ),
  badges: z.array(
    z.object({
      id: z.string(),
      badge_id: z.string(),
      full_name: z.string(),
      role: z.enum(BADGE_ROLES),
      is_checked_in: z.boolean(),
      /** Recorded inside this room when the kit was made. */
      inside: z.boolean(),
    }),
  ),
});

export const scannerKitView = (k: ScannerKit) => ({
  generated_at: k.generatedAt.toISOString(),
  valid_until: (k.slot.endsAt ?? k.event.endDate).toISOString(),
  event: {
    id: k.event.id,
    org_id: k.event.orgId,
    name: k.event.name,
    timezone: k.event.timezone,
    start_date: k.event.startDate.toISOString(),
    end_date: k.event.endDate.toISOString(),
  },
  room: roomView(k.room),
  slots: k.slots.map((s) => ({
    id: s.id,
    room_id: s.roomId,
    room_name: s.roomName,
    starts_at: iso(s.startsAt)!,
    ends_at: iso(s.endsAt)!,
  })),
  sessions: k.sessions.map((s) => ({
    id: s.id,
    title: s.title,
    start_time: s.startTime.toISOString(),
    end_time: s.endTime.toISOString(),
    session_type: s.sessionType,
    is_paid: s.isPaid,
    status_override: s.statusOverride,
    paid_participant_ids: k.paid.get(s.id) ?? null,
  })),
  public_keys: k.keys.map((key) => ({ kid: key.kid, algorithm: key.algorithm, public_key: key.publicKey })),
  badges: k.badges.map((b) => ({
    id: b.id,
    badge_id: b.badgeId,
    full_name: b.fullName,
    role: b.role,
    is_checked_in: b.isCheckedIn,
    inside: b.currentRoomId === k.room.id,
  })),
});

export const uploadedScansOut = z.object({
  results: z.array(z.object({ nonce: z.string(), replayed: z.boolean(), scan: scanOut })),
});
export const uploadedScansView = (results: UploadedScan[]) => ({
  results: results.map((r) => ({ nonce: r.nonce, replayed: r.replayed, scan: scanView(r.scan) })),
});
