import { and, eq, getTableColumns, inArray, ne, sql } from 'drizzle-orm';
import { requireWriter } from '../../core/access/actor.ts';
import { windowsOverlap } from '../../core/access/assignment.ts';
import { audit } from '../../core/audit/service.ts';
import { queryRows } from '../../core/db/client.ts';
import { memberships } from '../../core/db/platform-schema.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { keyset, type PageQuery } from '../../core/http/pagination.ts';
import { conflict, invalidField, notFound, unprocessable } from '../../core/http/problem.ts';
import { phrase } from '../../core/http/problem-texts.ts';
import { eventPolicy, roomAssignmentPolicy, roomPolicy, sessionPolicy } from './policy.ts';
import { liveEvent } from '../../core/events/bus.ts';
import { roomDoorAudience } from './live.ts';
import { occupancyData } from './views.ts';
import {
  eventAssignments,
  events,
  participants,
  roomAccesses,
  roomAssignments,
  rooms,
  sessions,
  type SessionStatus,
} from './schema.ts';
import { fromJson } from './rows.ts';

export type Event = typeof events.$inferSelect;
export type Room = typeof rooms.$inferSelect;
/** A session row with the status it shows now (the SQL function `events_session_status`). */
export type Session = typeof sessions.$inferSelect & { status: SessionStatus };
export type RoomAssignment = typeof roomAssignments.$inferSelect;

// ---------------------------------------------------------------- events

export interface EventInput {
  name: string;
  description?: string;
  location?: string;
  startDate: Date;
  endDate: Date;
  status?: Event['status'];
  presidentId?: number | null;
  timezone?: string;
}

function checkDates(start: Date, end: Date, path = 'body.end_date') {
  if (end <= start) throw invalidField(path, 'must be after the start');
}

/** A user of this org (active membership), or a 400 on `path`. */
export async function assertMember(t: TenantTx, userId: number, path: string) {
  const [m] = await t.tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.isActive, true)));
  if (!m) throw invalidField(path, 'is not a member of this organization');
}

export async function createEvent(t: TenantTx, input: EventInput): Promise<Event> {
  requireWriter(t.actor);
  checkDates(input.startDate, input.endDate);
  if (input.presidentId != null) await assertMember(t, input.presidentId, 'body.president_id');
  const [event] = await t.tx
    .insert(events)
    .values({
      orgId: t.orgId,
      name: input.name,
      description: input.description ?? '',
      location: input.location ?? '',
      startDate: input.startDate,
      endDate: input.endDate,
      status: input.status ?? 'draft',
      timezone: input.timezone ?? 'Europe/Paris',
      createdBy: t.actor.userId,
      presidentId: input.presidentId ?? t.actor.userId,
    })
    .returning();
  await audit(t, {
    action: 'create',
    entityType: 'event',
    entityId: event.id,
    message: `Event created: ${event.name}`,
    after: event,
  });
  return event;
}

export async function listEvents(t: TenantTx, page: PageQuery) {
  const ks = keyset<Event>({ columns: [events.startDate, events.id], key: (e) => [e.startDate, e.id], page });
  const rows = await t.tx
    .select()
    .from(events)
    .where(and(eventPolicy.visible(t.actor), eq(events.isActive, true), ks.after))
    .orderBy(...ks.orderBy)
    .limit(ks.limit);
  return ks.finish(rows);
}

async function loadEvent(t: TenantTx, eventId: string): Promise<Event> {
  const [event] = await t.tx
    .select()
    .from(events)
    .where(and(eq(events.id, eventId), eq(events.isActive, true)));
  if (!event) throw notFound('Event');
  return event;
}

export async function getEvent(
  t: TenantTx,
  eventId: string,
  action: 'see' | 'manage' | 'scan' | 'announce' = 'see',
): Promise<Event> {
  return eventPolicy.load(t.tx, t.actor, action, and(eq(events.id, eventId), eq(events.isActive, true))!);
}

