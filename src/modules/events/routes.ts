import { z } from 'zod';
import { actorOf, tenant, tenantDeps, type RosterApp } from '../../core/http/app.ts';
import { bodyIntId, intId, uuidParam } from '../../core/db/ids.ts';
import { pageOf, pageQuery } from '../../core/http/pagination.ts';
import { qrPng, qrSvg } from './badges.ts';
import {
  ACCESS_STATUSES,
  BADGE_ROLES,
  EVENT_ROLES,
  EVENT_STATUSES,
  PAYMENT_STATUSES,
  ROOM_ROLES,
  SESSION_STATUSES,
  SESSION_TYPES,
} from './schema.ts';
import * as svc from './service.ts';
import * as access from './participants.ts';

// ---------------------------------------------------------------- input mapping of old values (seed 004 § Data Migration)

const OLD_ROLES: Record<string, string> = { organisateur: 'gestionnaire_des_salles' };
const OLD_STATUSES: Record<string, string> = {
  scheduled: 'pas_encore',
  live: 'en_cours',
  completed: 'termine',
};
const renamed = (map: Record<string, string>) => (v: unknown) =>
  typeof v === 'string' && v in map ? map[v] : v;

const eventRole = z.preprocess(renamed(OLD_ROLES), z.enum(EVENT_ROLES));
const roomRole = z.preprocess(renamed(OLD_ROLES), z.enum(ROOM_ROLES));
/** `cancelled` is gone (seed 004): it is refused like any unknown status. */
const sessionStatus = z.preprocess(renamed(OLD_STATUSES), z.enum(SESSION_STATUSES));
const instant = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time with offset' })
  .transform((s) => new Date(s));
const money = z
  .union([z.number(), z.string().regex(/^\d+(\.\d{1,2})?$/, 'must be an amount like 25.00')])
  .transform((v) => Number(v).toFixed(2))
  .refine((v) => Number(v) >= 0 && Number(v) < 1e8, 'out of range');
const text = (max: number) => z.string().trim().max(max);
const name = (max = 200) => z.string().trim().min(1).max(max);

// ---------------------------------------------------------------- views

const iso = (d: Date | null) => (d ? d.toISOString() : null);

