import { z } from 'zod';
import { forbidden, invalidField } from '../http/problem.ts';
import { phrase } from '../http/problem-texts.ts';
import { intId } from '../db/ids.ts';
import { actorOf, tenant, type RosterApp } from '../http/app.ts';
import { MAX_PAGE_SIZE } from '../http/pagination.ts';
import { isOrgAdmin, ORG_ROLES, type Actor } from './actor.ts';
import { explainableKinds, explainPair, personOf, reachedBy, reachingObject } from './explain.ts';

const assignmentOut = z.object({
  kind: z.string(),
  id: z.string(),
  starts_at: z.string().nullable(),
  until: z.string().nullable(),
});
const reasonOut = z.object({
  rule: z.string(),
  source: z.string(),
  as_of_now: z.boolean().optional(),
  grant: z.string().optional(),
  assignment: assignmentOut.optional(),
});
const objectOut = z.object({ kind: z.string(), id: z.string(), label: z.string() });
const personOut = z.object({ user_id: z.number(), username: z.string(), org_role: z.enum(ORG_ROLES) });

const explainOut = z.object({
  at: z.string(),
  kinds: z.array(z.string()),
  user: personOut.optional(),
  object: objectOut.optional(),
  /** user only: what they reach. */
  reaches: z.array(objectOut.extend({ reasons: z.array(reasonOut) })).optional(),
  truncated_kinds: z.array(z.string()).optional(),
  /** object only: who reaches it (a page of the org's members). */
  people: z.array(personOut.extend({ reasons: z.array(reasonOut) })).optional(),
  next_cursor: z.string().nullable().optional(),
  /** user and object: the answer, and for a denial the rule that refused and what would grant it. */
  allowed: z.boolean().optional(),
  reasons: z.array(reasonOut).optional(),
  refused_by: z.object({ rule: z.string(), detail: z.string() }).optional(),
  would_grant: z.array(z.object({ rule: z.string(), source: z.string() })).optional(),
});

const explainQuery = z.object({
  user: intId.optional(),
  object: z.string().min(3).max(200).optional(),
  at: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with offset' }).optional(),
  kind: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
  cursor: intId.optional(),
});

/** Org admins ask about anyone; everyone else about themselves only. */
function mayAsk(actor: Actor, user: number | undefined) {
  if (isOrgAdmin(actor)) return;
  if (user === undefined) throw forbidden('Only organization admins may ask who reaches an object');
  if (user !== actor.userId) throw forbidden('You may ask only about your own access');
}

const personView = (p: { userId: number; username: string; orgRole: (typeof ORG_ROLES)[number] }) => ({
  user_id: p.userId,
  username: p.username,
  org_role: p.orgRole,
});

export function registerExplainRoutes(app: RosterApp) {
  app.get(
    '/api/access/explain',
    {
      schema: {
        tags: ['access'],
        summary: 'Why may they see this? For a person, an object, or both, now or at a past instant',
        querystring: explainQuery,
        response: { 200: explainOut },
      },
    },
    async (req) => {
      const q = req.query;
      if (q.user === undefined && q.object === undefined)
        throw invalidField('query.user', 'give a user, an object (<kind>:<id>), or both');
      if (q.kind !== undefined && !explainableKinds().includes(q.kind))
        throw invalidField('query.kind', phrase('access.oneOf', { kinds: explainableKinds().join(', ') }));
      mayAsk(actorOf(req), q.user);
      const at = q.at ? new Date(q.at) : new Date();
      const base = { at: at.toISOString(), kinds: explainableKinds() };
      return tenant(req, async (t) => {
        if (q.user !== undefined) {
          const person = await personOf(t, q.user);
          if (q.object !== undefined)
            return { ...base, user: personView(person), ...(await explainPair(t, person, q.object, at)) };
          const reached = await reachedBy(t, person, at, { kind: q.kind, limit: q.limit });
          return {
            ...base,
            user: personView(person),
            reaches: reached.items,
            truncated_kinds: reached.truncated,
          };
        }
        const who = await reachingObject(t, q.object!, at, { limit: q.limit, after: q.cursor });
        return {
          ...base,
          object: who.object,
          people: who.people.map((p) => ({ ...personView(p), reasons: p.reasons })),
          next_cursor: who.next_after === null ? null : String(who.next_after),
        };
      });
    },
  );
}