export async function updateEvent(t: TenantTx, eventId: string, patch: Partial<EventInput>): Promise<Event> {
  const before = await getEvent(t, eventId, 'manage');
  const start = patch.startDate ?? before.startDate;
  const end = patch.endDate ?? before.endDate;
  checkDates(start, end, patch.endDate ? 'body.end_date' : 'body.start_date');
  if (patch.presidentId != null) await assertMember(t, patch.presidentId, 'body.president_id');
  const [outside] = await t.tx
    .select({ id: sessions.id })
    .from(sessions)
    .where(
      and(
        eq(sessions.eventId, eventId),
        sql`(${sessions.startTime} < ${start.toISOString()}::timestamptz
          or ${sessions.endTime} > ${end.toISOString()}::timestamptz)`,
      ),
    )
    .limit(1);
  if (outside) throw unprocessable('Sessions would fall outside the new event dates; move them first');
  return writeEvent(t, eventId, patch, { message: (after) => `Event updated: ${after.name}`, before });
}

/**
 * Writes a change to the event row with its audit line. The trail shows `before` and `after`
 * (the whole row after the change unless said otherwise).
 */
export async function writeEvent(
  t: TenantTx,
  eventId: string,
  change: Partial<typeof events.$inferInsert>,
  trail: {
    message: (after: Event) => string;
    before: Record<string, unknown>;
    after?: Record<string, unknown>;
  },
): Promise<Event> {
  const [after] = await t.tx
    .update(events)
    .set({ ...change, updatedAt: new Date() })
    .where(eq(events.id, eventId))
    .returning();
  await audit(t, {
    action: 'update',
    entityType: 'event',
    entityId: eventId,
    message: trail.message(after),
    before: trail.before,
    after: trail.after ?? after,
  });
  return after;
}

export async function deleteEvent(t: TenantTx, eventId: string): Promise<void> {
  const before = await getEvent(t, eventId, 'manage');
  await t.tx.update(events).set({ isActive: false, updatedAt: new Date() }).where(eq(events.id, eventId));
  await audit(t, {
    action: 'delete',
    entityType: 'event',
    entityId: eventId,
    message: `Event deleted: ${before.name}`,
    before: { isActive: true },
    after: { isActive: false },
  });
}

// ---------------------------------------------------------------- rooms

export interface RoomInput {
  name: string;
  description?: string;
  location?: string;
  capacity: number;
  doorMode?: Room['doorMode'];
}

export async function createRoom(t: TenantTx, eventId: string, input: RoomInput): Promise<Room> {
  await getEvent(t, eventId, 'manage');
  const [taken] = await t.tx
    .select({ id: rooms.id })
    .from(rooms)
    .where(and(eq(rooms.eventId, eventId), eq(rooms.name, input.name)));
  if (taken)
    throw conflict(phrase('room.nameTaken', { name: input.name }), [
      { path: 'body.name', message: 'already used in this event' },
    ]);
  const [room] = await t.tx
    .insert(rooms)
    .values({
      orgId: t.orgId,
      eventId,
      name: input.name,
      description: input.description ?? '',
      location: input.location ?? '',
      capacity: input.capacity,
      doorMode: input.doorMode ?? 'both',
    })
    .returning();
  await audit(t, {
    action: 'create',
    entityType: 'event_room',
    entityId: room.id,
    message: `Room created: ${room.name}`,
    after: room,
  });
  return room;
}

export async function listRooms(t: TenantTx, eventId: string, page: PageQuery) {
  await getEvent(t, eventId);
  const ks = keyset<Room>({ columns: [rooms.name, rooms.id], key: (r) => [r.name, r.id], page });
  const rows = await t.tx
    .select()
    .from(rooms)
    .where(and(eq(rooms.eventId, eventId), eq(rooms.isActive, true), roomPolicy.visible(t.actor), ks.after))
    .orderBy(...ks.orderBy)
    .limit(ks.limit);
  return ks.finish(rows);
}

const roomRow = (eventId: string, roomId: string) =>
  and(eq(rooms.id, roomId), eq(rooms.eventId, eventId), eq(rooms.isActive, true))!;

export async function getRoom(
  t: TenantTx,
  eventId: string,
  roomId: string,
  action: 'see' | 'manage' | 'schedule' | 'empty' = 'see',
): Promise<Room> {
  return roomPolicy.load(t.tx, t.actor, action, roomRow(eventId, roomId));
}

/**
 * End of session: every badge inside is checked out, each with an exit recorded (status granted,
 * reason `room_emptied`), and the count drops by exactly that many, in one transaction, audited.
 * The badges are locked before the room, the order a door scan takes them in, so an emptying and
 * scans never deadlock; a badge let in while the room empties is not among those checked out and
 * stays counted inside.
 */
