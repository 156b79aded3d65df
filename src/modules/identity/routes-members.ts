import { z } from 'zod';
import { requireOrgAdmin } from '../../core/access/actor.ts';
import { intId } from '../../core/db/ids.ts';
import { actorOf, tenant, type RosterApp } from '../../core/http/app.ts';
import { pageOf, pageQuery } from '../../core/http/pagination.ts';
import { definedOnly } from '../../core/util/objects.ts';
import {
  addMember,
  currentOrganization,
  getMember,
  listMembers,
  removeMember,
  setMemberRole,
  updateCurrentOrganization,
} from './service.ts';
import { memberOut, memberView, orgOut, orgRoleOut, orgView } from './views.ts';

const tags = ['identity'];
const userParams = z.object({ userId: intId });

/** The current organization itself. */
export function registerOrganizationRoutes(app: RosterApp) {
  app.get(
    '/api/org',
    { schema: { tags, summary: 'The current organization', response: { 200: orgOut } } },
    async (req) => orgView(await tenant(req, currentOrganization)),
  );

  app.patch(
    '/api/org',
    {
      schema: {
        tags,
        summary: 'Rename the current organization or set its domain (admins)',
        body: z.strictObject({
          name: z.string().min(1).max(200).optional(),
          domain: z.string().max(253).nullable().optional(),
        }),
        response: { 200: orgOut },
      },
    },
    async (req) => {
      requireOrgAdmin(actorOf(req), 'change the organization');
      const patch = definedOnly({ name: req.body.name, domain: req.body.domain });
      return orgView(await tenant(req, (t) => updateCurrentOrganization(t, patch)));
    },
  );
}

/** Who belongs to the current organization, with which org role. */
export function registerMemberRoutes(app: RosterApp) {
  app.get(
    '/api/members',
    {
      schema: {
        tags,
        summary: 'Members of the current organization',
        querystring: pageQuery.extend({ q: z.string().max(100).optional(), role: orgRoleOut.optional() }),
        response: { 200: pageOf(memberOut) },
      },
    },
    async (req) => {
      const { q, role, ...page } = req.query;
      const result = await tenant(req, (t) => listMembers(t, { q, role, page }));
      return { items: result.items.map(memberView), next_cursor: result.next_cursor };
    },
  );

  app.post(
    '/api/members',
    {
      schema: {
        tags,
        summary: 'Add an existing user (by username or email) to this organization (admins)',
        body: z.strictObject({ login: z.string().min(1).max(254), role: orgRoleOut.default('member') }),
        response: { 201: memberOut },
      },
    },
    async (req, reply) => {
      requireOrgAdmin(actorOf(req), 'add members');
      const member = await tenant(req, (t) => addMember(t, req.body.login, req.body.role));
      return reply.code(201).send(memberView(member));
    },
  );

  app.patch(
    '/api/members/:userId',
    {
      schema: {
        tags,
        summary: 'Change a member’s org role or deactivate the membership (admins)',
        params: userParams,
        body: z.strictObject({ role: orgRoleOut.optional(), is_active: z.boolean().optional() }),
        response: { 200: memberOut },
      },
    },
    async (req) => {
      requireOrgAdmin(actorOf(req), 'change members');
      const { userId } = req.params;
      const patch = definedOnly({ role: req.body.role, isActive: req.body.is_active });
      const member = await tenant(req, async (t) => {
        await setMemberRole(t, userId, patch);
        return getMember(t, userId);
      });
      return memberView(member);
    },
  );

  app.delete(
    '/api/members/:userId',
    {
      schema: {
        tags,
        summary: 'Remove a member from this organization (admins)',
        params: userParams,
      },
    },
    async (req, reply) => {
      requireOrgAdmin(actorOf(req), 'remove members');
      await tenant(req, (t) => removeMember(t, req.params.userId));
      return reply.code(204).send();
    },
  );
}
