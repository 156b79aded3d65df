import { z } from 'zod';
import { tenant, type RosterApp } from '../../../core/http/app.ts';
import { pageOf, pageQuery, mapPage } from '../../../core/http/pagination.ts';
import { definedOnly } from '../../../core/util/objects.ts';
import * as grp from '../groups.ts';
import { groupOut, groupView } from '../views.ts';
import { registerAssignmentsOf, registerResourceRoutes } from './resource.ts';
import { base, flag, tags, text } from './common.ts';

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
  registerResourceRoutes(app, {
    path: 'groups',
    out: groupOut,
    view: groupView,
    create: {
      summary: 'Create a monitoring group with its members (admins)',
      body: groupBody,
      run: (t, b) => grp.createGroup(t, { ...groupPatch(b), name: b.name }),
    },
    get: { summary: 'One monitoring group', run: grp.getGroup },
    update: {
      summary: 'Rename, (de)activate or replace the members of a group (admins)',
      body: groupBody.partial(),
      run: (t, id, b) => grp.updateGroup(t, id, groupPatch(b)),
    },
    remove: { summary: 'Delete a group and its assignments (admins)', run: grp.deleteGroup },
  });
  registerAssignmentsOf(app, 'groups', 'get_group_assignments', (id) => ({ monitoringGroupId: id }));
}