export async function emptyRoom(
  t: TenantTx,
  eventId: string,
  roomId: string,
): Promise<{ room: Room; checkedOut: number }> {
  const before = await getRoom(t, eventId, roomId, 'empty');
  const inside = await queryRows<{ id: string }>(
    t.tx,
    sql`select id from ${participants} where ${participants.currentRoomId} = ${roomId}::uuid
        order by id for no key update`,
  );
  const ids = inside.map((p) => p.id);
  const out = ids.length
    ? await t.tx
        .update(participants)
        .set({ currentRoomId: null, updatedAt: new Date() })
        .where(and(inArray(participants.id, ids), eq(participants.currentRoomId, roomId)))
        .returning({ id: participants.id })
    : [];
  const [now] = await queryRows<{ id: string | null }>(
    t.tx,
    sql`select (select s.id from events_session_now(${roomId}::uuid) s) as id`,
  );
  if (out.length)
    await t.tx.insert(roomAccesses).values(
      out.map((p) => ({
        orgId: t.orgId,
        eventId,
        roomId,
        sessionId: now?.id ?? null,
        participantId: p.id,
        status: 'granted' as const,
        reason: 'room_emptied' as const,
        verifiedBy: t.actor.userId,
        direction: 'out' as const,
      })),
    );
  const [room] = await t.tx
    .update(rooms)
    .set({
      currentOccupancy: sql`greatest(${rooms.currentOccupancy} - ${out.length}, 0)`,
      updatedAt: new Date(),
    })
    .where(eq(rooms.id, roomId))
    .returning();
  await audit(t, {
    action: 'empty',
    entityType: 'event_room',
    entityId: roomId,
    message: `Room emptied: ${room.name}, ${out.length} badge(s) checked out`,
    before: { currentOccupancy: before.currentOccupancy },
    after: { currentOccupancy: room.currentOccupancy, checkedOut: out.map((p) => p.id) },
  });
  t.publish(
    liveEvent(
      t.orgId,
      'events.room.occupancy',
      occupancyData(eventId, room),
      await roomDoorAudience(t, eventId, roomId),
    ),
  );
  return { room, checkedOut: out.length };
}

export async function updateRoom(
  t: TenantTx,
  eventId: string,
  roomId: string,
  patch: Partial<RoomInput>,
): Promise<Room> {
  const before = await getRoom(t, eventId, roomId, 'manage');
  const capacity = patch.capacity ?? before.capacity;
  if (before.currentOccupancy > capacity) {
    throw unprocessable(
      phrase('room.capacityBelowOccupancy', { capacity, occupancy: before.currentOccupancy }),
      [{ path: 'body.capacity', message: 'capacity below occupancy' }],
    );
  }
  if (patch.name && patch.name !== before.name) {
    const [taken] = await t.tx
      .select({ id: rooms.id })
      .from(rooms)
      .where(and(eq(rooms.eventId, eventId), eq(rooms.name, patch.name)));
    if (taken)
      throw conflict(phrase('room.nameTaken', { name: patch.name }), [
        { path: 'body.name', message: 'already used in this event' },
      ]);
  }
  const [after] = await t.tx
    .update(rooms)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(rooms.id, roomId))
    .returning();
  await audit(t, {
    action: 'update',
    entityType: 'event_room',
    entityId: roomId,
    message: `Room updated: ${after.name}`,
    before,
    after,
  });
  return after;
}

export async function deleteRoom(t: TenantTx, eventId: string, roomId: string): Promise<void> {
  const before = await getRoom(t, eventId, roomId, 'manage');
  await t.tx.update(rooms).set({ isActive: false, updatedAt: new Date() }).where(eq(rooms.id, roomId));
  await t.tx
    .update(roomAssignments)
    .set({ isActive: false, updatedAt: new Date() })
    .where(eq(roomAssignments.roomId, roomId));
  await audit(t, {
    action: 'delete',
    entityType: 'event_room',
    entityId: roomId,
    message: `Room deleted: ${before.name}`,
    before: { isActive: true },
    after: { isActive: false },
  });
}

// ---------------------------------------------------------------- sessions

