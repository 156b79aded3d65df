import { z } from 'zod';
import { bodyIntId, uuidParam } from '../../core/db/ids.ts';
import { tenant, type RosterApp } from '../../core/http/app.ts';
import { pageOf, pageQuery } from '../../core/http/pagination.ts';
import { definedOnly } from '../../core/util/objects.ts';
import { base, eventParams, instant, name, tags, text } from './inputs.ts';
import { DOOR_MODES, EVENT_STATUSES } from './schema.ts';
import * as svc from './service.ts';
import { eventOut, eventView, roomOut, roomView } from './views.ts';

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
/** The domain input of a body: a whole event for a create, the given fields of a patch. */
function eventInput(b: z.infer<typeof eventBody>): svc.EventInput;
function eventInput(b: z.infer<typeof eventPatch>): Partial<svc.EventInput>;
function eventInput(b: z.infer<typeof eventPatch>): Partial<svc.EventInput> {
  return {
    name: b.name,
    description: b.description,
    location: b.location,
    startDate: b.start_date,
    endDate: b.end_date,
    timezone: b.timezone,
    status: b.status,
    presidentId: b.president_id,
  };
}

export function registerEvents(app: RosterApp) {
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
      const event = await tenant(req, (t) => svc.createEvent(t, eventInput(req.body)));
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
}

const roomParams = z.object({ id: uuidParam, roomId: uuidParam });
const roomBody = z.strictObject({
  name: name(),
  description: text(5000).optional(),
  location: text(300).optional(),
  capacity: z.number().int().min(0).max(1_000_000),
  door_mode: z.enum(DOOR_MODES).optional(),
});
// Occupancy follows the badges recorded inside: the only value one may set is 0, which empties the
// room (everyone checked out), exactly like POST …/empty.
const roomPatch = roomBody.partial().extend({
  current_occupancy: z
    .literal(0, { error: 'only 0 (empty the room): occupancy follows the scans' })
    .optional(),
});
function roomInput(b: z.infer<typeof roomBody>): svc.RoomInput;
function roomInput(b: z.infer<typeof roomPatch>): Partial<svc.RoomInput>;
function roomInput(b: z.infer<typeof roomPatch>): Partial<svc.RoomInput> {
  return {
    name: b.name,
    description: b.description,
    location: b.location,
    capacity: b.capacity,
    doorMode: b.door_mode,
  };
}

export function registerRooms(app: RosterApp) {
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
      const room = await tenant(req, (t) => svc.createRoom(t, req.params.id, roomInput(req.body)));
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
        summary: 'Change a room (current_occupancy: 0 empties it)',
        params: roomParams,
        body: roomPatch,
        response: { 200: roomOut },
      },
    },
    async (req) =>
      tenant(req, async (t) => {
        const patch = definedOnly(roomInput(req.body));
        if (req.body.current_occupancy === 0) await svc.emptyRoom(t, req.params.id, req.params.roomId);
        return roomView(await svc.updateRoom(t, req.params.id, req.params.roomId, patch));
      }),
  );
  app.post(
    `${base}/:id/rooms/:roomId/empty`,
    {
      schema: {
        tags,
        summary: 'Empty the room: check every badge inside out (end of session), in one transaction',
        params: roomParams,
        response: { 200: z.object({ room: roomOut, checked_out: z.number() }) },
      },
    },
    async (req) =>
      tenant(req, async (t) => {
        const r = await svc.emptyRoom(t, req.params.id, req.params.roomId);
        return { room: roomView(r.room), checked_out: r.checkedOut };
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
}
