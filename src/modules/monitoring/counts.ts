import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { TenantTx } from '../../core/db/tenant.ts';
import { keyset, type Page, type PageQuery } from '../../core/http/pagination.ts';
import { assignmentPolicy, groupPolicy, unitPolicy } from './policy.ts';
import { monitoringGroups, performerAssignments as pa, wirelessUnits } from './schema.ts';

export interface Counts {
  id: string;
  name: string;
  performers: number;
  activeAssignments: number;
  openAlerts: number;
}

export type CountBy = 'group' | 'unit';

/**
 * Performers, active assignments and open alerts per monitoring group or per wireless unit, over
 * what the caller sees: their groups and reached units, and within a unit only the assignments of
 * their groups (all for admins). Active means an active assignment of an active performer, as on
 * the wall; a group's open alerts are those of the units its assignments watch.
 */
export async function countsBy(t: TenantTx, by: CountBy, page: PageQuery): Promise<Page<Counts>> {
  const active = (link: SQL) => sql`from ${pa}
    join performers p on p.org_id = ${pa.orgId} and p.id = ${pa.performerId}
    where ${pa.isActive} and p.is_active and ${assignmentPolicy.visible(t.actor)} and ${link}`;
  const table = by === 'group' ? monitoringGroups : wirelessUnits;
  const link =
    by === 'group'
      ? sql`${pa.monitoringGroupId} = ${monitoringGroups.id}`
      : sql`${pa.wirelessUnitId} = ${wirelessUnits.id}`;
  const alertsOf =
    by === 'group'
      ? sql`al.unit_id in (select ${pa.wirelessUnitId} ${active(link)})`
      : sql`al.unit_id = ${wirelessUnits.id}`;
  const k = keyset({ columns: [table.id], key: (r: Counts) => [r.id], page });
  const rows = await t.tx
    .select({
      id: table.id,
      name: table.name,
      performers: sql<number>`(select count(distinct ${pa.performerId}) ${active(link)})::int`,
      activeAssignments: sql<number>`(select count(*) ${active(link)})::int`,
      openAlerts: sql<number>`(select count(*) from monitoring_alerts al
        where al.state = 'open' and ${alertsOf})::int`,
    })
    .from(table)
    .where(
      and(
        by === 'group' ? groupPolicy.visible(t.actor) : unitPolicy.visible(t.actor),
        eq(table.isActive, true),
        k.after,
      ),
    )
    .orderBy(...k.orderBy)
    .limit(k.limit);
  return k.finish(rows);
}