const eventOut = z.object({
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
const eventView = (e: svc.Event) => ({
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
});
export const roomView = (r: svc.Room) => ({
  id: r.id,
  event_id: r.eventId,
  name: r.name,
  description: r.description,
  location: r.location,
  capacity: r.capacity,
  current_occupancy: r.currentOccupancy,
});

const sessionOut = z.object({
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
const sessionView = (s: svc.Session) => ({
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

const assignmentOut = z.object({
  id: z.string(),
  event_id: z.string(),
  user_id: z.number(),
  role: z.enum(EVENT_ROLES),
  assigned_by: z.number().nullable(),
  assigned_at: z.string(),
});
const assignmentView = (a: svc.EventAssignment) => ({
  id: a.id,
  event_id: a.eventId,
  user_id: a.userId,
  role: a.role,
  assigned_by: a.assignedBy,
  assigned_at: a.assignedAt.toISOString(),
});

const slotOut = z.object({
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
const slotView = (a: svc.RoomAssignment) => ({
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
export const participantView = (secret: string) => (p: access.Participant) => ({
  id: p.id,
  event_id: p.eventId,
  user_id: p.userId,
  role: p.role,
  full_name: p.fullName,
  email: p.email,
  badge_id: p.badgeId,
  qr_payload: access.qrPayloadOf(secret, p),
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
  reason: z.string().nullable(),
  verified_by: z.number().nullable(),
  scanned_at: z.string(),
});
export const scanView = (s: access.RoomAccess) => ({
  id: s.id,
  event_id: s.eventId,
  room_id: s.roomId,
  session_id: s.sessionId,
  participant_id: s.participantId,
  status: s.status,
  reason: s.reason,
  verified_by: s.verifiedBy,
  scanned_at: s.scannedAt.toISOString(),
});

const sessionAccessOut = z.object({
  id: z.string(),
  session_id: z.string(),
  participant_id: z.string(),
  payment_status: z.enum(PAYMENT_STATUSES),
  paid_at: z.string().nullable(),
  amount_paid: z.string(),
});
const sessionAccessView = (a: access.SessionAccess) => ({
  id: a.id,
  session_id: a.sessionId,
  participant_id: a.participantId,
  payment_status: a.paymentStatus,
  paid_at: iso(a.paidAt),
  amount_paid: Number(a.amountPaid).toFixed(2),
});

// ---------------------------------------------------------------- bodies

const knownZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};
const timezone = z.string().max(64).refine(knownZone, 'must be an IANA time zone such as Europe/Paris');
const eventBody = z.strictObject({
  name: name(),
  description: text(5000).optional(),
  location: text(300).optional(),
  start_date: instant,
  end_date: instant,
  timezone: timezone.optional(),
  status: z.enum(EVENT_STATUSES).optional(),
  president_id: bodyIntId.nullable().optional(),
});
const eventPatch = eventBody.partial();
const eventInput = (b: z.infer<typeof eventPatch>) => ({
  name: b.name,
  description: b.description,
  location: b.location,
  startDate: b.start_date,
  endDate: b.end_date,
  timezone: b.timezone,
  status: b.status,
  presidentId: b.president_id,
});

const roomBody = z.strictObject({
  name: name(),
  description: text(5000).optional(),
  location: text(300).optional(),
  capacity: z.number().int().min(0).max(1_000_000),
});
const roomPatch = roomBody.partial().extend({ current_occupancy: z.number().int().min(0).optional() });

const sessionBody = z.strictObject({
  room_id: uuidParam,
  title: name(300),
  description: text(10000).optional(),
  speaker_name: text(200).optional(),
  speaker_bio: text(5000).optional(),
  start_time: instant,
  end_time: instant,
  session_type: z.enum(SESSION_TYPES).default('conference'),
  is_paid: z.boolean().default(false),
  price: money.default('0.00'),
  youtube_live_url: z.union([z.url({ protocol: /^https?$/ }), z.literal('')]).optional(),
  status: sessionStatus.nullable().optional(),
});
const sessionPatch = z
  .strictObject({
    ...sessionBody.shape,
    session_type: z.enum(SESSION_TYPES),
    is_paid: z.boolean(),
    price: money,
  })
  .partial();
const sessionInput = (b: z.infer<typeof sessionPatch>): Partial<svc.SessionInput> => {
  const out: Partial<svc.SessionInput> = {
    roomId: b.room_id,
    title: b.title,
    description: b.description,
    speakerName: b.speaker_name,
    speakerBio: b.speaker_bio,
    startTime: b.start_time,
    endTime: b.end_time,
    sessionType: b.session_type,
    isPaid: b.is_paid,
    price: b.price,
    youtubeLiveUrl: b.youtube_live_url,
    statusOverride: b.status,
  };
  return Object.fromEntries(
    Object.entries(out).filter(([, v]) => v !== undefined),
  ) as Partial<svc.SessionInput>;
};
const definedOnly = <T extends object>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

const eventParams = z.object({ id: uuidParam });
const qrBody = z.strictObject({ qr: z.string().min(1).max(500) });

export function registerEventRoutes(app: RosterApp) {
  const tags = ['events'];
  const secret = app.deps.config.secret;
  const pview = participantView(secret);
  const base = '/api/events/events';

  // ---------------------------------------------------------------- events
  app.get(
    base,
    {
      schema: {
        tags,
        summary: 'Events I take part in (all of them for org admins)',
        querystring: pageQuery,
        response: { 200: pageOf(eventOut) },
      },
    },
    async (req) =>
      tenant(req, async (t) => {
        const page = await svc.listEvents(t, req.query);
        return { items: page.items.map(eventView), next_cursor: page.next_cursor };
      }),
  );
  app.post(
    base,
    {
      schema: {
        tags,
        summary: 'Create an event; the creator (and its president) control it fully',
        body: eventBody,
        response: { 201: eventOut },
      },
    },
    async (req, reply) => {
      const event = await tenant(req, (t) => svc.createEvent(t, eventInput(req.body) as svc.EventInput));
      return reply.code(201).send(eventView(event));
    },
  );
  app.get(
    `${base}/:id`,
    { schema: { tags, summary: 'One event', params: eventParams, response: { 200: eventOut } } },
    async (req) => tenant(req, async (t) => eventView(await svc.getEvent(t, req.params.id))),
  );
  app.patch(
    `${base}/:id`,
    {
      schema: {
        tags,
        summary: 'Change an event (creator, president, org admins)',
        params: eventParams,
        body: eventPatch,
        response: { 200: eventOut },
      },
    },
    async (req) =>
      tenant(req, async (t) =>
        eventView(await svc.updateEvent(t, req.params.id, definedOnly(eventInput(req.body)))),
      ),
  );
  app.delete(
    `${base}/:id`,
    { schema: { tags, summary: 'Delete an event (soft)', params: eventParams } },
    async (req, reply) => {
      await tenant(req, (t) => svc.deleteEvent(t, req.params.id));
      return reply.code(204).send();
    },
  );

  // ---------------------------------------------------------------- rooms
  const roomParams = z.object({ id: uuidParam, roomId: uuidParam });
  app.get(
    `${base}/:id/rooms`,
    {
      schema: {
        tags,
        summary: 'Rooms of the event',
        params: eventParams,
        querystring: pageQuery,
        response: { 200: pageOf(roomOut) },
      },
    },
    async (req) =>
      tenant(req, async (t) => {
        const page = await svc.listRooms(t, req.params.id, req.query);
        return { items: page.items.map(roomView), next_cursor: page.next_cursor };
      }),
  );
  app.post(
    `${base}/:id/rooms`,
    {
      schema: {
        tags,
        summary: 'Add a room',
        params: eventParams,
        body: roomBody,
        response: { 201: roomOut },
      },
    },
    async (req, reply) => {
      const room = await tenant(req, (t) => svc.createRoom(t, req.params.id, req.body));
      return reply.code(201).send(roomView(room));
    },
  );
  app.get(
    `${base}/:id/rooms/:roomId`,
    { schema: { tags, summary: 'One room', params: roomParams, response: { 200: roomOut } } },
    async (req) => tenant(req, async (t) => roomView(await svc.getRoom(t, req.params.id, req.params.roomId))),
  );
  app.patch(
    `${base}/:id/rooms/:roomId`,
    {
      schema: {
        tags,
        summary: 'Change a room (also resets occupancy)',
        params: roomParams,
        body: roomPatch,
        response: { 200: roomOut },
      },
    },
    async (req) =>
      tenant(req, async (t) => {
        const { current_occupancy, ...rest } = req.body;
        return roomView(
          await svc.updateRoom(
            t,
            req.params.id,
            req.params.roomId,
            definedOnly({ ...rest, currentOccupancy: current_occupancy }),
          ),
        );
      }),
  );
  app.delete(
    `${base}/:id/rooms/:roomId`,
    { schema: { tags, summary: 'Remove a room (soft; ends its staff slots)', params: roomParams } },
    async (req, reply) => {
      await tenant(req, (t) => svc.deleteRoom(t, req.params.id, req.params.roomId));
      return reply.code(204).send();
    },
  );

  // ---------------------------------------------------------------- sessions
  const sessionParams = z.object({ id: uuidParam, sessionId: uuidParam });
  app.get(
    `${base}/:id/sessions`,
    {
      schema: {
        tags,
        summary: 'Programme: sessions I may see (a gestionnaire: those of the room they hold now)',
        params: eventParams,
        querystring: pageQuery.extend({ room_id: uuidParam.optional() }),
        response: { 200: pageOf(sessionOut) },
      },
    },
    async (req) =>
      tenant(req, async (t) => {
        const { room_id, ...page } = req.query;
        const result = await svc.listSessions(t, req.params.id, { roomId: room_id, page });
        return { items: result.items.map(sessionView), next_cursor: result.next_cursor };
      }),
  );
  app.post(
    `${base}/:id/sessions`,
    {
      schema: {
        tags,
        summary: 'Schedule a session in a room',
        params: eventParams,
        body: sessionBody,
        response: { 201: sessionOut },
      },
    },
    async (req, reply) => {
      const session = await tenant(req, (t) =>
        svc.createSession(t, req.params.id, sessionInput(req.body) as svc.SessionInput),
      );
      return reply.code(201).send(sessionView(session));
    },
  );
  app.get(
    `${base}/:id/sessions/:sessionId`,
    { schema: { tags, summary: 'One session', params: sessionParams, response: { 200: sessionOut } } },
    async (req) =>
      tenant(req, async (t) => sessionView(await svc.getSession(t, req.params.id, req.params.sessionId))),
  );
  app.patch(
    `${base}/:id/sessions/:sessionId`,
    {
      schema: {
        tags,
        summary: 'Change a session; `status` overrides the clock, `status: null` returns to it',
        params: sessionParams,
        body: sessionPatch,
        response: { 200: sessionOut },
      },
    },
    async (req) =>
      tenant(req, async (t) =>
        sessionView(await svc.updateSession(t, req.params.id, req.params.sessionId, sessionInput(req.body))),
      ),
  );
  app.delete(
    `${base}/:id/sessions/:sessionId`,
    { schema: { tags, summary: 'Delete a session (event managers)', params: sessionParams } },
    async (req, reply) => {
      await tenant(req, (t) => svc.deleteSession(t, req.params.id, req.params.sessionId));
      return reply.code(204).send();
    },
  );

  // ---------------------------------------------------------------- paid atelier access
  app.get(
    `${base}/:id/sessions/:sessionId/access`,
    {
      schema: {
        tags,
        summary: 'Payment marks of a paid atelier (event managers)',
        params: sessionParams,
        querystring: pageQuery,
        response: { 200: pageOf(sessionAccessOut) },
      },
    },
    async (req) =>
      tenant(req, async (t) => {
        const page = await access.listSessionAccesses(t, req.params.id, req.params.sessionId, req.query);
        return { items: page.items.map(sessionAccessView), next_cursor: page.next_cursor };
      }),
  );
  app.put(
    `${base}/:id/sessions/:sessionId/access`,
    {
      schema: {
        tags,
        summary: 'Mark a participant’s access to a paid atelier (no gateway: by hand)',
        params: sessionParams,
        body: z.strictObject({
          participant_id: uuidParam,
          payment_status: z.enum(PAYMENT_STATUSES),
          amount_paid: money.optional(),
        }),
        response: { 200: sessionAccessOut },
      },
    },
    async (req) =>
      tenant(req, async (t) =>
        sessionAccessView(
          await access.setSessionAccess(t, req.params.id, req.params.sessionId, {
            participantId: req.body.participant_id,
            paymentStatus: req.body.payment_status,
            amountPaid: req.body.amount_paid,
          }),
        ),
      ),
  );

  // ---------------------------------------------------------------- per-event roles
  app.get(
    `${base}/:id/assignments`,
    {
      schema: {
        tags,
        summary: 'Roles in the event (managers: all; others: their own)',
        params: eventParams,
        querystring: pageQuery.extend({ role: eventRole.optional() }),
        response: { 200: pageOf(assignmentOut) },
      },
    },
    async (req) =>
      tenant(req, async (t) => {
        const { role, ...page } = req.query;
        const result = await svc.listEventAssignments(t, req.params.id, { role, page });
        return { items: result.items.map(assignmentView), next_cursor: result.next_cursor };
      }),
  );
  app.post(
    `${base}/:id/assignments`,
    {
      schema: {
        tags,
        summary: 'Give a user a role in the event (participants and exposants get a badge)',
        params: eventParams,
        body: z.strictObject({ user_id: bodyIntId, role: eventRole }),
        response: { 201: assignmentOut },
      },
    },
    async (req, reply) => {
      const a = await tenant(req, (t) =>
        svc.assignEventRole(t, req.params.id, { userId: req.body.user_id, role: req.body.role }),
      );
      return reply.code(201).send(assignmentView(a));
    },
  );
  app.delete(
    `${base}/:id/assignments/:assignmentId`,
    {
      schema: {
        tags,
        summary: 'Take a role away (ends room slots, deactivates the badge)',
        params: z.object({ id: uuidParam, assignmentId: uuidParam }),
      },
    },
    async (req, reply) => {
      await tenant(req, (t) => svc.removeEventRole(t, req.params.id, req.params.assignmentId));
      return reply.code(204).send();
    },
  );

  // ---------------------------------------------------------------- room slots
  app.get(
    `${base}/:id/room-assignments`,
    {
      schema: {
        tags,
        summary: 'Room slots (managers: all; staff: their own)',
        params: eventParams,
        querystring: pageQuery.extend({ room_id: uuidParam.optional(), user_id: intId.optional() }),
        response: { 200: pageOf(slotOut) },
      },
    },
    async (req) =>
      tenant(req, async (t) => {
        const { room_id, user_id, ...page } = req.query;
        const result = await svc.listRoomAssignments(t, req.params.id, {
          roomId: room_id,
          userId: user_id,
          page,
        });
        return { items: result.items.map(slotView), next_cursor: result.next_cursor };
      }),
  );
  app.post(
    `${base}/:id/room-assignments`,
    {
      schema: {
        tags,
        summary: 'Put a gestionnaire or controller in a room for a time slot (one room at a time)',
        params: eventParams,
        body: z.strictObject({
          user_id: bodyIntId,
          room_id: uuidParam,
          role: roomRole,
          start_time: instant,
          end_time: instant,
        }),
        response: { 201: slotOut },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const slot = await tenant(req, (t) =>
        svc.assignRoom(t, req.params.id, {
          userId: b.user_id,
          roomId: b.room_id,
          role: b.role,
          startsAt: b.start_time,
          endsAt: b.end_time,
        }),
      );
      return reply.code(201).send(slotView(slot));
    },
  );
  app.delete(
    `${base}/:id/room-assignments/:slotId`,
    { schema: { tags, summary: 'End a room slot', params: z.object({ id: uuidParam, slotId: uuidParam }) } },
    async (req, reply) => {
      await tenant(req, (t) => svc.endRoomAssignment(t, req.params.id, req.params.slotId));
      return reply.code(204).send();
    },
  );
  app.get(
    `${base}/:id/my-room`,
    {
      schema: {
        tags,
        summary: 'The room I staff right now (from the clock), or null',
        params: eventParams,
        response: { 200: z.object({ room: roomOut.nullable(), assignment: slotOut.nullable() }) },
      },
    },
    async (req) =>
      tenant(req, async (t) => {
        await svc.getEvent(t, req.params.id);
        const here = await svc.currentRoom(t, req.params.id);
        return { room: here ? roomView(here.room) : null, assignment: here ? slotView(here.slot) : null };
      }),
  );

  // ---------------------------------------------------------------- participants and badges
  const participantParams = z.object({ id: uuidParam, participantId: uuidParam });
  app.get(
    `${base}/:id/participants`,
    {
      schema: {
        tags,
        summary: 'Badges (managers and controllers: all; a participant: their own)',
        params: eventParams,
        querystring: pageQuery.extend({
          q: z.string().max(100).optional(),
          role: z.enum(BADGE_ROLES).optional(),
          checked_in: z.enum(['true', 'false']).optional(),
        }),
        response: { 200: pageOf(participantOut) },
      },
    },
    async (req) =>
      tenant(req, async (t) => {
        const { q, role, checked_in, ...page } = req.query;
        const result = await access.listParticipants(t, req.params.id, {
          q,
          role,
          checkedIn: checked_in === undefined ? undefined : checked_in === 'true',
          page,
        });
        return { items: result.items.map(pview), next_cursor: result.next_cursor };
      }),
  );
  app.post(
    `${base}/:id/participants`,
    {
      schema: {
        tags,
        summary: 'Register a participant or exposant (with or without a login) and issue a badge',
        params: eventParams,
        body: z.strictObject({
          full_name: name(),
          email: z.email().max(254).nullable().optional(),
          role: z.enum(BADGE_ROLES).default('participant'),
        }),
        response: { 201: participantOut },
      },
    },
    async (req, reply) => {
      const p = await tenant(req, (t) =>
        access.registerParticipant(t, req.params.id, {
          fullName: req.body.full_name,
          email: req.body.email,
          role: req.body.role,
        }),
      );
      return reply.code(201).send(pview(p));
    },
  );
  app.get(
    `${base}/:id/participants/:participantId`,
    { schema: { tags, summary: 'One badge', params: participantParams, response: { 200: participantOut } } },
    async (req) =>
      tenant(req, async (t) =>
        pview(await access.getParticipant(t, req.params.id, req.params.participantId)),
      ),
  );
  app.get(
    `${base}/:id/participants/:participantId/qr.svg`,
    { schema: { tags, summary: 'The badge QR code as SVG', params: participantParams } },
    async (req, reply) => {
      const p = await tenant(req, (t) => access.getParticipant(t, req.params.id, req.params.participantId));
      return reply.type('image/svg+xml').send(await qrSvg(access.qrPayloadOf(secret, p)));
    },
  );
  app.get(
    `${base}/:id/participants/:participantId/qr.png`,
    { schema: { tags, summary: 'The badge QR code as PNG', params: participantParams } },
    async (req, reply) => {
      const p = await tenant(req, (t) => access.getParticipant(t, req.params.id, req.params.participantId));
      return reply.type('image/png').send(await qrPng(access.qrPayloadOf(secret, p)));
    },
  );
  app.post(
    `${base}/:id/check-in`,
    {
      schema: {
        tags,
        summary: 'Check a badge in at the entrance (idempotent)',
        params: eventParams,
        body: qrBody,
        response: {
          200: z.object({
            status: z.enum(['checked_in', 'already_checked_in']),
            checked_in_at: z.string(),
            participant: participantOut,
          }),
        },
      },
    },
    async (req) =>
      tenant(req, async (t) => {
        const r = await access.checkIn(t, secret, req.params.id, req.body.qr);
        return {
          status: r.alreadyCheckedIn ? ('already_checked_in' as const) : ('checked_in' as const),
          checked_in_at: r.participant.checkedInAt!.toISOString(),
          participant: pview(r.participant),
        };
      }),
  );

  // ---------------------------------------------------------------- room access control
  app.post(
    `${base}/:id/scans`,
    {
      schema: {
        tags,
        summary: 'Scan a badge at the door of the room I hold now: granted or denied with a reason',
        params: eventParams,
        body: qrBody,
        response: {
          200: z.object({
            status: z.enum(ACCESS_STATUSES),
            reason: z.string().nullable(),
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
          }),
        },
      },
    },
    async (req) => {
      const d = await access.scanBadge(tenantDeps(req), actorOf(req), secret, req.params.id, req.body.qr);
      return {
        status: d.status,
        reason: d.reason,
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
      };
    },
  );
  const scanFilter = z.object({
    room_id: uuidParam.optional(),
    status: z.enum(ACCESS_STATUSES).optional(),
    from: instant.optional(),
    to: instant.optional(),
  });
  app.get(
    `${base}/:id/scans`,
    {
      schema: {
        tags,
        summary: 'Scans (a controller: those of the room they hold now), newest first',
        params: eventParams,
        querystring: pageQuery.extend(scanFilter.shape),
        response: { 200: pageOf(scanOut) },
      },
    },
    async (req) =>
      tenant(req, async (t) => {
        const { room_id, status, from, to, ...page } = req.query;
        const result = await access.listScans(t, req.params.id, { roomId: room_id, status, from, to }, page);
        return { items: result.items.map(scanView), next_cursor: result.next_cursor };
      }),
  );
  app.get(
    `${base}/:id/stats/scans`,
    {
      schema: {
        tags,
        summary: 'Controller statistics: total scans and denials for my current room',
        params: eventParams,
        querystring: scanFilter,
        response: {
          200: z.object({
            room: roomOut.nullable(),
            total_scans: z.number(),
            granted: z.number(),
            denied: z.number(),
          }),
        },
      },
    },
    async (req) =>
      tenant(req, async (t) => {
        const q = req.query;
        const s = await access.scanStats(t, req.params.id, {
          roomId: q.room_id,
          status: q.status,
          from: q.from,
          to: q.to,
        });
        return {
          room: s.room ? roomView(s.room) : null,
          total_scans: s.totalScans,
          granted: s.granted,
          denied: s.denied,
        };
      }),
  );
}
