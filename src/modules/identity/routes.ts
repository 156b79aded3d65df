import { z } from 'zod';
import { ORG_ROLES, requireOrgAdmin } from '../../core/access/actor.ts';
import { actorOf, SESSION_COOKIE, tenant, type RosterApp } from '../../core/http/app.ts';
import { intId, uuidParam } from '../../core/db/ids.ts';
import { pageOf, pageQuery } from '../../core/http/pagination.ts';
import { authInvalidation } from '../../core/auth/cache.ts';
import {
  addMember,
  currentOrganization,
  getMember,
  listMembers,
  publicOrg,
  publicUser,
  removeMember,
  setMemberRole,
  updateCurrentOrganization,
} from './service.ts';
import { changePassword, login, logout, orgsOfUser, revokeOtherSessions, switchOrg } from './sessions.ts';
import { createApiKey, listApiKeys, publicApiKey, revokeApiKey } from './api-keys.ts';

const orgRole = z.enum(ORG_ROLES);
const userOut = z.object({
  id: z.number(),
  username: z.string(),
  email: z.string().nullable(),
  full_name: z.string(),
  is_active: z.boolean(),
  last_login: z.string().nullable(),
  must_change_password: z.boolean(),
});
const orgOut = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  domain: z.string().nullable(),
  is_active: z.boolean(),
});
const memberOut = z.object({ user: userOut, role: orgRole, is_active: z.boolean() });
const apiKeyOut = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  role: z.string(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});

const memberView = (m: Awaited<ReturnType<typeof getMember>>) => ({
  user: publicUser(m.user),
  role: m.role,
  is_active: m.membershipActive,
});

