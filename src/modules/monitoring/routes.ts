import path from 'node:path';
import { z } from 'zod';
import { actorOf, tenant, type RosterApp } from '../../core/http/app.ts';
import { uuidParam } from '../../core/db/ids.ts';
import { pageOf, pageQuery } from '../../core/http/pagination.ts';
import { notFound } from '../../core/http/problem.ts';
import { createLocalStorage } from '../../core/files/storage.ts';
import { uploadedFile } from '../../core/files/upload.ts';
import * as hw from './hardware.ts';
import * as perf from './performers.ts';
import * as grp from './groups.ts';
import * as asg from './assignments.ts';
import { listLegacyAssignments } from './legacy.ts';
import { PRIORITIES, UNIT_STATUSES } from './schema.ts';

const idParams = z.object({ id: uuidParam });
const flag = z.enum(['true', 'false']).transform((v) => v === 'true');
const text = (max: number) => z.string().trim().max(max);
const nullableText = (max: number) => z.string().trim().max(max).nullable();

const locationOut = z.object({
  id: z.string(),
  building: z.string(),
  room: z.string(),
  unit_id: z.number().nullable(),
  description: z.string(),
  created_at: z.string().nullable(),
  updated_at: z.string().nullable(),
});
const chassisOut = z.object({
  id: z.string(),
  name: z.string(),
  manufacturer: z.string(),
  model: z.string(),
  serial: z.string().nullable(),
  ip: z.string().nullable(),
  port: z.number().nullable(),
  firmware: z.string(),
  location_id: z.string().nullable(),
  is_online: z.boolean(),
  is_active: z.boolean(),
  missed_polls: z.number(),
  last_polled_at: z.string().nullable(),
  created_at: z.string().nullable(),
  updated_at: z.string().nullable(),
});
const unitOut = z.object({
  id: z.string(),
  chassis_id: z.string(),
  name: z.string(),
  model: z.string(),
  serial: z.string().nullable(),
  slot: z.number(),
  frequency: z.number().nullable(),
  battery: z.number().nullable(),
  rf_signal: z.number().nullable(),
  audio_level: z.number().nullable(),
  status: z.enum(UNIT_STATUSES),
  battery_bars: z.number().nullable(),
  battery_runtime_minutes: z.number().nullable(),
  rf_antenna: z.string().nullable(),
  is_muted: z.boolean(),
  is_active: z.boolean(),
  last_seen: z.string().nullable(),
  updated_at: z.string().nullable(),
});
const performerOut = z.object({
  id: z.string(),
  name: z.string(),
  title: z.string(),
  role_description: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  notes: z.string(),
  has_photo: z.boolean(),
  photo_url: z.string().nullable(),
  is_active: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});
const groupOut = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  is_active: z.boolean(),
  members: z.array(z.number()),
  created_at: z.string(),
  updated_at: z.string(),
});
const prefsOut = z.object({
  battery_low: z.boolean(),
  signal_loss: z.boolean(),
  audio_low: z.boolean(),
  device_offline: z.boolean(),
});
const ref = z.object({ id: z.string(), name: z.string() });
const assignmentOut = z.object({
  id: z.string(),
  performer: ref,
  wireless_unit: ref,
  monitoring_group: ref,
  priority: z.enum(PRIORITIES),
  notes: z.string(),
  is_active: z.boolean(),
  alert_on_battery_low: z.boolean(),
  alert_on_signal_loss: z.boolean(),
  alert_on_audio_low: z.boolean(),
  alert_on_device_offline: z.boolean(),
  alert_preferences: prefsOut,
  assigned_by: z.number().nullable(),
  assigned_at: z.string(),
  updated_at: z.string(),
});
const legacyOut = z.object({
  id: z.string(),
  user: z.object({ id: z.number(), username: z.string().nullable() }),
  wireless_unit: ref,
  alert_enabled: z.boolean(),
  notes: z.string(),
  is_active: z.boolean(),
  assigned_at: z.string(),
});

