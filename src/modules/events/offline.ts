// Offline scanning: what a controller's device downloads to decide at the door without network
// (the kit), and the upload of the decisions it took meanwhile (docs/events.md § Offline scanning).
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { queryRows } from '../../core/db/client.ts';
import { newId } from '../../core/db/columns.ts';
import { liveEvent } from '../../core/events/bus.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { forbidden, notFound } from '../../core/http/problem.ts';
import { badgeKeyOf, verifyBadge, type BadgeKey } from './badges.ts';
import { doorAudienceOf } from './live.ts';
import type { BadgeRef } from './exhibitors.ts';
import type { DenialReason, Participant, RoomAccess } from './participants.ts';
import { eventPolicy } from './policy.ts';
import { fromJson } from './rows.ts';
import {
  events,
  participants,
  roomAccesses,
  roomAssignments,
  rooms,
  sessionAccesses,
  sessions,
} from './schema.ts';
import { currentRoom, getEvent, type Event, type Room, type RoomAssignment } from './service.ts';
import { occupancyData } from './views.ts';

type KitSession = typeof sessions.$inferSelect;

export interface ScannerKit {
  event: Event;
  room: Room;
  /** The slot by which the controller holds the room now: the kit is good until it ends. */
  slot: RoomAssignment;
  /** Every slot of the controller in this event (a later one may be in another room). */
  slots: Array<RoomAssignment & { roomName: string }>;
  sessions: KitSession[];
  /** Per paid atelier of the room: the participants whose payment is marked paid or free. */
  paid: Map<string, string[]>;
  keys: BadgeKey[];
  badges: Array<Pick<Participant, 'id' | 'badgeId' | 'fullName' | 'role' | 'isCheckedIn' | 'currentRoomId'>>;
  generatedAt: Date;
}

/**
 * The offline kit of the room the controller holds now: everything the door rules need that a
 * device can know in advance. Only for a controller holding a room of the event now (403 otherwise).
 */
export async function scannerKit(t: TenantTx, secret: string, eventId: string): Promise<ScannerKit> {
  const event = await getEvent(t, eventId, 'scan');
  const here = await currentRoom(t, eventId, 'controlleur_des_badges');
  if (!here) throw forbidden('The offline kit is for a controller holding a room of this event now');
  const roomId = here.room.id;
  const slots = await t.tx
    .select({ slot: roomAssignments, roomName: rooms.name })
    .from(roomAssignments)
    .innerJoin(rooms, and(eq(rooms.orgId, roomAssignments.orgId), eq(rooms.id, roomAssignments.roomId)))
    .where(
      and(
        eq(roomAssignments.eventId, eventId),
        eq(roomAssignments.userId, t.actor.userId!),
        eq(roomAssignments.role, 'controlleur_des_badges'),
        eq(roomAssignments.isActive, true),
      ),
    )
    .orderBy(asc(roomAssignments.startsAt));
  const roomSessions = await t.tx
    .select()
    .from(sessions)
    .where(eq(sessions.roomId, roomId))
    .orderBy(asc(sessions.startTime));
  const paidAteliers = roomSessions.filter((s) => s.sessionType === 'atelier' && s.isPaid).map((s) => s.id);
  const accesses = paidAteliers.length
    ? await t.tx
        .select({ sessionId: sessionAccesses.sessionId, participantId: sessionAccesses.participantId })
        .from(sessionAccesses)
        .where(
          and(
            inArray(sessionAccesses.sessionId, paidAteliers),
            inArray(sessionAccesses.paymentStatus, ['paid', 'free']),
          ),
        )
    : [];
  const paid = new Map(paidAteliers.map((id) => [id, [] as string[]]));
  for (const a of accesses) paid.get(a.sessionId)!.push(a.participantId);
  const badges = await t.tx
    .select({
      id: participants.id,
      badgeId: participants.badgeId,
      fullName: participants.fullName,
      role: participants.role,
      isCheckedIn: participants.isCheckedIn,
      currentRoomId: participants.currentRoomId,
    })
    .from(participants)
    .where(and(eq(participants.eventId, eventId), eq(participants.isActive, true)))
    .orderBy(asc(participants.id));
  return {
    event,
    room: here.room,
    slot: here.slot,
    slots: slots.map((s) => ({ ...s.slot, roomName: s.roomName })),
    sessions: roomSessions,
    paid,
    keys: [badgeKeyOf(secret, t.orgId)],
    badges,
    generatedAt: new Date(),
  };
}

