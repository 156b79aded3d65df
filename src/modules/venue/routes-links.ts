import { z } from 'zod';
import { bodyIntId, intId, uuidParam } from '../../core/db/ids.ts';
import { tenant, type RosterApp } from '../../core/http/app.ts';
import { mapPage, pageOf, pageQuery } from '../../core/http/pagination.ts';
import { definedOnly } from '../../core/util/objects.ts';
import * as links from './links.ts';
import { SCREEN_PLACEMENTS } from './schema.ts';
import {
  eventUnitOut,
  eventUnitView,
  roomScreenOut,
  roomScreenView,
  roomStageOut,
  roomStageView,
} from './views.ts';

const tags = ['venue'];
const base = '/api/venue';
const idParams = z.object({ id: uuidParam });
const placement = z.enum(SCREEN_PLACEMENTS);

/** Stages: which monitoring location serves which event room (org admins). */
function registerStageRoutes(app: RosterApp) {
  app.get(
    `${base}/room-stages`,
    {
      schema: {
        tags,
        summary: 'Rooms and their stages (org admins)',
        querystring: pageQuery.extend({ room_id: uuidParam.optional(), location_id: uuidParam.optional() }),
        response: { 200: pageOf(roomStageOut) },
      },
    },
    async (req) => {
      const { room_id, location_id, ...page } = req.query;
      const result = await tenant(req, (t) =>
        links.listStages(t, { roomId: room_id, locationId: location_id, page }),
      );
      return mapPage(result, roomStageView);
    },
  );
  app.post(
    `${base}/room-stages`,
    {
      schema: {
        tags,
        summary: 'Make a monitoring location the stage of an event room (org admins)',
        body: z.strictObject({ room_id: uuidParam, location_id: uuidParam }),
        response: { 201: roomStageOut },
      },
    },
    async (req, reply) => {
      const input = { roomId: req.body.room_id, locationId: req.body.location_id };
      const row = await tenant(req, (t) => links.linkStage(t, input));
      return reply.code(201).send(roomStageView(row));
    },
  );
  app.get(
    `${base}/room-stages/:id`,
    { schema: { tags, summary: 'One room–stage link', params: idParams, response: { 200: roomStageOut } } },
    async (req) => roomStageView(await tenant(req, (t) => links.getStage(t, req.params.id))),
  );
  app.delete(
    `${base}/room-stages/:id`,
    { schema: { tags, summary: 'Unlink a room from its stage (org admins)', params: idParams } },
    async (req, reply) => {
      await tenant(req, (t) => links.unlinkStage(t, req.params.id));
      return reply.code(204).send();
    },
  );
}

/** Screens: the door and in-room signage screens of each event room (org admins). */
function registerScreenRoutes(app: RosterApp) {
  app.get(
    `${base}/room-screens`,
    {
      schema: {
        tags,
        summary: 'Rooms and their screens (org admins)',
        querystring: pageQuery.extend({ room_id: uuidParam.optional(), device_id: uuidParam.optional() }),
        response: { 200: pageOf(roomScreenOut) },
      },
    },
    async (req) => {
      const { room_id, device_id, ...page } = req.query;
      const result = await tenant(req, (t) =>
        links.listScreenLinks(t, { roomId: room_id, deviceId: device_id, page }),
      );
      return mapPage(result, roomScreenView);
    },
  );
  app.post(
    `${base}/room-screens`,
    {
      schema: {
        tags,
        summary: 'Put a signage screen at the door of an event room or inside it (org admins)',
        body: z.strictObject({ room_id: uuidParam, device_id: uuidParam, placement }),
        response: { 201: roomScreenOut },
      },
    },
    async (req, reply) => {
      const input = { roomId: req.body.room_id, deviceId: req.body.device_id, placement: req.body.placement };
      const row = await tenant(req, (t) => links.linkScreen(t, input));
      return reply.code(201).send(roomScreenView(row));
    },
  );
  app.get(
    `${base}/room-screens/:id`,
    { schema: { tags, summary: 'One room–screen link', params: idParams, response: { 200: roomScreenOut } } },
    async (req) => roomScreenView(await tenant(req, (t) => links.getScreenLink(t, req.params.id))),
  );
  app.patch(
    `${base}/room-screens/:id`,
    {
      schema: {
        tags,
        summary: 'Move a room screen between the door and the room (org admins)',
        params: idParams,
        body: z.strictObject({ placement }),
        response: { 200: roomScreenOut },
      },
    },
    async (req) =>
      roomScreenView(await tenant(req, (t) => links.moveScreen(t, req.params.id, req.body.placement))),
  );
  app.delete(
    `${base}/room-screens/:id`,
    { schema: { tags, summary: 'Unlink a screen from its room (org admins)', params: idParams } },
    async (req, reply) => {
      await tenant(req, (t) => links.unlinkScreen(t, req.params.id));
      return reply.code(204).send();
    },
  );
}

/** Event units: the org unit (and department) an event belongs to, so that unit's people see it. */
function registerEventUnitRoutes(app: RosterApp) {
  app.get(
    `${base}/event-units`,
    {
      schema: {
        tags,
        summary: 'Events and the org units they belong to (org admins)',
        querystring: pageQuery.extend({ event_id: uuidParam.optional(), unit_id: intId.optional() }),
        response: { 200: pageOf(eventUnitOut) },
      },
    },
    async (req) => {
      const { event_id, unit_id, ...page } = req.query;
      const result = await tenant(req, (t) =>
        links.listEventUnits(t, { eventId: event_id, unitId: unit_id, page }),
      );
      return mapPage(result, eventUnitView);
    },
  );
  app.post(
    `${base}/event-units`,
    {
      schema: {
        tags,
        summary: 'Tie an event to an org unit, optionally one department of it (org admins)',
        body: z.strictObject({
          event_id: uuidParam,
          unit_id: bodyIntId,
          department_id: bodyIntId.nullable().optional(),
        }),
        response: { 201: eventUnitOut },
      },
    },
    async (req, reply) => {
      const input = {
        eventId: req.body.event_id,
        unitId: req.body.unit_id,
        departmentId: req.body.department_id ?? null,
      };
      const row = await tenant(req, (t) => links.scopeEvent(t, input));
      return reply.code(201).send(eventUnitView(row));
    },
  );
  app.get(
    `${base}/event-units/:id`,
    { schema: { tags, summary: 'One event–unit link', params: idParams, response: { 200: eventUnitOut } } },
    async (req) => eventUnitView(await tenant(req, (t) => links.getEventUnit(t, req.params.id))),
  );
  app.patch(
    `${base}/event-units/:id`,
    {
      schema: {
        tags,
        summary: 'Move an event to another unit or department (org admins)',
        params: idParams,
        body: z.strictObject({
          unit_id: bodyIntId.optional(),
          department_id: bodyIntId.nullable().optional(),
        }),
        response: { 200: eventUnitOut },
      },
    },
    async (req) => {
      const patch = definedOnly({ unitId: req.body.unit_id, departmentId: req.body.department_id });
      return eventUnitView(await tenant(req, (t) => links.rescopeEvent(t, req.params.id, patch)));
    },
  );
  app.delete(
    `${base}/event-units/:id`,
    { schema: { tags, summary: 'Untie an event from its unit (org admins)', params: idParams } },
    async (req, reply) => {
      await tenant(req, (t) => links.unscopeEvent(t, req.params.id));
      return reply.code(204).send();
    },
  );
}

export function registerLinkRoutes(app: RosterApp) {
  registerStageRoutes(app);
  registerScreenRoutes(app);
  registerEventUnitRoutes(app);
}