const locationBody = z.strictObject({
  building: text(200).min(1),
  room: text(200).optional(),
  unit_id: z.number().int().positive().nullable().optional(),
  description: text(2000).optional(),
});
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
});
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
const performerBody = z.strictObject({
  name: text(200).min(1),
  title: text(200).optional(),
  role_description: text(2000).optional(),
  email: z.email().max(254).nullable().optional(),
  phone: nullableText(50).optional(),
  notes: text(5000).optional(),
});
const groupBody = z.strictObject({
  name: text(200).min(1),
  description: text(2000).optional(),
  is_active: z.boolean().optional(),
  members: z.array(z.number().int().positive()).max(1000).optional(),
});
const toggleFields = {
  alert_enabled: z.boolean().optional(),
  alert_on_battery_low: z.boolean().optional(),
  alert_on_signal_loss: z.boolean().optional(),
  alert_on_audio_low: z.boolean().optional(),
  alert_on_device_offline: z.boolean().optional(),
};
const assignmentBody = z.strictObject({
  performer_id: uuidParam,
  wireless_unit_id: uuidParam,
  monitoring_group_id: uuidParam,
  priority: z.enum(PRIORITIES).optional(),
  notes: text(2000).optional(),
  ...toggleFields,
});
const assignmentPatch = z.strictObject({
  priority: z.enum(PRIORITIES).optional(),
  notes: text(2000).optional(),
  ...toggleFields,
});
const assignmentQuery = pageQuery.extend({
  performer_id: uuidParam.optional(),
  wireless_unit_id: uuidParam.optional(),
  monitoring_group_id: uuidParam.optional(),
  priority: z.enum(PRIORITIES).optional(),
  include_inactive: flag.optional(),
});

type Toggles = {
  alert_enabled?: boolean;
  alert_on_battery_low?: boolean;
  alert_on_signal_loss?: boolean;
  alert_on_audio_low?: boolean;
  alert_on_device_offline?: boolean;
};
const togglesIn = (b: Toggles) => ({
  alertEnabled: b.alert_enabled,
  alertOnBatteryLow: b.alert_on_battery_low,
  alertOnSignalLoss: b.alert_on_signal_loss,
  alertOnAudioLow: b.alert_on_audio_low,
  alertOnDeviceOffline: b.alert_on_device_offline,
});
/** Drops keys the client did not send, so "only given fields" change. */
const given = <T extends object>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

