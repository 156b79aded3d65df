import { PROTOCOLS } from '../adapters/types.ts';
import { z } from 'zod';
import { tenant, type RosterApp } from '../../../core/http/app.ts';
import { uuidParam } from '../../../core/db/ids.ts';
import { pageOf, pageQuery, mapPage } from '../../../core/http/pagination.ts';
import { definedOnly } from '../../../core/util/objects.ts';
import * as hw from '../hardware.ts';
import { listAssignmentsOf } from '../assignments.ts';
import { UNIT_STATUSES } from '../schema.ts';
import {
  assignmentOut,
  assignmentView,
  chassisOut,
  chassisView,
  locationOut,
  locationView,
  unitOut,
  unitView,
} from '../views.ts';
import { assignmentListQuery, base, flag, idParams, nullableText, tags, text } from './common.ts';

// Hardware inventory: admins manage, members read what their groups (or unit scope) reach.

const locationBody = z.strictObject({
  building: text(200).min(1),
  room: text(200).optional(),
  unit_id: z.number().int().positive().nullable().optional(),
  description: text(2000).optional(),
});
type LocationBody = z.infer<typeof locationBody>;
const locationPatch = (b: Partial<LocationBody>) =>
  definedOnly({ building: b.building, room: b.room, unitId: b.unit_id, description: b.description });

export function registerLocationRoutes(app: RosterApp) {
  app.get(
    `${base}/locations`,
    {
      schema: {
        tags,
        summary: 'Locations (untied ones, and those of my org units)',
        querystring: pageQuery,
        response: { 200: pageOf(locationOut) },
      },
    },
    (req) => tenant(req, async (t) => mapPage(await hw.listLocations(t, req.query), locationView)),
  );
  app.post(
    `${base}/locations`,
    {
      schema: {
        tags,
        summary: 'Create a location (admins)',
        body: locationBody,
        response: { 201: locationOut },
      },
    },
    async (req, reply) => {
      const input = { ...locationPatch(req.body), building: req.body.building };
      const row = await tenant(req, (t) => hw.createLocation(t, input));
      return reply.code(201).send(locationView(row));
    },
  );
  app.get(
    `${base}/locations/:id`,
    { schema: { tags, summary: 'One location', params: idParams, response: { 200: locationOut } } },
    (req) => tenant(req, async (t) => locationView(await hw.getLocation(t, req.params.id))),
  );
  app.patch(
    `${base}/locations/:id`,
    {
      schema: {
        tags,
        summary: 'Change a location (admins)',
        params: idParams,
        body: locationBody.partial(),
        response: { 200: locationOut },
      },
    },
    (req) =>
      tenant(req, async (t) =>
        locationView(await hw.updateLocation(t, req.params.id, locationPatch(req.body))),
      ),
  );
  app.delete(
    `${base}/locations/:id`,
    {
      schema: {
        tags,
        summary: 'Delete a location; its chassis stay, without location (admins)',
        params: idParams,
      },
    },
    async (req, reply) => {
      await tenant(req, (t) => hw.deleteLocation(t, req.params.id));
      return reply.code(204).send();
    },
  );
}

const chassisBody = z.strictObject({
  name: text(200).min(1),
  manufacturer: text(100).optional(),
  model: text(100).optional(),
  serial: nullableText(100).optional(),
  ip: z.union([z.ipv4(), z.ipv6()]).nullable().optional(),
  port: z.number().int().min(1).max(65535).nullable().optional(),
  firmware: text(100).optional(),
  location_id: uuidParam.nullable().optional(),
  is_online: z.boolean().optional(),
  is_active: z.boolean().optional(),
  /** How the server talks to it; from the manufacturer when not given (Shure → shure). */
  protocol: z.enum(PROTOCOLS).optional(),
});
const chassisPatch = (b: Partial<z.infer<typeof chassisBody>>) =>
  definedOnly({
    name: b.name,
    manufacturer: b.manufacturer,
    model: b.model,
    serial: b.serial,
    ip: b.ip,
    port: b.port,
    firmware: b.firmware,
    locationId: b.location_id,
    isOnline: b.is_online,
    isActive: b.is_active,
    protocol: b.protocol,
  });

