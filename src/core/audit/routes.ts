import { and, asc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { requireOrgAdmin } from '../access/actor.ts';
import { auditLog } from '../db/platform-schema.ts';
import type { TenantTx } from '../db/tenant.ts';
import { actorOf, tenant, type RosterApp } from '../http/app.ts';
import { csvDocument } from '../http/csv.ts';
import { keyset, pageOf, pageQuery } from '../http/pagination.ts';
import { invalidField } from '../http/problem.ts';
import { entityNames, nameOf, userNames } from './names.ts';

const tags = ['audit'];

const auditOut = z.object({
  id: z.string(),
  created_at: z.string(),
  actor_user_id: z.number().nullable(),
  actor: z.string().describe('Who acted, as recorded at the time (user, API key or job)'),
  actor_name: z
    .string()
    .describe('The acting user’s current full name when the viewer may see that user, else `actor`'),
  action: z.string(),
  entity_type: z.string(),
  entity_id: z.string().nullable(),
  entity_name: z
    .string()
    .nullable()
    .describe('What the entry is about, by name (its latest name in the trail), or null when unnamed'),
  message: z.string(),
  diff: z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() })).nullable(),
  request_id: z.string().nullable(),
  ip: z.string().nullable(),
});
type AuditOut = z.infer<typeof auditOut>;