/**
 * Session columns plus the status it shows: the manager's override, otherwise what the clock says.
 * The rule is the SQL function the door scan uses to find the session running in a room.
 */
const sessionColumns = {
  ...getTableColumns(sessions),
  status: sql<SessionStatus>`events_session_status(${sessions.statusOverride}, ${sessions.startTime}, ${sessions.endTime})`,
};

/** The stored row, as audit snapshots record it (the status is derived, not stored). */
function storedSession(s: Session): Omit<Session, 'status'> {
  const row: Partial<Session> = { ...s };
  delete row.status;
  return row as Omit<Session, 'status'>;
}

export interface SessionInput {
  roomId: string;
  title: string;
  description?: string;
  speakerName?: string;
  speakerBio?: string;
  startTime: Date;
  endTime: Date;
  sessionType: Session['sessionType'];
  isPaid: boolean;
  price: string;
  youtubeLiveUrl?: string;
  statusOverride?: SessionStatus | null;
}

/** Conferences are free for all; only an atelier may be paid, and a paid one has a price. */
function checkPricing(s: Pick<SessionInput, 'sessionType' | 'isPaid' | 'price'>) {
  const price = Number(s.price);
  if (s.sessionType === 'conference' && s.isPaid)
    throw invalidField('body.is_paid', 'a conference is free for every participant');
  if (s.sessionType === 'conference' && price !== 0)
    throw invalidField('body.price', 'a conference has no price');
  if (s.sessionType === 'atelier' && s.isPaid && price <= 0)
    throw invalidField('body.price', 'a paid atelier needs a price above 0');
  if (s.sessionType === 'atelier' && !s.isPaid && price !== 0)
    throw invalidField('body.price', 'a free atelier has no price (set is_paid)');
}

/**
 * Checks the session fits the event and its room is free then. The room row is locked first so two
 * concurrent bookings of one room serialize and the second sees the first.
 */
async function checkSlot(
  t: TenantTx,
  event: Event,
  s: Pick<SessionInput, 'roomId' | 'startTime' | 'endTime'>,
  exceptId?: string,
) {
  if (s.endTime <= s.startTime) throw invalidField('body.end_time', 'must be after start_time');
  if (s.startTime < event.startDate || s.endTime > event.endDate) {
    throw unprocessable(
      phrase('session.outsideEvent', {
        start: { at: event.startDate, zone: event.timezone },
        end: { at: event.endDate, zone: event.timezone },
      }),
      [
        {
          path: s.startTime < event.startDate ? 'body.start_time' : 'body.end_time',
          message: 'outside the event',
        },
      ],
    );
  }
  await t.tx.execute(sql`select 1 from ${rooms} where ${rooms.id} = ${s.roomId} for update`);
  const [clash] = await t.tx
    .select({
      id: sessions.id,
      title: sessions.title,
      startTime: sessions.startTime,
      endTime: sessions.endTime,
    })
    .from(sessions)
    .where(
      and(
        eq(sessions.roomId, s.roomId),
        windowsOverlap(sessions.startTime, sessions.endTime, s.startTime, s.endTime),
        exceptId ? ne(sessions.id, exceptId) : undefined,
      ),
    )
    .limit(1);
  if (clash) {
    throw conflict(
      phrase('session.roomTaken', {
        title: clash.title,
        start: { at: clash.startTime, zone: event.timezone },
        end: { at: clash.endTime, zone: event.timezone },
      }),
      [{ path: 'body.start_time', message: 'overlaps another session in this room' }],
    );
  }
}

export async function createSession(t: TenantTx, eventId: string, input: SessionInput): Promise<Session> {
  const event = await getEvent(t, eventId);
  await getRoom(t, eventId, input.roomId, 'schedule');
  checkPricing(input);
  await checkSlot(t, event, input);
  const [session] = await t.tx
    .insert(sessions)
    .values({
      orgId: t.orgId,
      eventId,
      roomId: input.roomId,
      title: input.title,
      description: input.description ?? '',
      speakerName: input.speakerName ?? '',
      speakerBio: input.speakerBio ?? '',
      startTime: input.startTime,
      endTime: input.endTime,
      sessionType: input.sessionType,
      isPaid: input.isPaid,
      price: input.price,
      youtubeLiveUrl: input.youtubeLiveUrl ?? '',
      statusOverride: input.statusOverride ?? null,
    })
    .returning(sessionColumns);
  await audit(t, {
    action: 'create',
    entityType: 'event_session',
    entityId: session.id,
    message: `Session created: ${session.title}`,
    after: storedSession(session),
  });
  return session;
}

