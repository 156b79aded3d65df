import { z } from 'zod';
import { uuidParam } from '../../core/db/ids.ts';
import { tenant, type RosterApp } from '../../core/http/app.ts';
import { mapPage, pageOf, pageQuery } from '../../core/http/pagination.ts';
import { definedOnly } from '../../core/util/objects.ts';
import {
  addGroupScreens,
  createGroup,
  deleteGroup,
  getGroup,
  listGroups,
  listGroupScreens,
  removeGroupScreen,
  updateGroup,
} from './groups.ts';
import { GROUP_KINDS } from './schema.ts';
import { groupOut, groupView } from './views.ts';

const tags = ['signage'];
const idParams = z.object({ id: uuidParam });
const deviceIds = z.array(uuidParam).min(1).max(1000);
const groupFields = {
  name: z.string().trim().min(1).max(255),
  description: z.string().max(2000).optional(),
  kind: z.enum(GROUP_KINDS).optional(),
  priority: z.number().int().min(-1000).max(1000).optional(),
  playlist_id: uuidParam.nullable().optional(),
};
const patchBody = z.strictObject({ ...groupFields, name: groupFields.name.optional() });

/** A group request body in the domain's names (absent fields stay absent). */
function groupFieldsOf(body: z.infer<typeof patchBody>) {
  return definedOnly({
    name: body.name,
    description: body.description,
    kind: body.kind,
    priority: body.priority,
    playlistId: body.playlist_id,
  });
}

/** Screen groups (by location or purpose) and their screens; admins form them, everyone reads them. */
export function registerGroupRoutes(app: RosterApp) {
  app.get(
    '/api/signage/groups',
    {
      schema: {
        tags,
        summary: 'Screen groups; q searches name and description, device_id lists the groups of a screen',
        querystring: pageQuery.extend({
          q: z.string().trim().max(100).optional(),
          kind: z.enum(GROUP_KINDS).optional(),
          device_id: uuidParam.optional(),
        }),
        response: { 200: pageOf(groupOut) },
      },
    },
    async (req) => {
      const { limit, cursor, q, kind, device_id } = req.query;
      const filters = { q: q || undefined, kind, deviceId: device_id };
      return mapPage(await tenant(req, (t) => listGroups(t, { limit, cursor }, filters)), groupView);
    },
  );

  app.post(
    '/api/signage/groups',
    {
      schema: {
        tags,
        summary: 'Create a screen group, optionally with its first screens (admins)',
        body: z.strictObject({ ...groupFields, device_ids: z.array(uuidParam).max(1000).optional() }),
        response: { 201: groupOut },
      },
    },
    async (req, reply) => {
      const input = { ...groupFieldsOf(req.body), name: req.body.name };
      const created = await tenant(req, (t) => createGroup(t, input, req.body.device_ids));
      return reply.code(201).send(groupView(created));
    },
  );

  app.get(
    '/api/signage/groups/:id',
    { schema: { tags, summary: 'One screen group', params: idParams, response: { 200: groupOut } } },
    async (req) => groupView(await tenant(req, (t) => getGroup(t, req.params.id))),
  );

  app.patch(
    '/api/signage/groups/:id',
    {
      schema: {
        tags,
        summary: "Rename, describe, reprioritise or set the group's playlist (admins)",
        params: idParams,
        body: patchBody,
        response: { 200: groupOut },
      },
    },
    async (req) => {
      const patch = groupFieldsOf(req.body);
      return groupView(await tenant(req, (t) => updateGroup(t, req.params.id, patch)));
    },
  );

  app.delete(
    '/api/signage/groups/:id',
    {
      schema: {
        tags,
        summary: 'Delete a screen group and its schedules; its screens stay (admins)',
        params: idParams,
      },
    },
    async (req, reply) => {
      await tenant(req, (t) => deleteGroup(t, req.params.id));
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/signage/groups/:id/screens',
    {
      schema: {
        tags,
        summary: "The ids of the group's screens",
        params: idParams,
        querystring: pageQuery,
        response: { 200: pageOf(z.object({ id: z.string() })) },
      },
    },
    async (req) => tenant(req, (t) => listGroupScreens(t, req.params.id, req.query)),
  );

  app.post(
    '/api/signage/groups/:id/screens',
    {
      schema: {
        tags,
        summary: 'Add screens to the group (a screen already in it stays once; admins)',
        params: idParams,
        body: z.strictObject({ device_ids: deviceIds }),
        response: { 200: groupOut },
      },
    },
    async (req) =>
      groupView(await tenant(req, (t) => addGroupScreens(t, req.params.id, req.body.device_ids))),
  );

  app.delete(
    '/api/signage/groups/:id/screens/:deviceId',
    {
      schema: {
        tags,
        summary: 'Take a screen out of the group (admins)',
        params: z.object({ id: uuidParam, deviceId: uuidParam }),
      },
    },
    async (req, reply) => {
      await tenant(req, (t) => removeGroupScreen(t, req.params.id, req.params.deviceId));
      return reply.code(204).send();
    },
  );
}