const filters = z.strictObject({
  entity_type: z.string().max(100).optional(),
  entity_id: z.string().max(100).optional(),
  actor: z.coerce.number().int().positive().optional(),
  action: z.string().max(100).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
type Filters = z.infer<typeof filters>;

type AuditRow = typeof auditLog.$inferSelect;

/** Rows a CSV export holds at most; narrower filters export the rest. */
export const AUDIT_EXPORT_MAX = 10_000;
/** Rows read per statement while exporting, so a large export never holds one huge result. */
const EXPORT_CHUNK = 1000;

function filterWhere(f: Filters): SQL | undefined {
  if (f.from && f.to && Date.parse(f.to) <= Date.parse(f.from))
    throw invalidField('query.to', 'must be after from');
  return and(
    f.entity_type ? eq(auditLog.entityType, f.entity_type) : undefined,
    f.entity_id ? eq(auditLog.entityId, f.entity_id) : undefined,
    f.actor ? eq(auditLog.actorUserId, f.actor) : undefined,
    f.action ? eq(auditLog.action, f.action) : undefined,
    f.from ? gte(auditLog.createdAt, new Date(f.from)) : undefined,
    f.to ? lt(auditLog.createdAt, new Date(f.to)) : undefined,
  );
}

/** Entries as the API shows them: actor and entity named where the viewer may see the names. */
async function withNames(t: TenantTx, rows: AuditRow[]): Promise<AuditOut[]> {
  const [entities, actors] = await Promise.all([
    entityNames(t, rows),
    userNames(
      t,
      rows.flatMap((r) => (r.actorUserId === null ? [] : [r.actorUserId])),
    ),
  ]);
  return rows.map((r) => ({
    id: r.id,
    created_at: r.createdAt.toISOString(),
    actor_user_id: r.actorUserId,
    actor: r.actorLabel,
    actor_name: (r.actorUserId !== null && actors.get(r.actorUserId)) || r.actorLabel,
    action: r.action,
    entity_type: r.entityType,
    entity_id: r.entityId,
    entity_name: nameOf(entities, r),
    message: r.message,
    diff: r.diff ?? null,
    request_id: r.requestId,
    ip: r.ip,
  }));
}

/**
 * The entity types in the org's trail, in order, by a skip scan over the entity index: one index
 * probe per type, however long the trail.
 */
async function entityTypes(t: TenantTx): Promise<string[]> {
  // Both drivers answer raw statements with `{ rows }`.
  const result: unknown = await t.tx.execute(sql`
    with recursive found(v) as (
      (select entity_type from audit_log where org_id = app_current_org() order by entity_type limit 1)
      union all
      select (select a.entity_type from audit_log a
              where a.org_id = app_current_org() and a.entity_type > found.v
              order by a.entity_type limit 1)
      from found where found.v is not null
    )
    select v from found where v is not null`);
  return (result as { rows: Array<{ v: string }> }).rows.map((r) => r.v);
}

const CSV_COLUMNS = [
  'created_at',
  'actor_user_id',
  'actor',
  'actor_name',
  'action',
  'entity_type',
  'entity_id',
  'entity_name',
  'message',
  'diff',
  'request_id',
  'ip',
] as const;

export function registerAuditRoutes(app: RosterApp) {
  app.get(
    '/api/audit',
    {
      schema: {
        tags,
        summary: 'Audit trail of the organization, newest first, with actor and entity names (admins)',
        querystring: pageQuery.extend(filters.shape),
        response: { 200: pageOf(auditOut) },
      },
    },
    async (req) => {
      requireOrgAdmin(actorOf(req), 'read the audit log');
      const { limit, cursor, ...f } = req.query;
      const where = filterWhere(f);
      // UUID v7 ids sort by creation time, so the id alone is the keyset.
      const pager = keyset({
        columns: [auditLog.id],
        key: (r: AuditOut) => [r.id],
        page: { limit, cursor },
        descending: true,
      });
      return tenant(req, async (t) => {
        const rows = await t.tx
          .select()
          .from(auditLog)
          .where(and(where, pager.after))
          .orderBy(...pager.orderBy)
          .limit(pager.limit);
        return pager.finish(await withNames(t, rows));
      });
    },
  );

  app.get(
    '/api/audit/kinds',
    {
      schema: {
        tags,
        summary: 'The entity types in the trail, and the actions recorded on one of them (admins)',
        querystring: z.strictObject({ entity_type: z.string().max(100).optional() }),
        response: { 200: z.object({ entity_types: z.array(z.string()), actions: z.array(z.string()) }) },
      },
    },
    async (req) => {
      requireOrgAdmin(actorOf(req), 'read the audit log');
      const type = req.query.entity_type;
      return tenant(req, async (t) => ({
        entity_types: await entityTypes(t),
        // Actions are listed per entity type: the entity index bounds the scan to that type's rows.
        actions: type ? await actionsOf(t, type) : [],
      }));
    },
  );

  app.get(
    '/api/audit/export.csv',
    {
      schema: {
        tags,
        summary: `The trail as CSV, newest first, with names; same filters (at most ${AUDIT_EXPORT_MAX} rows; admins)`,
        querystring: filters,
        produces: ['text/csv'],
      },
    },
    async (req, reply) => {
      requireOrgAdmin(actorOf(req), 'export the audit log');
      const where = filterWhere(req.query);
      const entries = await tenant(req, async (t) => {
        const out: AuditOut[] = [];
        let last: string | undefined;
        while (out.length < AUDIT_EXPORT_MAX) {
          const rows = await t.tx
            .select()
            .from(auditLog)
            .where(and(where, last ? lt(auditLog.id, last) : undefined))
            .orderBy(sql`${auditLog.id} desc`)
            .limit(Math.min(EXPORT_CHUNK, AUDIT_EXPORT_MAX - out.length));
          out.push(...(await withNames(t, rows)));
          if (rows.length < EXPORT_CHUNK) break;
          last = rows[rows.length - 1].id;
        }
        return out;
      });
      const rows = entries.map((e) => ({ ...e, diff: e.diff ? JSON.stringify(e.diff) : null }));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="audit-log.csv"')
        .send(csvDocument(CSV_COLUMNS, rows));
    },
  );
}

async function actionsOf(t: TenantTx, entityType: string): Promise<string[]> {
  const rows = await t.tx
    .selectDistinct({ action: auditLog.action })
    .from(auditLog)
    .where(eq(auditLog.entityType, entityType))
    .orderBy(asc(auditLog.action));
  return rows.map((r) => r.action);
}