export async function listSessions(t: TenantTx, eventId: string, opts: { roomId?: string; page: PageQuery }) {
  await getEvent(t, eventId);
  const ks = keyset<Session>({
    columns: [sessions.startTime, sessions.id],
    key: (s) => [s.startTime, s.id],
    page: opts.page,
  });
  const rows = await t.tx
    .select(sessionColumns)
    .from(sessions)
    .where(
      and(
        eq(sessions.eventId, eventId),
        sessionPolicy.visible(t.actor),
        opts.roomId ? eq(sessions.roomId, opts.roomId) : undefined,
        ks.after,
      ),
    )
    .orderBy(...ks.orderBy)
    .limit(ks.limit);
  return ks.finish(rows);
}

const sessionRow = (eventId: string, sessionId: string) =>
  and(eq(sessions.id, sessionId), eq(sessions.eventId, eventId))!;

export async function getSession(
  t: TenantTx,
  eventId: string,
  sessionId: string,
  action: 'see' | 'edit' | 'remove' = 'see',
): Promise<Session> {
  await sessionPolicy.authorize(t.tx, t.actor, action, sessionRow(eventId, sessionId));
  const [session] = await t.tx.select(sessionColumns).from(sessions).where(sessionRow(eventId, sessionId));
  return session;
}

export async function updateSession(
  t: TenantTx,
  eventId: string,
  sessionId: string,
  patch: Partial<SessionInput>,
): Promise<Session> {
  const before = await getSession(t, eventId, sessionId, 'edit');
  const merged = { ...storedSession(before), ...patch };
  // Moving a session to another room needs the right to schedule there too.
  if (patch.roomId && patch.roomId !== before.roomId) await getRoom(t, eventId, patch.roomId, 'schedule');
  checkPricing(merged);
  if (patch.roomId || patch.startTime || patch.endTime)
    await checkSlot(t, await loadEvent(t, eventId), merged, sessionId);
  const [after] = await t.tx
    .update(sessions)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(sessions.id, sessionId))
    .returning(sessionColumns);
  await audit(t, {
    action: 'update',
    entityType: 'event_session',
    entityId: sessionId,
    message: `Session updated: ${after.title}`,
    before: storedSession(before),
    after: storedSession(after),
  });
  return after;
}

export async function deleteSession(t: TenantTx, eventId: string, sessionId: string): Promise<void> {
  const before = await getSession(t, eventId, sessionId, 'remove');
  // Scan history outlives the session; it just stops naming it.
  await t.tx.update(roomAccesses).set({ sessionId: null }).where(eq(roomAccesses.sessionId, sessionId));
  await t.tx.delete(sessions).where(eq(sessions.id, sessionId));
  await audit(t, {
    action: 'delete',
    entityType: 'event_session',
    entityId: sessionId,
    message: `Session deleted: ${before.title}`,
    before: storedSession(before),
  });
}

// ---------------------------------------------------------------- room slots (RoomAssignment)

export interface RoomSlotInput {
  userId: number;
  roomId: string;
  role: 'gestionnaire_des_salles' | 'controlleur_des_badges';
  startsAt: Date;
  endsAt: Date;
}

