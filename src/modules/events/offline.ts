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
  qr: string;
  direction: RoomAccess['direction'];
  roomId: string;
  /** When the device took the scan. */
  scannedAt: Date;
  status: RoomAccess['status'];
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
  const items = scans.map((s, ord) => {
    const claims = verifyBadge(secret, s.qr);
    const badgeDenial: DenialReason | null = !claims
      ? 'invalid_badge'
      : claims.orgId !== t.orgId || claims.eventId !== eventId
        ? 'other_event'
        : null;
    return {
      scan_id: newId(),
      nonce: s.nonce,
      participant_id: badgeDenial ? null : claims!.participantId,
      badge_denial: badgeDenial,
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
