import { PROTOCOLS } from '../adapters/types.ts';
import { z } from 'zod';
import { tenant, type RosterApp } from '../../../core/http/app.ts';
import { uuidParam } from '../../../core/db/ids.ts';
import { pageOf, pageQuery, mapPage } from '../../../core/http/pagination.ts';
import { definedOnly } from '../../../core/util/objects.ts';
import * as hw from '../hardware.ts';
import { UNIT_STATUSES } from '../schema.ts';
import { chassisOut, chassisView, locationOut, locationView, unitOut, unitView } from '../views.ts';
import { registerAssignmentsOf, registerResourceRoutes } from './resource.ts';
import { base, flag, nullableText, tags, text } from './common.ts';

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
  registerResourceRoutes(app, {
    path: 'locations',
    out: locationOut,
    view: locationView,
    create: {
      summary: 'Create a location (admins)',
      body: locationBody,
      run: (t, b) => hw.createLocation(t, { ...locationPatch(b), building: b.building }),
    },
    get: { summary: 'One location', run: hw.getLocation },
    update: {
      summary: 'Change a location (admins)',
      body: locationBody.partial(),
      run: (t, id, b) => hw.updateLocation(t, id, locationPatch(b)),
    },
    remove: {
      summary: 'Delete a location; its chassis stay, without location (admins)',
      run: hw.deleteLocation,
    },
  });
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
  registerResourceRoutes(app, {
    path: 'chassis',
    out: chassisOut,
    view: chassisView,
    create: {
      summary: 'Create a chassis (admins)',
      body: chassisBody,
      run: (t, b) => hw.createChassis(t, { ...chassisPatch(b), name: b.name }),
    },
    get: { summary: 'One chassis', run: hw.getChassis },
    update: {
      summary: 'Change a chassis (admins)',
      body: chassisBody.partial(),
      run: (t, id, b) => hw.updateChassis(t, id, chassisPatch(b)),
    },
    remove: {
      summary: 'Delete a chassis with its units and their assignments (admins)',
      run: hw.deleteChassis,
    },
  });
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
  registerResourceRoutes(app, {
    path: 'units',
    out: unitOut,
    view: unitView,
    create: {
      summary: 'Create a wireless unit in a chassis slot (admins)',
      body: unitCreateBody,
      run: (t, b) =>
        hw.createUnit(t, { ...unitPatch(b), chassisId: b.chassis_id, name: b.name, slot: b.slot }),
    },
    get: { summary: 'One wireless unit', run: hw.getUnit },
    update: {
      summary: 'Change a wireless unit (admins); publishes monitoring.unit.updated',
      body: unitPatchBody,
      run: (t, id, b) => hw.updateUnit(t, id, unitPatch(b)),
    },
    remove: { summary: 'Delete a wireless unit and its assignments (admins)', run: hw.deleteUnit },
  });
  registerAssignmentsOf(
    app,
    'units',
    'get_unit_assignments: active assignments of a unit, optionally updated_after an instant',
    (id) => ({ wirelessUnitId: id }),
  );
}
