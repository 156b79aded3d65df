import { z } from 'zod';
import { authInvalidation } from '../../core/auth/cache.ts';
import { actorOf, SESSION_COOKIE, tenant, type RosterApp } from '../../core/http/app.ts';
import { answerInvitation, myInvitations } from './invitations.ts';
import { uuidParam } from '../../core/db/ids.ts';
import { whoAmI } from './service.ts';
import { changePassword, login, logout, orgsOfUser, revokeOtherSessions, switchOrg } from './sessions.ts';
import { invitationView, myInvitationOut, orgOut, orgRoleOut, orgView, userOut, userView } from './views.ts';

const tags = ['identity'];

/** Logging in and out, who am I, my password, and moving my session to another org. */
export function registerSessionRoutes(app: RosterApp) {
  const { database, rateLimiter, config, bus } = app.deps;
  const db = database.db;

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
            role: orgRoleOut,
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
        user: userView(result.user),
        org: orgView(result.org),
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
        await bus.publish(authInvalidation(actor.orgId, { sessionId: actor.sessionId }));
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
            role: orgRoleOut,
            via: z.string(),
            orgs: z.array(z.object({ org: orgOut, role: orgRoleOut })),
          }),
        },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const { org, user, orgs } = await tenant(req, whoAmI);
      return {
        user: user ? userView(user) : null,
        org: orgView(org),
        role: actor.orgRole,
        via: actor.via,
        orgs: orgs.map((o) => ({ org: orgView(o), role: o.role })),
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
          await bus.publish(authInvalidation(org.id, { userId: actor.userId }));
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
        response: { 200: z.object({ org: orgOut, role: orgRoleOut }) },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const target = await switchOrg(db, actor, req.body.org);
      await bus.publish(authInvalidation(actor.orgId, { sessionId: actor.sessionId }));
      return { org: orgView(target.org), role: target.role };
    },
  );

  // Invitations are answered by the person, in their own login: never by a script's key.
  const personal = { credentials: ['session'] } as const;
  app.get(
    '/api/auth/invitations',
    {
      config: personal,
      schema: {
        tags,
        summary: 'Open invitations to join other organizations, addressed to me',
        response: { 200: z.object({ items: z.array(myInvitationOut) }) },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const rows = actor.userId === null ? [] : await myInvitations(db, actor.userId);
      return { items: rows.map((r) => ({ ...invitationView(r.invitation), org: orgView(r.org) })) };
    },
  );

  for (const answer of ['accept', 'decline'] as const) {
    app.post(
      `/api/auth/invitations/:id/${answer}`,
      {
        config: personal,
        schema: {
          tags,
          summary: `${answer === 'accept' ? 'Accept' : 'Decline'} an invitation addressed to me`,
          params: z.object({ id: uuidParam }),
          response: { 200: myInvitationOut },
        },
      },
      async (req) => {
        const { invitation, org } = await answerInvitation({ db, bus }, actorOf(req), req.params.id, answer);
        return { ...invitationView(invitation), org: orgView(org) };
      },
    );
  }
}
