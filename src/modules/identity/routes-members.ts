import { z } from 'zod';
import { requireOrgAdmin } from '../../core/access/actor.ts';
import { intId, uuidParam } from '../../core/db/ids.ts';
import { actorOf, tenant, type RosterApp } from '../../core/http/app.ts';
import { pageOf, pageQuery } from '../../core/http/pagination.ts';
import { definedOnly } from '../../core/util/objects.ts';
import { inviteMember, listOrgInvitations, revokeInvitation } from './invitations.ts';
import {
  currentOrganization,
  getMember,
  listMembers,
  removeMember,
  setMemberRole,
  updateCurrentOrganization,
} from './service.ts';
import {
  invitationOut,
  invitationView,
  memberOut,
  memberView,
  orgOut,
  orgRoleOut,
  orgView,
} from './views.ts';

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

/**
 * Who belongs to the current organization, with which org role. The directory shows emails, last
 * logins and roles, which only the org's admins need: everyone else (members, API keys below
 * admin, devices) is refused. People see each other through the modules that assign them
 * together, never through this list.
 */
export function registerMemberRoutes(app: RosterApp) {
  app.get(
    '/api/members',
    {
      schema: {
        tags,
        summary: 'Members of the current organization (admins)',
        querystring: pageQuery.extend({ q: z.string().max(100).optional(), role: orgRoleOut.optional() }),
        response: { 200: pageOf(memberOut) },
      },
    },
    async (req) => {
      requireOrgAdmin(actorOf(req), 'list the members');
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
        summary:
          'Invite a user (by username or email) to this organization; they join once they accept (admins)',
        body: z.strictObject({ login: z.string().min(1).max(254), role: orgRoleOut.default('member') }),
        response: { 202: invitationOut },
      },
    },
    async (req, reply) => {
      requireOrgAdmin(actorOf(req), 'invite members');
      const invitation = await tenant(req, (t) => inviteMember(t, req.body.login, req.body.role));
      return reply.code(202).send(invitationView(invitation));
    },
  );

  app.get(
    '/api/members/invitations',
    {
      schema: {
        tags,
        summary: 'Invitations sent by this organization (admins)',
        response: { 200: z.object({ items: z.array(invitationOut) }) },
      },
    },
    async (req) => {
      requireOrgAdmin(actorOf(req), 'see invitations');
      return { items: (await tenant(req, listOrgInvitations)).map(invitationView) };
    },
  );

  app.delete(
    '/api/members/invitations/:id',
    {
      schema: {
        tags,
        summary: 'Revoke an open invitation (admins)',
        params: z.object({ id: uuidParam }),
        response: { 200: invitationOut },
      },
    },
    async (req) => {
      requireOrgAdmin(actorOf(req), 'revoke invitations');
      return invitationView(await tenant(req, (t) => revokeInvitation(t, req.params.id)));
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
