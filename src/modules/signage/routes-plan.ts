import { z } from 'zod';
import { requireOrgAdmin } from '../../core/access/actor.ts';
import { intId } from '../../core/db/ids.ts';
import { actorOf, type RosterApp, tenant } from '../../core/http/app.ts';
import { listMemberPermissions, setMemberPermissions } from './permissions.ts';
import { limitsReport } from './plans.ts';
import { limitsOut, limitsView, memberPermissionsOut, memberPermissionsView } from './views.ts';

const tags = ['signage'];

/** The plan with its usage, and who may see every asset. */
export function registerPlanRoutes(app: RosterApp) {
  app.get(
    '/api/signage/limits',
    {
      schema: {
        tags,
        summary: 'The plan, its limits and current usage (admins)',
        response: { 200: limitsOut },
      },
    },
    async (req) => {
      requireOrgAdmin(actorOf(req), 'see plan usage');
      return limitsView(await tenant(req, limitsReport));
    },
  );

  app.get(
    '/api/signage/permissions',
    {
      schema: {
        tags,
        summary: 'Signage permissions of each member (admins)',
        response: { 200: z.object({ items: z.array(memberPermissionsOut) }) },
      },
    },
    async (req) => ({
      items: (await tenant(req, listMemberPermissions)).map(memberPermissionsView),
    }),
  );

  app.put(
    '/api/signage/permissions/:userId',
    {
      schema: {
        tags,
        summary: "Grant or withdraw a member's view_all_assets (admins)",
        params: z.object({ userId: intId }),
        body: z.strictObject({ view_all_assets: z.boolean() }),
        response: { 200: memberPermissionsOut },
      },
    },
    async (req) => {
      const { userId } = req.params;
      const granted = req.body.view_all_assets;
      return memberPermissionsView(await tenant(req, (t) => setMemberPermissions(t, userId, granted)));
    },
  );
}