export async function assignRoom(
  t: TenantTx,
  eventId: string,
  input: RoomSlotInput,
): Promise<RoomAssignment> {
  const event = await getEvent(t, eventId, 'manage');
  await getRoom(t, eventId, input.roomId);
  if (input.endsAt <= input.startsAt) throw invalidField('body.end_time', 'must be after start_time');
  const [role] = await t.tx
    .select({ role: eventAssignments.role })
    .from(eventAssignments)
    .where(
      and(
        eq(eventAssignments.eventId, eventId),
        eq(eventAssignments.userId, input.userId),
        eq(eventAssignments.isActive, true),
      ),
    );
  if (role?.role !== input.role) {
    throw unprocessable(phrase('event.roleMissing', { role: input.role }), [
      { path: 'body.role', message: 'assign the event role first' },
    ]);
  }
  // One room at a time, across every event: serialize slot changes per user, then look for overlaps.
  await t.tx.execute(
    sql`select pg_advisory_xact_lock(hashtext(${`room_assignment:${t.orgId}:${input.userId}`}))`,
  );
  const [clash] = await t.tx
    .select({
      id: roomAssignments.id,
      roomId: roomAssignments.roomId,
      startsAt: roomAssignments.startsAt,
      endsAt: roomAssignments.endsAt,
    })
    .from(roomAssignments)
    .where(
      and(
        eq(roomAssignments.userId, input.userId),
        eq(roomAssignments.isActive, true),
        windowsOverlap(roomAssignments.startsAt, roomAssignments.endsAt, input.startsAt, input.endsAt),
      ),
    )
    .limit(1);
  if (clash) {
    throw conflict(
      phrase('roomSlot.userBusy', {
        start: { at: clash.startsAt!, zone: event.timezone },
        end: { at: clash.endsAt!, zone: event.timezone },
      }),
      [{ path: 'body.start_time', message: 'overlaps another room slot of this user' }],
    );
  }
  const [slot] = await t.tx
    .insert(roomAssignments)
    .values({
      orgId: t.orgId,
      eventId,
      roomId: input.roomId,
      userId: input.userId,
      role: input.role,
      startsAt: input.startsAt,
      endsAt: input.endsAt,
      assignedBy: t.actor.userId,
    })
    .returning();
  await audit(t, {
    action: 'assign',
    entityType: 'room_assignment',
    entityId: slot.id,
    message: `User ${input.userId} assigned to room ${input.roomId} as ${input.role}`,
    after: slot,
  });
  return slot;
}

export async function listRoomAssignments(
  t: TenantTx,
  eventId: string,
  opts: { roomId?: string; userId?: number; page: PageQuery },
) {
  await getEvent(t, eventId);
  const ks = keyset<RoomAssignment>({
    columns: [roomAssignments.startsAt, roomAssignments.id],
    key: (a) => [a.startsAt, a.id],
    page: opts.page,
  });
  const rows = await t.tx
    .select()
    .from(roomAssignments)
    .where(
      and(
        eq(roomAssignments.eventId, eventId),
        eq(roomAssignments.isActive, true),
        roomAssignmentPolicy.visible(t.actor),
        opts.roomId ? eq(roomAssignments.roomId, opts.roomId) : undefined,
        opts.userId ? eq(roomAssignments.userId, opts.userId) : undefined,
        ks.after,
      ),
    )
    .orderBy(...ks.orderBy)
    .limit(ks.limit);
  return ks.finish(rows);
}

export async function endRoomAssignment(t: TenantTx, eventId: string, slotId: string): Promise<void> {
  const where = and(
    eq(roomAssignments.id, slotId),
    eq(roomAssignments.eventId, eventId),
    eq(roomAssignments.isActive, true),
  )!;
  const before = await roomAssignmentPolicy.load(t.tx, t.actor, 'manage', where);
  await t.tx
    .update(roomAssignments)
    .set({ isActive: false, updatedAt: new Date() })
    .where(eq(roomAssignments.id, slotId));
  await audit(t, {
    action: 'unassign',
    entityType: 'room_assignment',
    entityId: slotId,
    message: `Room slot of user ${before.userId} removed`,
    before,
    after: { ...before, isActive: false },
  });
}

/**
 * The room the actor staffs right now in this event (as gestionnaire or controller), with its slot:
 * the SQL function `events_room_held_now`, the same one the door scan asks.
 */
export async function currentRoom(
  t: TenantTx,
  eventId: string,
  role?: RoomSlotInput['role'],
): Promise<{ room: Room; slot: RoomAssignment } | null> {
  if (t.actor.userId === null) return null;
  const [row] = await queryRows<{ room: Record<string, unknown>; slot: Record<string, unknown> }>(
    t.tx,
    sql`select to_jsonb(r) as room, to_jsonb(a) as slot
          from events_room_held_now(${eventId}::uuid, ${t.actor.userId}::bigint, ${role ?? null}::text) a
          join ${rooms} r on r.org_id = a.org_id and r.id = a.room_id`,
  );
  return row ? { room: fromJson(rooms, row.room), slot: fromJson(roomAssignments, row.slot) } : null;
}