export function registerMonitoringRoutes(app: RosterApp) {
  const base = '/api/monitoring';
  const tags = ['monitoring'];
  const storage = createLocalStorage(path.join(app.deps.config.dataDir, 'uploads'));

  // Hardware inventory: admins manage, members read what their groups (or unit scope) reach.

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
    (req) => tenant(req, (t) => hw.listLocations(t, req.query)),
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
      const b = req.body;
      const row = await tenant(req, (t) =>
        hw.createLocation(
          t,
          given({
            building: b.building,
            room: b.room,
            unitId: b.unit_id,
            description: b.description,
          }) as hw.LocationInput,
        ),
      );
      return reply.code(201).send(hw.locationView(row));
    },
  );
  app.get(
    `${base}/locations/:id`,
    { schema: { tags, summary: 'One location', params: idParams, response: { 200: locationOut } } },
    (req) => tenant(req, async (t) => hw.locationView(await hw.getLocation(t, req.params.id))),
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
    (req) => {
      const b = req.body;
      return tenant(req, async (t) =>
        hw.locationView(
          await hw.updateLocation(
            t,
            req.params.id,
            given({ building: b.building, room: b.room, unitId: b.unit_id, description: b.description }),
          ),
        ),
      );
    },
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

  const chassisIn = (b: Partial<z.infer<typeof chassisBody>>) =>
    given({
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
    });
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
      return tenant(req, (t) => hw.listChassis(t, { locationId: location_id, page }));
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
      const row = await tenant(req, (t) => hw.createChassis(t, chassisIn(req.body) as hw.ChassisInput));
      return reply.code(201).send(hw.chassisView(row));
    },
  );
  app.get(
    `${base}/chassis/:id`,
    { schema: { tags, summary: 'One chassis', params: idParams, response: { 200: chassisOut } } },
    (req) => tenant(req, async (t) => hw.chassisView(await hw.getChassis(t, req.params.id))),
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
      tenant(req, async (t) => hw.chassisView(await hw.updateChassis(t, req.params.id, chassisIn(req.body)))),
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

  const unitIn = (b: Partial<z.infer<typeof unitCreateBody>>) =>
    given({
      chassisId: b.chassis_id,
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
      return tenant(req, (t) =>
        hw.listUnits(t, { chassisId: chassis_id, includeInactive: include_inactive, page }),
      );
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
      const row = await tenant(req, (t) => hw.createUnit(t, unitIn(req.body) as hw.UnitInput));
      return reply.code(201).send(hw.unitView(row));
    },
  );
  app.get(
    `${base}/units/:id`,
    { schema: { tags, summary: 'One wireless unit', params: idParams, response: { 200: unitOut } } },
    (req) => tenant(req, async (t) => hw.unitView(await hw.getUnit(t, req.params.id))),
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
    (req) => tenant(req, async (t) => hw.unitView(await hw.updateUnit(t, req.params.id, unitIn(req.body)))),
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
        summary: 'get_unit_assignments: active assignments of a unit',
        params: idParams,
        querystring: pageQuery,
        response: { 200: pageOf(assignmentOut) },
      },
    },
    (req) =>
      tenant(req, async (t) => {
        await hw.getUnit(t, req.params.id);
        return asg.listAssignments(t, { wirelessUnitId: req.params.id }, req.query);
      }),
  );

  // Performers (PerformerService).

  const performerIn = (b: Partial<z.infer<typeof performerBody>>) =>
    given({
      name: b.name,
      title: b.title,
      roleDescription: b.role_description,
      email: b.email,
      phone: b.phone,
      notes: b.notes,
    });
  const performerQuery = pageQuery.extend({
    include_inactive: flag.optional(),
    q: text(100).optional(),
    with_assignments: flag.optional(),
  });
  app.get(
    `${base}/performers`,
    {
      schema: {
        tags,
        summary: 'get_all_performers: active only unless include_inactive=true; q searches name and title',
        querystring: performerQuery,
        response: { 200: pageOf(performerOut) },
      },
    },
    (req) => {
      const { include_inactive, q, with_assignments, ...page } = req.query;
      return tenant(req, (t) =>
        perf.listPerformers(
          t,
          { includeInactive: include_inactive, q, withAssignments: with_assignments },
          page,
        ),
      );
    },
  );
  app.get(
    `${base}/performers/search`,
    {
      schema: {
        tags,
        summary: 'search_performers: name or title contains q (case-insensitive)',
        querystring: pageQuery.extend({ q: text(100).min(1), include_inactive: flag.optional() }),
        response: { 200: pageOf(performerOut) },
      },
    },
    (req) => {
      const { q, include_inactive, ...page } = req.query;
      return tenant(req, (t) => perf.listPerformers(t, { q, includeInactive: include_inactive }, page));
    },
  );
  app.get(
    `${base}/performers/by-name`,
    {
      schema: {
        tags,
        summary: 'get_performer_by_name: exact name, case-insensitive',
        querystring: z.object({ name: text(200).min(1) }),
        response: { 200: performerOut },
      },
    },
    (req) => tenant(req, async (t) => perf.performerView(await perf.getPerformerByName(t, req.query.name))),
  );
  app.get(
    `${base}/performers/count`,
    {
      schema: {
        tags,
        summary: 'count_total_performers',
        querystring: z.object({ include_inactive: flag.optional() }),
        response: { 200: z.object({ count: z.number() }) },
      },
    },
    (req) =>
      tenant(req, async (t) => ({
        count: await perf.countPerformers(t, { includeInactive: req.query.include_inactive }),
      })),
  );
  app.get(
    `${base}/performers/with-assignments`,
    {
      schema: {
        tags,
        summary: 'get_performers_with_assignments: performers with an active assignment',
        querystring: pageQuery,
        response: { 200: pageOf(performerOut) },
      },
    },
    (req) => tenant(req, (t) => perf.listPerformers(t, { withAssignments: true }, req.query)),
  );
  app.post(
    `${base}/performers`,
    {
      schema: {
        tags,
        summary: 'create_performer (admins); the photo is uploaded separately',
        body: performerBody,
        response: { 201: performerOut },
      },
    },
    async (req, reply) => {
      const row = await tenant(req, (t) =>
        perf.createPerformer(t, performerIn(req.body) as perf.PerformerInput),
      );
      return reply.code(201).send(perf.performerView(row));
    },
  );
  app.get(
    `${base}/performers/:id`,
    { schema: { tags, summary: 'get_performer_by_id', params: idParams, response: { 200: performerOut } } },
    (req) => tenant(req, async (t) => perf.performerView(await perf.getPerformer(t, req.params.id))),
  );
  app.patch(
    `${base}/performers/:id`,
    {
      schema: {
        tags,
        summary: 'update_performer: only the given fields (admins)',
        params: idParams,
        body: performerBody.partial(),
        response: { 200: performerOut },
      },
    },
    (req) =>
      tenant(req, async (t) =>
        perf.performerView(await perf.updatePerformer(t, req.params.id, performerIn(req.body))),
      ),
  );
  app.post(
    `${base}/performers/:id/deactivate`,
    {
      schema: {
        tags,
        summary: 'deactivate_performer (soft delete; drops out of assignment queries)',
        params: idParams,
        response: { 200: performerOut },
      },
    },
    (req) =>
      tenant(req, async (t) => perf.performerView(await perf.setPerformerActive(t, req.params.id, false))),
  );
  app.post(
    `${base}/performers/:id/reactivate`,
    { schema: { tags, summary: 'reactivate_performer', params: idParams, response: { 200: performerOut } } },
    (req) =>
      tenant(req, async (t) => perf.performerView(await perf.setPerformerActive(t, req.params.id, true))),
  );
  app.delete(
    `${base}/performers/:id`,
    {
      schema: {
        tags,
        summary: 'delete_performer: hard delete with its assignments (admins, audited)',
        params: idParams,
        response: { 200: z.object({ deleted_assignments: z.number() }) },
      },
    },
    (req) =>
      tenant(req, async (t) => ({
        deleted_assignments: (await perf.deletePerformer(t, req.params.id, storage)).deletedAssignments,
      })),
  );
  app.post(
    `${base}/performers/:id/photo`,
    {
      schema: {
        tags,
        summary: `Upload the performer's photo (multipart field "file"; PNG/JPEG/GIF/WebP, max ${perf.PHOTO_MAX_BYTES / 1024 / 1024} MB; admins)`,
        params: idParams,
        response: { 200: performerOut },
      },
    },
    async (req) => {
      actorOf(req);
      const file = await uploadedFile(req, 'photo');
      return tenant(req, async (t) =>
        perf.performerView(await perf.setPerformerPhoto(t, req.params.id, storage, file)),
      );
    },
  );
  app.get(
    `${base}/performers/:id/photo`,
    { schema: { tags, summary: "The performer's photo", params: idParams } },
    async (req, reply) => {
      const performer = await tenant(req, (t) => perf.getPerformer(t, req.params.id));
      if (!performer.photoKey || !(await storage.exists(performer.photoKey))) throw notFound('Photo');
      reply
        .type(performer.photoType ?? 'application/octet-stream')
        .header('cache-control', 'private, max-age=300');
      return reply.send(storage.open(performer.photoKey));
    },
  );
  app.get(
    `${base}/performers/:id/assignments`,
    {
      schema: {
        tags,
        summary: 'get_performer_assignments',
        params: idParams,
        querystring: pageQuery,
        response: { 200: pageOf(assignmentOut) },
      },
    },
    (req) =>
      tenant(req, async (t) => {
        await perf.getPerformer(t, req.params.id);
        return asg.listAssignments(t, { performerId: req.params.id }, req.query);
      }),
  );

  // Monitoring groups.

  const groupIn = (b: Partial<z.infer<typeof groupBody>>) =>
    given({ name: b.name, description: b.description, isActive: b.is_active, members: b.members });
  app.get(
    `${base}/groups`,
    {
      schema: {
        tags,
        summary: 'Monitoring groups: all for admins, mine for others',
        querystring: pageQuery.extend({ include_inactive: flag.optional() }),
        response: { 200: pageOf(groupOut) },
      },
    },
    (req) => {
      const { include_inactive, ...page } = req.query;
      return tenant(req, (t) => grp.listGroups(t, { includeInactive: include_inactive, page }));
    },
  );
  app.post(
    `${base}/groups`,
    {
      schema: {
        tags,
        summary: 'Create a monitoring group with its members (admins)',
        body: groupBody,
        response: { 201: groupOut },
      },
    },
    async (req, reply) => {
      const group = await tenant(req, (t) => grp.createGroup(t, groupIn(req.body) as grp.GroupInput));
      return reply.code(201).send(grp.groupView(group));
    },
  );
  app.get(
    `${base}/groups/:id`,
    { schema: { tags, summary: 'One monitoring group', params: idParams, response: { 200: groupOut } } },
    (req) => tenant(req, async (t) => grp.groupView(await grp.getGroup(t, req.params.id))),
  );
  app.patch(
    `${base}/groups/:id`,
    {
      schema: {
        tags,
        summary: 'Rename, (de)activate or replace the members of a group (admins)',
        params: idParams,
        body: groupBody.partial(),
        response: { 200: groupOut },
      },
    },
    (req) =>
      tenant(req, async (t) => grp.groupView(await grp.updateGroup(t, req.params.id, groupIn(req.body)))),
  );
  app.delete(
    `${base}/groups/:id`,
    { schema: { tags, summary: 'Delete a group and its assignments (admins)', params: idParams } },
    async (req, reply) => {
      await tenant(req, (t) => grp.deleteGroup(t, req.params.id));
      return reply.code(204).send();
    },
  );
  app.get(
    `${base}/groups/:id/assignments`,
    {
      schema: {
        tags,
        summary: 'get_group_assignments',
        params: idParams,
        querystring: pageQuery,
        response: { 200: pageOf(assignmentOut) },
      },
    },
    (req) =>
      tenant(req, async (t) => {
        await grp.getGroup(t, req.params.id);
        return asg.listAssignments(t, { monitoringGroupId: req.params.id }, req.query);
      }),
  );

  // Performer assignments (PerformerAssignmentService).

  app.get(
    `${base}/assignments`,
    {
      schema: {
        tags,
        summary: 'Assignments I can see, filtered by performer, unit, group, priority',
        querystring: assignmentQuery,
        response: { 200: pageOf(assignmentOut) },
      },
    },
    (req) => {
      const { performer_id, wireless_unit_id, monitoring_group_id, priority, include_inactive, ...page } =
        req.query;
      return tenant(req, (t) =>
        asg.listAssignments(
          t,
          {
            performerId: performer_id,
            wirelessUnitId: wireless_unit_id,
            monitoringGroupId: monitoring_group_id,
            priority,
            includeInactive: include_inactive,
          },
          page,
        ),
      );
    },
  );
  app.get(
    `${base}/assignments/needing-alerts`,
    {
      schema: {
        tags,
        summary:
          'get_assignments_needing_alerts: active, at least one alert toggle on; optional group and `after`',
        querystring: pageQuery.extend({
          monitoring_group_id: uuidParam.optional(),
          after: z.iso.datetime({ offset: true }).optional(),
        }),
        response: { 200: pageOf(assignmentOut) },
      },
    },
    (req) => {
      const { monitoring_group_id, after, ...page } = req.query;
      return tenant(req, async (t) => {
        if (monitoring_group_id) await grp.getGroup(t, monitoring_group_id);
        return asg.listAssignments(
          t,
          {
            needingAlerts: true,
            monitoringGroupId: monitoring_group_id,
            after: after ? new Date(after) : undefined,
          },
          page,
        );
      });
    },
  );
  app.get(
    `${base}/assignments/count`,
    {
      schema: {
        tags,
        summary: 'count_total_assignments and count_assignments_with_alerts',
        querystring: z.object({ monitoring_group_id: uuidParam.optional() }),
        response: { 200: z.object({ total: z.number(), with_alerts: z.number() }) },
      },
    },
    (req) =>
      tenant(req, (t) => asg.countAssignments(t, { monitoringGroupId: req.query.monitoring_group_id })),
  );
  app.post(
    `${base}/assignments/alerts`,
    {
      schema: {
        tags,
        summary: 'update_alert_status in bulk: listed assignments or a whole group',
        body: z
          .strictObject({
            assignment_ids: z.array(uuidParam).min(1).max(1000).optional(),
            monitoring_group_id: uuidParam.optional(),
            ...toggleFields,
          })
          .refine((b) => b.assignment_ids || b.monitoring_group_id, {
            message: 'give assignment_ids or monitoring_group_id',
            path: ['assignment_ids'],
          })
          .refine(
            (b) => Object.keys(toggleFields).some((k) => (b as Record<string, unknown>)[k] !== undefined),
            { message: 'give alert_enabled or at least one alert_on_* toggle', path: ['alert_enabled'] },
          ),
        response: { 200: z.object({ updated: z.number(), ids: z.array(z.string()) }) },
      },
    },
    (req) => {
      const { assignment_ids, monitoring_group_id, ...toggles } = req.body;
      const { alertEnabled, ...explicit } = togglesIn(toggles);
      return tenant(req, (t) =>
        asg.setAlertStatus(
          t,
          { ids: assignment_ids, monitoringGroupId: monitoring_group_id },
          alertEnabled,
          explicit,
        ),
      );
    },
  );
  app.post(
    `${base}/assignments`,
    {
      schema: {
        tags,
        summary: 'create_assignment: performer → unit in a group; 409 names an existing pair',
        body: assignmentBody,
        response: { 201: assignmentOut },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const row = await tenant(req, (t) =>
        asg.createAssignment(t, {
          performerId: b.performer_id,
          wirelessUnitId: b.wireless_unit_id,
          monitoringGroupId: b.monitoring_group_id,
          ...given({ priority: b.priority, notes: b.notes }),
          ...togglesIn(b),
        }),
      );
      return reply.code(201).send(asg.assignmentView(row));
    },
  );
  app.get(
    `${base}/assignments/:id`,
    { schema: { tags, summary: 'One assignment', params: idParams, response: { 200: assignmentOut } } },
    (req) => tenant(req, async (t) => asg.assignmentView(await asg.getAssignment(t, req.params.id))),
  );
  app.patch(
    `${base}/assignments/:id`,
    {
      schema: {
        tags,
        summary: 'update_assignment: priority, notes, alert toggles (alert_enabled sets all four)',
        params: idParams,
        body: assignmentPatch,
        response: { 200: assignmentOut },
      },
    },
    (req) =>
      tenant(req, async (t) =>
        asg.assignmentView(
          await asg.updateAssignment(t, req.params.id, {
            ...given({ priority: req.body.priority, notes: req.body.notes }),
            ...togglesIn(req.body),
          }),
        ),
      ),
  );
  app.delete(
    `${base}/assignments/:id`,
    { schema: { tags, summary: 'delete_assignment', params: idParams } },
    async (req, reply) => {
      await tenant(req, (t) => asg.deleteAssignment(t, req.params.id));
      return reply.code(204).send();
    },
  );
  app.post(
    `${base}/assignments/:id/deactivate`,
    {
      schema: { tags, summary: 'deactivate_assignment', params: idParams, response: { 200: assignmentOut } },
    },
    (req) =>
      tenant(req, async (t) => asg.assignmentView(await asg.setAssignmentActive(t, req.params.id, false))),
  );
  app.post(
    `${base}/assignments/:id/reactivate`,
    {
      schema: { tags, summary: 'reactivate_assignment', params: idParams, response: { 200: assignmentOut } },
    },
    (req) =>
      tenant(req, async (t) => asg.assignmentView(await asg.setAssignmentActive(t, req.params.id, true))),
  );
  app.get(
    `${base}/assignments/:id/alert-preferences`,
    {
      schema: {
        tags,
        summary: 'get_alert_preferences as a dict',
        params: idParams,
        response: { 200: prefsOut },
      },
    },
    (req) => tenant(req, async (t) => asg.alertPreferences((await asg.getAssignment(t, req.params.id)).a)),
  );

  // What my groups reach (UserProfile.get_monitoring_groups / get_accessible_performers / get_accessible_devices).

  app.get(
    `${base}/me/groups`,
    {
      schema: {
        tags,
        summary: 'get_monitoring_groups: my active groups (admins: all)',
        querystring: pageQuery,
        response: { 200: pageOf(groupOut) },
      },
    },
    (req) => tenant(req, (t) => grp.listGroups(t, { page: req.query })),
  );
  app.get(
    `${base}/me/performers`,
    {
      schema: {
        tags,
        summary: 'get_accessible_performers: performers of active assignments in my groups',
        querystring: pageQuery,
        response: { 200: pageOf(performerOut) },
      },
    },
    (req) => tenant(req, (t) => perf.listPerformers(t, {}, req.query)),
  );
  app.get(
    `${base}/me/devices`,
    {
      schema: {
        tags,
        summary: 'get_accessible_devices: wireless units of active assignments in my groups',
        querystring: pageQuery,
        response: { 200: pageOf(unitOut) },
      },
    },
    (req) => tenant(req, (t) => hw.listUnits(t, { page: req.query })),
  );

  app.get(
    `${base}/legacy-assignments`,
    {
      schema: {
        tags,
        summary: 'LEGACY DeviceAssignment rows (user → unit), read-only (admins)',
        querystring: pageQuery,
        response: { 200: pageOf(legacyOut) },
      },
    },
    (req) => tenant(req, (t) => listLegacyAssignments(t, req.query)),
  );
}
