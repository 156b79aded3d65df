import { z } from 'zod';
import { tenant, type RosterApp } from '../../../core/http/app.ts';
import { pageOf, pageQuery, mapPage } from '../../../core/http/pagination.ts';
import { definedOnly } from '../../../core/util/objects.ts';
import * as grp from '../groups.ts';
import { listAssignmentsOf } from '../assignments.ts';
import { assignmentOut, assignmentView, groupOut, groupView } from '../views.ts';
import { assignmentListQuery, base, flag, idParams, tags, text } from './common.ts';

const groupBody = z.strictObject({
  name: text(200).min(1),
  description: text(2000).optional(),
  is_active: z.boolean().optional(),
  members: z.array(z.number().int().positive()).max(1000).optional(),
});
const groupPatch = (b: Partial<z.infer<typeof groupBody>>) =>
  definedOnly({ name: b.name, description: b.description, isActive: b.is_active, members: b.members });

/** Monitoring groups: who watches which assignments. */
export function registerGroupRoutes(app: RosterApp) {
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
      const filter = { includeInactive: include_inactive, page };
      return tenant(req, async (t) => mapPage(await grp.listGroups(t, filter), groupView));
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
      const input = { ...groupPatch(req.body), name: req.body.name };
      const group = await tenant(req, (t) => grp.createGroup(t, input));
      return reply.code(201).send(groupView(group));
    },
  );
  app.get(
    `${base}/groups/:id`,
    { schema: { tags, summary: 'One monitoring group', params: idParams, response: { 200: groupOut } } },
    (req) => tenant(req, async (t) => groupView(await grp.getGroup(t, req.params.id))),
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
      tenant(req, async (t) => groupView(await grp.updateGroup(t, req.params.id, groupPatch(req.body)))),
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
        querystring: assignmentListQuery,
        response: { 200: pageOf(assignmentOut) },
      },
    },
    (req) => {
      const { updated_after: after, ...page } = req.query;
      return tenant(req, async (t) =>
        mapPage(
          await listAssignmentsOf(t, { monitoringGroupId: req.params.id, after }, page),
          assignmentView,
        ),
      );
    },
  );
}
