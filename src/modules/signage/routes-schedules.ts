import { z } from 'zod';
import { uuidParam } from '../../core/db/ids.ts';
import { tenant, type RosterApp } from '../../core/http/app.ts';
import { mapPage, pageOf, pageQuery } from '../../core/http/pagination.ts';
import { definedOnly } from '../../core/util/objects.ts';
import { dayPartsIn } from './dayparts.ts';
import { createSchedule, deleteSchedule, getSchedule, listSchedules, updateSchedule } from './schedules.ts';
import { scheduleOut, scheduleView } from './views.ts';

const tags = ['signage'];
const idParams = z.object({ id: uuidParam });
const day = z.iso.date({ message: 'must be a date like 2025-01-31' });
const scheduleFields = {
  name: z.string().trim().min(1).max(255),
  playlist_id: uuidParam,
  device_id: uuidParam.nullable().optional(),
  group_id: uuidParam.nullable().optional(),
  dayparts: dayPartsIn.optional(),
  starts_on: day.nullable().optional(),
  ends_on: day.nullable().optional(),
};
const patchBody = z.strictObject({
  ...scheduleFields,
  name: scheduleFields.name.optional(),
  playlist_id: scheduleFields.playlist_id.optional(),
});

/** A schedule request body in the domain's names (absent fields stay absent). */
function scheduleFieldsOf(body: z.infer<typeof patchBody>) {
  return definedOnly({
    name: body.name,
    playlistId: body.playlist_id,
    deviceId: body.device_id,
    groupId: body.group_id,
    dayparts: body.dayparts,
    startsOn: body.starts_on,
    endsOn: body.ends_on,
  });
}

/** What a new schedule leaves out: the whole org, at any time, from now on, for ever. */
const unscheduled = { deviceId: null, groupId: null, dayparts: [], startsOn: null, endsOn: null };

/**
 * Schedules: a playlist on a screen, a group or the whole org during day-parts and between dates.
 * While one is in force it beats the standing playlists (see docs/signage.md, effective playlist).
 */
export function registerScheduleRoutes(app: RosterApp) {
  app.get(
    '/api/signage/schedules',
    {
      schema: {
        tags,
        summary: 'Schedules, filtered by screen, group, playlist, or only those for the whole org',
        querystring: pageQuery.extend({
          device_id: uuidParam.optional(),
          group_id: uuidParam.optional(),
          playlist_id: uuidParam.optional(),
          org_wide: z
            .enum(['true', 'false'])
            .transform((v) => v === 'true')
            .optional(),
        }),
        response: { 200: pageOf(scheduleOut) },
      },
    },
    async (req) => {
      const { limit, cursor, device_id, group_id, playlist_id, org_wide } = req.query;
      const f = { deviceId: device_id, groupId: group_id, playlistId: playlist_id, orgWide: org_wide };
      return mapPage(await tenant(req, (t) => listSchedules(t, { limit, cursor }, f)), scheduleView);
    },
  );

  app.post(
    '/api/signage/schedules',
    {
      schema: {
        tags,
        summary: 'Schedule a playlist on a screen, a group, or (neither named) every screen (admins)',
        body: z.strictObject(scheduleFields),
        response: { 201: scheduleOut },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const input = { ...unscheduled, ...scheduleFieldsOf(b), name: b.name, playlistId: b.playlist_id };
      return reply.code(201).send(scheduleView(await tenant(req, (t) => createSchedule(t, input))));
    },
  );

  app.get(
    '/api/signage/schedules/:id',
    { schema: { tags, summary: 'One schedule', params: idParams, response: { 200: scheduleOut } } },
    async (req) => scheduleView(await tenant(req, (t) => getSchedule(t, req.params.id))),
  );

  app.patch(
    '/api/signage/schedules/:id',
    {
      schema: {
        tags,
        summary: 'Change a schedule; naming a screen clears its group and the reverse (admins)',
        params: idParams,
        body: patchBody,
        response: { 200: scheduleOut },
      },
    },
    async (req) => {
      const patch = scheduleFieldsOf(req.body);
      return scheduleView(await tenant(req, (t) => updateSchedule(t, req.params.id, patch)));
    },
  );

  app.delete(
    '/api/signage/schedules/:id',
    { schema: { tags, summary: 'Delete a schedule (admins)', params: idParams } },
    async (req, reply) => {
      await tenant(req, (t) => deleteSchedule(t, req.params.id));
      return reply.code(204).send();
    },
  );
}
