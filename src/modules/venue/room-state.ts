import { and, asc, desc, eq, gt, inArray, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import type { TenantTx } from '../../core/db/tenant.ts';
import { annonces, events, rooms, sessions, type SessionStatus } from '../events/schema.ts';

/** A session as a room shows it: what, who, when. */
export interface RoomSession {
  id: string;
  title: string;
  speakerName: string;
  startTime: Date;
  endTime: Date;
}

/** An announcement shown in a room. */
export interface RoomAnnouncement {
  id: string;
  title: string;
  description: string;
  createdAt: Date;
}

/** A room with its event, its capacity and how many badges are inside now. */
export interface RoomPlace {
  id: string;
  name: string;
  capacity: number;
  occupancy: number;
  eventId: string;
  eventName: string;
  timezone: string;
}

/**
 * The announcements a room's public may read: those for everyone and for badge holders
 * (participants, exposants). Staff announcements (controllers, room managers) never reach a screen.
 */
export const ROOM_AUDIENCE_TARGETS = ['all', 'participants', 'exposants'] as const;

/**
 * A session's status at `at`: the manager's override, else the clock (start inclusive, end
 * exclusive) — the rule of `events_session_status`, asked at an instant instead of now.
 */
function statusAt(at: Date): SQL<SessionStatus> {
  return sql<SessionStatus>`coalesce(${sessions.statusOverride}, case
    when ${at.toISOString()}::timestamptz < ${sessions.startTime} then 'pas_encore'
    when ${at.toISOString()}::timestamptz < ${sessions.endTime} then 'en_cours' else 'termine' end)`;
}

const sessionFields = {
  id: sessions.id,
  title: sessions.title,
  speakerName: sessions.speakerName,
  startTime: sessions.startTime,
  endTime: sessions.endTime,
};

/** The room's session running at `at` (the earliest if several do) and the next one to start. */
export async function roomSessions(
  t: TenantTx,
  roomId: string,
  at: Date,
): Promise<{ current: RoomSession | null; next: RoomSession | null }> {
  const [current] = await t.tx
    .select(sessionFields)
    .from(sessions)
    .where(and(eq(sessions.roomId, roomId), eq(statusAt(at), 'en_cours')))
    .orderBy(asc(sessions.startTime))
    .limit(1);
  const [next] = await t.tx
    .select(sessionFields)
    .from(sessions)
    .where(
      and(
        eq(sessions.roomId, roomId),
        gt(sessions.startTime, at),
        eq(statusAt(at), 'pas_encore'),
        current ? ne(sessions.id, current.id) : undefined,
      ),
    )
    .orderBy(asc(sessions.startTime))
    .limit(1);
  return { current: current ?? null, next: next ?? null };
}

/** The latest announcements of the event for the room's public, published by `at`. */
export async function roomAnnouncements(
  t: TenantTx,
  eventId: string,
  at: Date,
  limit = 5,
): Promise<RoomAnnouncement[]> {
  return t.tx
    .select({
      id: annonces.id,
      title: annonces.title,
      description: annonces.description,
      createdAt: annonces.createdAt,
    })
    .from(annonces)
    .where(
      and(
        eq(annonces.eventId, eventId),
        inArray(annonces.target, [...ROOM_AUDIENCE_TARGETS]),
        lte(annonces.createdAt, at),
      ),
    )
    .orderBy(desc(annonces.createdAt), desc(annonces.id))
    .limit(limit);
}

/** The event's sessions still to come or running at `at`, in every room, earliest first. */
export async function eventTimetable(t: TenantTx, eventId: string, at: Date, limit = 12) {
  return t.tx
    .select({ ...sessionFields, roomName: rooms.name })
    .from(sessions)
    .innerJoin(rooms, and(eq(rooms.orgId, sessions.orgId), eq(rooms.id, sessions.roomId)))
    .where(
      and(
        eq(sessions.eventId, eventId),
        eq(rooms.isActive, true),
        or(eq(statusAt(at), 'en_cours'), eq(statusAt(at), 'pas_encore')),
      ),
    )
    .orderBy(asc(sessions.startTime), asc(rooms.name))
    .limit(limit);
}

/** A room with its event, as the room page and the room panel name it (`where` picks the room). */
export async function roomPlace(t: TenantTx, where: SQL): Promise<RoomPlace | undefined> {
  const [row] = await t.tx
    .select({
      id: rooms.id,
      name: rooms.name,
      capacity: rooms.capacity,
      occupancy: rooms.currentOccupancy,
      eventId: events.id,
      eventName: events.name,
      timezone: events.timezone,
    })
    .from(rooms)
    .innerJoin(events, and(eq(events.orgId, rooms.orgId), eq(events.id, rooms.eventId)))
    .where(where);
  return row;
}