export function registerIdentityRoutes(app: RosterApp) {
  const { database, rateLimiter, config } = app.deps;
  const db = database.db;
  const tags = ['identity'];

  app.post(
    '/api/auth/login',
    {
      config: { public: true },
      schema: {
        tags,
        security: [],
        summary: 'Log in; returns a bearer token and sets the session cookie',
        body: z.strictObject({
          username: z.string().min(1).max(150),
          password: z.string().min(1).max(1024),
          org: z.string().max(100).optional(),
        }),
        response: {
          200: z.object({
            token: z.string(),
            expires_at: z.string(),
            user: userOut,
            org: orgOut,
            role: orgRole,
          }),
        },
      },
    },
    async (req, reply) => {
      const result = await login(
        { db, rateLimiter, sessionTtlMs: config.sessionTtlMs },
        { ...req.body, ip: req.ip, userAgent: req.headers['user-agent'] },
      );
      reply.setCookie(SESSION_COOKIE, result.token, {
        httpOnly: true,
        sameSite: 'lax',
        path: '/',
        secure: req.protocol === 'https',
        expires: result.expiresAt,
      });
      return {
        token: result.token,
        expires_at: result.expiresAt.toISOString(),
        user: publicUser(result.user),
        org: publicOrg(result.org),
        role: result.role,
      };
    },
  );

  app.post(
    '/api/auth/logout',
    { schema: { tags, summary: 'End the current session' } },
    async (req, reply) => {
      const actor = actorOf(req);
      if (actor.sessionId) {
        await logout(db, actor.sessionId);
        await app.deps.bus.publish(authInvalidation(actor.orgId, { sessionId: actor.sessionId }));
      }
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/auth/me',
    {
      schema: {
        tags,
        summary: 'Who am I: user, current org, role, and the orgs I can switch to',
        response: {
          200: z.object({
            user: userOut.nullable(),
            org: orgOut,
            role: orgRole,
            via: z.string(),
            orgs: z.array(z.object({ org: orgOut, role: orgRole })),
          }),
        },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const { org, member } = await tenant(req, async (t) => ({
        org: await currentOrganization(t),
        member: actor.userId === null ? null : await getMember(t, actor.userId),
      }));
      const orgs = actor.userId === null ? [] : await orgsOfUser(db, actor.userId);
      return {
        user: member ? publicUser(member.user) : null,
        org: publicOrg(org),
        role: actor.orgRole,
        via: actor.via,
        orgs: orgs.map((o) => ({ org: publicOrg(o.org), role: o.role })),
      };
    },
  );

  app.post(
    '/api/auth/password',
    {
      schema: {
        tags,
        summary: 'Change my password (clears must_change_password, ends my other sessions)',
        body: z.strictObject({
          current_password: z.string().min(1).max(1024),
          new_password: z.string().max(1024),
        }),
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      await tenant(req, (t) => changePassword(t, req.body.current_password, req.body.new_password));
      if (actor.userId !== null) {
        await revokeOtherSessions(db, actor.userId, actor.sessionId);
        // Every org's cache: the other sessions may be in any org the user belongs to.
        for (const { org } of await orgsOfUser(db, actor.userId))
          await app.deps.bus.publish(authInvalidation(org.id, { userId: actor.userId }));
      }
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/auth/switch-org',
    {
      schema: {
        tags,
        summary: 'Move my session to another organization I belong to',
        body: z.strictObject({ org: z.string().min(1).max(100) }),
        response: { 200: z.object({ org: orgOut, role: orgRole }) },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const target = await switchOrg(db, actor, req.body.org);
      await app.deps.bus.publish(authInvalidation(actor.orgId, { sessionId: actor.sessionId }));
      return { org: publicOrg(target.org), role: target.role };
    },
  );

  app.get(
    '/api/org',
    { schema: { tags, summary: 'The current organization', response: { 200: orgOut } } },
    async (req) => tenant(req, async (t) => publicOrg(await currentOrganization(t))),
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
      return tenant(req, async (t) => publicOrg(await updateCurrentOrganization(t, req.body)));
    },
  );

  app.get(
    '/api/members',
    {
      schema: {
        tags,
        summary: 'Members of the current organization',
        querystring: pageQuery.extend({ q: z.string().max(100).optional(), role: orgRole.optional() }),
        response: { 200: pageOf(memberOut) },
      },
    },
    async (req) =>
      tenant(req, async (t) => {
        const { q, role, ...page } = req.query;
        const result = await listMembers(t, { q, role, page });
        return { items: result.items.map(memberView), next_cursor: result.next_cursor };
      }),
  );

  app.post(
    '/api/members',
    {
      schema: {
        tags,
        summary: 'Add an existing user (by username or email) to this organization (admins)',
        body: z.strictObject({ login: z.string().min(1).max(254), role: orgRole.default('member') }),
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
        params: z.object({ userId: intId }),
        body: z.strictObject({ role: orgRole.optional(), is_active: z.boolean().optional() }),
        response: { 200: memberOut },
      },
    },
    async (req) => {
      requireOrgAdmin(actorOf(req), 'change members');
      return tenant(req, async (t) => {
        await getMember(t, req.params.userId);
        await setMemberRole(t, req.params.userId, { role: req.body.role, isActive: req.body.is_active });
        return memberView(await getMember(t, req.params.userId));
      });
    },
  );

  app.delete(
    '/api/members/:userId',
    {
      schema: {
        tags,
        summary: 'Remove a member from this organization (admins)',
        params: z.object({ userId: intId }),
      },
    },
    async (req, reply) => {
      requireOrgAdmin(actorOf(req), 'remove members');
      await tenant(req, (t) => removeMember(t, req.params.userId));
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/api-keys',
    {
      schema: {
        tags,
        summary: 'API keys of this organization (admins)',
        response: { 200: z.object({ items: z.array(apiKeyOut) }) },
      },
    },
    async (req) => {
      requireOrgAdmin(actorOf(req), 'see API keys');
      return tenant(req, async (t) => ({ items: (await listApiKeys(t)).map(publicApiKey) }));
    },
  );

  app.post(
    '/api/api-keys',
    {
      schema: {
        tags,
        summary: 'Create an API key; the secret is shown once (admins)',
        body: z.strictObject({
          name: z.string().min(1).max(100),
          role: z.enum(['admin', 'member', 'viewer']).default('member'),
        }),
        response: { 201: apiKeyOut.extend({ key: z.string() }) },
      },
    },
    async (req, reply) => {
      requireOrgAdmin(actorOf(req), 'create API keys');
      const { key, secret } = await tenant(req, (t) => createApiKey(t, req.body));
      return reply.code(201).send({ ...publicApiKey(key), key: secret });
    },
  );

  app.delete(
    '/api/api-keys/:id',
    {
      schema: {
        tags,
        summary: 'Revoke an API key (admins)',
        params: z.object({ id: uuidParam }),
        response: { 200: apiKeyOut },
      },
    },
    async (req) => {
      requireOrgAdmin(actorOf(req), 'revoke API keys');
      return tenant(req, async (t) => publicApiKey(await revokeApiKey(t, req.params.id)));
    },
  );
}