export function registerChassisRoutes(app: RosterApp) {
  app.get(
    `${base}/chassis`,
    {
      schema: {
        tags,
        summary: 'Receivers (chassis) my groups reach; all for admins',
        querystring: pageQuery.extend({ location_id: uuidParam.optional() }),
        response: { 200: pageOf(chassisOut) },
      },
    },
    (req) => {
      const { location_id, ...page } = req.query;
      return tenant(req, async (t) =>
        mapPage(await hw.listChassis(t, { locationId: location_id, page }), chassisView),
      );
    },
  );
  app.post(
    `${base}/chassis`,
    {
      schema: {
        tags,
        summary: 'Create a chassis (admins)',
        body: chassisBody,
        response: { 201: chassisOut },
      },
    },
    async (req, reply) => {
      const input = { ...chassisPatch(req.body), name: req.body.name };
      const row = await tenant(req, (t) => hw.createChassis(t, input));
      return reply.code(201).send(chassisView(row));
    },
  );
  app.get(
    `${base}/chassis/:id`,
    { schema: { tags, summary: 'One chassis', params: idParams, response: { 200: chassisOut } } },
    (req) => tenant(req, async (t) => chassisView(await hw.getChassis(t, req.params.id))),
  );
  app.patch(
    `${base}/chassis/:id`,
    {
      schema: {
        tags,
        summary: 'Change a chassis (admins)',
        params: idParams,
        body: chassisBody.partial(),
        response: { 200: chassisOut },
      },
    },
    (req) =>
      tenant(req, async (t) => chassisView(await hw.updateChassis(t, req.params.id, chassisPatch(req.body)))),
  );
  app.delete(
    `${base}/chassis/:id`,
    {
      schema: {
        tags,
        summary: 'Delete a chassis with its units and their assignments (admins)',
        params: idParams,
      },
    },
    async (req, reply) => {
      await tenant(req, (t) => hw.deleteChassis(t, req.params.id));
      return reply.code(204).send();
    },
  );
}

const unitFields = {
  name: text(200).min(1),
  model: text(100).optional(),
  serial: nullableText(100).optional(),
  slot: z.number().int().min(0).max(1024),
  frequency: z.number().positive().max(100000).nullable().optional(),
  battery: z.number().int().min(0).max(100).nullable().optional(),
  rf_signal: z.number().int().min(0).max(100).nullable().optional(),
  audio_level: z.number().int().min(0).max(100).nullable().optional(),
  status: z.enum(UNIT_STATUSES).optional(),
  is_active: z.boolean().optional(),
  last_seen: z.iso.datetime({ offset: true }).nullable().optional(),
};
const unitCreateBody = z.strictObject({ chassis_id: uuidParam, ...unitFields });
const unitPatchBody = z.strictObject(unitFields).partial();
const unitPatch = (b: z.infer<typeof unitPatchBody>) =>
  definedOnly({
    name: b.name,
    model: b.model,
    serial: b.serial,
    slot: b.slot,
    frequency: b.frequency,
    battery: b.battery,
    rfSignal: b.rf_signal,
    audioLevel: b.audio_level,
    status: b.status,
    isActive: b.is_active,
    lastSeen: b.last_seen === undefined ? undefined : b.last_seen === null ? null : new Date(b.last_seen),
  });

export function registerUnitRoutes(app: RosterApp) {
  app.get(
    `${base}/units`,
    {
      schema: {
        tags,
        summary: 'Wireless units my groups reach; all for admins',
        querystring: pageQuery.extend({
          chassis_id: uuidParam.optional(),
          include_inactive: flag.optional(),
        }),
        response: { 200: pageOf(unitOut) },
      },
    },
    (req) => {
      const { chassis_id, include_inactive, ...page } = req.query;
      const filter = { chassisId: chassis_id, includeInactive: include_inactive, page };
      return tenant(req, async (t) => mapPage(await hw.listUnits(t, filter), unitView));
    },
  );
  app.post(
    `${base}/units`,
    {
      schema: {
        tags,
        summary: 'Create a wireless unit in a chassis slot (admins)',
        body: unitCreateBody,
        response: { 201: unitOut },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const input = { ...unitPatch(b), chassisId: b.chassis_id, name: b.name, slot: b.slot };
      const row = await tenant(req, (t) => hw.createUnit(t, input));
      return reply.code(201).send(unitView(row));
    },
  );
  app.get(
    `${base}/units/:id`,
    { schema: { tags, summary: 'One wireless unit', params: idParams, response: { 200: unitOut } } },
    (req) => tenant(req, async (t) => unitView(await hw.getUnit(t, req.params.id))),
  );
  app.patch(
    `${base}/units/:id`,
    {
      schema: {
        tags,
        summary: 'Change a wireless unit (admins); publishes monitoring.unit.updated',
        params: idParams,
        body: unitPatchBody,
        response: { 200: unitOut },
      },
    },
    (req) => tenant(req, async (t) => unitView(await hw.updateUnit(t, req.params.id, unitPatch(req.body)))),
  );
  app.delete(
    `${base}/units/:id`,
    { schema: { tags, summary: 'Delete a wireless unit and its assignments (admins)', params: idParams } },
    async (req, reply) => {
      await tenant(req, (t) => hw.deleteUnit(t, req.params.id));
      return reply.code(204).send();
    },
  );
  app.get(
    `${base}/units/:id/assignments`,
    {
      schema: {
        tags,
        summary: 'get_unit_assignments: active assignments of a unit, optionally updated_after an instant',
        params: idParams,
        querystring: assignmentListQuery,
        response: { 200: pageOf(assignmentOut) },
      },
    },
    (req) => {
      const { updated_after: after, ...page } = req.query;
      return tenant(req, async (t) =>
        mapPage(await listAssignmentsOf(t, { wirelessUnitId: req.params.id, after }, page), assignmentView),
      );
    },
  );
}
