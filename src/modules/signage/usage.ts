import { and, asc, eq, gte, lte, sql } from 'drizzle-orm';
import type { Db } from '../../core/db/client.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { requireOrgAdmin } from '../../core/access/actor.ts';
import { invalidField } from '../../core/http/problem.ts';
import { keyset, type PageQuery } from '../../core/http/pagination.ts';
import { signageUsageMetrics, type UsageMetricType } from './schema.ts';

/** Usage days are UTC calendar days. */
export const utcDay = (at = new Date()) => at.toISOString().slice(0, 10);

/**
 * API calls per org counted in this process's memory (a Map increment per request, no I/O) and
 * added to today's `api_calls` row by `flushApiCalls`. Additive upserts make it correct with
 * several processes, each flushing its own counts.
 */
export function createApiCallCounter() {
  let counts = new Map<string, number>();
  return {
    add(orgId: string) {
      counts.set(orgId, (counts.get(orgId) ?? 0) + 1);
    },
    /** Takes the counts so far and starts from zero. */
    drain(): Map<string, number> {
      const taken = counts;
      counts = new Map();
      return taken;
    },
    /** Puts drained counts back after a failed flush, so nothing is lost. */
    restore(taken: Map<string, number>) {
      for (const [org, n] of taken) counts.set(org, (counts.get(org) ?? 0) + n);
    },
  };
}
export type ApiCallCounter = ReturnType<typeof createApiCallCounter>;

/** Platform write (owner role): one statement for every org counted since the last flush. */
export async function flushApiCalls(db: Db, counter: ApiCallCounter, day = utcDay()) {
  const taken = counter.drain();
  if (taken.size === 0) return 0;
  const rows = [...taken].map(
    ([orgId, n]) => sql`(${orgId}::uuid, gen_random_uuid(), 'api_calls', ${day}::date, ${n}::bigint)`,
  );
  try {
    await db.execute(sql`
      insert into signage_usage_metrics (org_id, id, metric_type, date, value)
      select v.org_id, v.id, v.metric_type, v.date, v.value
      from (values ${sql.join(rows, sql`, `)}) as v(org_id, id, metric_type, date, value)
      join organizations o on o.id = v.org_id
      on conflict (org_id, metric_type, date) do update
        set value = signage_usage_metrics.value + excluded.value, updated_at = now()`);
  } catch (err) {
    counter.restore(taken);
    throw err;
  }
  return taken.size;
}

/**
 * Today's storage, assets and devices of every active org, in one statement (owner role: a
 * platform job across tenants). Re-running it the same day overwrites the day's values.
 */
export async function snapshotUsage(db: Db, day = utcDay()) {
  await db.execute(sql`
    insert into signage_usage_metrics (org_id, id, metric_type, date, value)
    select o.id, gen_random_uuid(), m.metric_type, ${day}::date, m.value
    from organizations o
    cross join lateral (values
      ('storage', (select coalesce(sum(a.file_size), 0) from signage_assets a where a.org_id = o.id)::bigint),
      ('assets', (select count(*) from signage_assets a where a.org_id = o.id)::bigint),
      ('devices', (select count(*) from signage_devices d where d.org_id = o.id)::bigint),
      ('api_calls', 0::bigint)
    ) as m(metric_type, value)
    where o.is_active
    on conflict (org_id, metric_type, date) do update
      set value = case when excluded.metric_type = 'api_calls' then signage_usage_metrics.value else excluded.value end,
        updated_at = now()`);
}

export interface UsageFilters {
  from?: string;
  to?: string;
  type?: UsageMetricType;
}

/** GET /api/signage/usage: daily rows, oldest first; default the last 30 days. */
export async function listUsage(t: TenantTx, page: PageQuery, filters: UsageFilters) {
  requireOrgAdmin(t.actor, 'see usage');
  const to = filters.to ?? utcDay();
  const from = filters.from ?? utcDay(new Date(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000));
  if (from > to) throw invalidField('query.to', 'must not be before from');
  const ks = keyset<typeof signageUsageMetrics.$inferSelect>({
    columns: [signageUsageMetrics.date, signageUsageMetrics.metricType],
    key: (r) => [r.date, r.metricType],
    page,
  });
  const rows = await t.tx
    .select()
    .from(signageUsageMetrics)
    .where(
      and(
        gte(signageUsageMetrics.date, from),
        lte(signageUsageMetrics.date, to),
        filters.type ? eq(signageUsageMetrics.metricType, filters.type) : undefined,
        ks.after,
      ),
    )
    .orderBy(asc(signageUsageMetrics.date), asc(signageUsageMetrics.metricType))
    .limit(ks.limit);
  return { from, to, page: ks.finish(rows) };
}