/** One decision a device took offline, as it uploads it. */
export interface OfflineScan {
  nonce: string;
  badge: BadgeRef;
  direction: RoomAccess['direction'];
  roomId: string;
  /** When the device took the scan. */
  scannedAt: Date;
  /** `undecided`: the device could not tell (a typed badge id its kit lacks); the server decides. */
  status: RoomAccess['status'] | 'undecided';
  reason: string | null;
}

export interface UploadedScan {
  nonce: string;
  /** This nonce was uploaded before: `scan` is that first record. */
  replayed: boolean;
  scan: RoomAccess;
}

interface UploadRow {
  refused?: 'not_found' | 'forbidden';
  results: Array<{ nonce: string; replayed: boolean; scan: Record<string, unknown> }>;
  rooms: Array<Record<string, unknown>>;
  audience: Array<number | string | null>;
}

interface BadgeFound {
  participantId: string | null;
  denial: DenialReason | null;
}

/** A QR's signature checked without a database read: whose badge it is, or why it is refused. */
function qrClaims(t: TenantTx, secret: string, eventId: string, qr: string): BadgeFound {
  const claims = verifyBadge(secret, qr);
  if (!claims) return { participantId: null, denial: 'invalid_badge' };
  if (claims.orgId !== t.orgId || claims.eventId !== eventId)
    return { participantId: null, denial: 'other_event' };
  return { participantId: claims.participantId, denial: null };
}

/** The printed badge id as typed: spaces around and letter case do not matter. */
const badgeIdOf = (ref: { badgeId: string }) => ref.badgeId.trim().toUpperCase();

/** The badges the upload names by their printed id, in one read (an unknown id is not in the map). */
async function badgesByPrintedId(t: TenantTx, eventId: string, scans: OfflineScan[]) {
  const ids = [...new Set(scans.flatMap((s) => ('badgeId' in s.badge ? [badgeIdOf(s.badge)] : [])))];
  const rows = ids.length
    ? await t.tx
        .select({ id: participants.id, badgeId: participants.badgeId })
        .from(participants)
        .where(and(eq(participants.eventId, eventId), inArray(participants.badgeId, ids)))
    : [];
  return new Map(rows.map((r): [string, BadgeFound] => [r.badgeId, { participantId: r.id, denial: null }]));
}

/**
 * Records a device's offline decisions (SQL `events_upload_scans`: in the device's order, both
 * times kept, conflicts flagged, occupancy moved as the badges' locations move) and announces the
 * rooms whose count changed. Each QR signature is checked here, without a database read.
 */
export async function uploadScans(
  t: TenantTx,
  secret: string,
  eventId: string,
  scans: OfflineScan[],
): Promise<UploadedScan[]> {
  const typed = await badgesByPrintedId(t, eventId, scans);
  const items = scans.map((s, ord) => {
    const found = 'qr' in s.badge ? qrClaims(t, secret, eventId, s.badge.qr) : typed.get(badgeIdOf(s.badge));
    return {
      scan_id: newId(),
      nonce: s.nonce,
      participant_id: found?.participantId ?? null,
      badge_denial: found ? found.denial : 'unknown_badge',
      direction: s.direction,
      room_id: s.roomId,
      device_scanned_at: s.scannedAt.toISOString(),
      status: s.status,
      reason: s.reason,
      // Scans taken in the same millisecond keep the order they were sent in.
      ord,
    };
  });
  const event = and(eq(events.id, eventId), eq(events.isActive, true));
  const access = eventPolicy.access(t.actor, 'scan');
  const [{ upload }] = await queryRows<{ upload: UploadRow }>(
    t.tx,
    sql`select events_upload_scans(
          ${t.orgId}::uuid, ${eventId}::uuid, ${t.actor.userId}::bigint,
          coalesce((select ${access} from ${events} where ${event}), 'not_found'),
          ${JSON.stringify(items)}::json
        ) as upload`,
  );
  if (upload.refused === 'not_found') throw notFound('Event');
  if (upload.refused === 'forbidden') throw forbidden('You may not scan this event');
  const audience = doorAudienceOf(upload.audience);
  for (const r of upload.rooms)
    t.publish(
      liveEvent(t.orgId, 'events.room.occupancy', occupancyData(eventId, fromJson(rooms, r)), audience),
    );
  const byNonce = new Map(
    upload.results.map((r) => [r.nonce, { ...r, scan: fromJson(roomAccesses, r.scan) }] as const),
  );
  // Answered in the order sent (the database applied them in the device's order).
  return scans.map((s) => byNonce.get(s.nonce)!);
}
