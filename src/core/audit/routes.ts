import { and, eq, gte, lt } from 'drizzle-orm';
import { z } from 'zod';
import { requireOrgAdmin } from '../access/actor.ts';
import { auditLog } from '../db/platform-schema.ts';
import { actorOf, tenant, type RosterApp } from '../http/app.ts';
import { keyset, pageOf, pageQuery } from '../http/pagination.ts';

const auditOut = z.object({
  id: z.string(),
  created_at: z.string(),
  actor_user_id: z.number().nullable(),
  actor: z.string(),
  action: z.string(),
  entity_type: z.string(),
  entity_id: z.string().nullable(),
  message: z.string(),
  diff: z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() })).nullable(),
  request_id: z.string().nullable(),
  ip: z.string().nullable(),
});

type AuditRow = typeof auditLog.$inferSelect;

export function registerAuditRoutes(app: RosterApp) {
  app.get(
    '/api/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Audit trail of the organization, newest first (admins)',
        querystring: pageQuery.extend({
          entity_type: z.string().max(100).optional(),
          entity_id: z.string().max(100).optional(),
          actor: z.coerce.number().int().positive().optional(),
          action: z.string().max(100).optional(),
          from: z.iso.datetime({ offset: true }).optional(),
          to: z.iso.datetime({ offset: true }).optional(),
        }),
        response: { 200: pageOf(auditOut) },
      },
    },
    async (req) => {
      requireOrgAdmin(actorOf(req), 'read the audit log');
      const { entity_type, entity_id, actor, action, from, to, ...page } = req.query;
      // UUID v7 ids sort by creation time, so the id alone is the keyset.
      const pager = keyset({ columns: [auditLog.id], key: (r: AuditRow) => [r.id], page, descending: true });
      return tenant(req, async (t) => {
        const rows = await t.tx
          .select()
          .from(auditLog)
          .where(
            and(
              entity_type ? eq(auditLog.entityType, entity_type) : undefined,
              entity_id ? eq(auditLog.entityId, entity_id) : undefined,
              actor ? eq(auditLog.actorUserId, actor) : undefined,
              action ? eq(auditLog.action, action) : undefined,
              from ? gte(auditLog.createdAt, new Date(from)) : undefined,
              to ? lt(auditLog.createdAt, new Date(to)) : undefined,
              pager.after,
            ),
          )
          .orderBy(...pager.orderBy)
          .limit(pager.limit);
        return pager.finish(rows, (r) => ({
          id: r.id,
          created_at: r.createdAt.toISOString(),
          actor_user_id: r.actorUserId,
          actor: r.actorLabel,
          action: r.action,
          entity_type: r.entityType,
          entity_id: r.entityId,
          message: r.message,
          diff: r.diff ?? null,
          request_id: r.requestId,
          ip: r.ip,
        }));
      });
    },
  );
}
