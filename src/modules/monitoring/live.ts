import { sql } from 'drizzle-orm';
import { derivedHolders } from '../../core/access/derived.ts';
import { queryRows } from '../../core/db/client.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { liveEvent, orgAdminsAnd, type Audience } from '../../core/events/bus.ts';

/**
 * Who may watch a unit live: the members of every active group with an active assignment on it
 * (the same reach as `unitPolicy`), plus org owners/admins, who see everything.
 */
export async function unitAudience(t: TenantTx, unitId: string): Promise<Audience> {
  return (await unitAudiences(t, [unitId])).get(unitId)!;
}

/**
 * `unitAudience` of many units in one query (the poller publishes for hundreds per tick). With
 * `derived` (the default), also those a derived grant on the unit's location reaches now.
 */
export async function unitAudiences(
  t: TenantTx,
  unitIds: string[],
  opts: { derived?: boolean } = {},
): Promise<Map<string, Audience>> {
  const audiences = new Map<string, Audience>(unitIds.map((id) => [id, orgAdminsAnd([])]));
  if (unitIds.length === 0) return audiences;
  const rows = await queryRows<{ unit_id: string; user_id: string | number }>(
    t.tx,
    sql`select distinct a.wireless_unit_id as unit_id, m.user_id from performer_assignments a
        join performers p on p.org_id = a.org_id and p.id = a.performer_id
        join monitoring_groups g on g.org_id = a.org_id and g.id = a.monitoring_group_id
        join monitoring_group_members m on m.org_id = a.org_id and m.group_id = a.monitoring_group_id
        where a.wireless_unit_id in (${sql.join(
          unitIds.map((id) => sql`${id}::uuid`),
          sql`, `,
        )}) and a.is_active and p.is_active and g.is_active
        order by m.user_id`,
  );
  const holders = opts.derived === false ? null : derivedHolders('monitoring.location', sql`dc.location_id`);
  const derived = holders
    ? await queryRows<{ unit_id: string; user_id: string | number }>(
        t.tx,
        sql`select distinct du.id as unit_id, h.user_id from wireless_units du
          join wireless_chassis dc on dc.org_id = du.org_id and dc.id = du.chassis_id
          cross join lateral (${holders}) h
          where du.id in (${sql.join(
            unitIds.map((id) => sql`${id}::uuid`),
            sql`, `,
          )})`,
      )
    : [];
  for (const r of [...rows, ...derived]) {
    const ids = audiences.get(r.unit_id)?.userIds;
    if (ids && !ids.includes(Number(r.user_id))) ids.push(Number(r.user_id));
  }
  for (const r of await displaysShowing(t, unitIds)) {
    const audience = audiences.get(r.unit_id);
    if (audience) (audience.displays ??= []).push(r.link_id);
  }
  return audiences;
}

/**
 * The unrevoked display links whose wall shows each unit: a group's link shows the units of the
 * group's active assignments of active performers, a location's link every active unit of its
 * receivers (the same scopes as `displayWall`).
 */
function displaysShowing(t: TenantTx, unitIds: string[]) {
  return queryRows<{ unit_id: string; link_id: string }>(
    t.tx,
    sql`select distinct u.id as unit_id, l.id as link_id from wireless_units u
      join wireless_chassis c on c.org_id = u.org_id and c.id = u.chassis_id
      join monitoring_display_links l on l.org_id = u.org_id and l.revoked_at is null
      where u.id in (${sql.join(
        unitIds.map((id) => sql`${id}::uuid`),
        sql`, `,
      )}) and (
        (l.location_id = c.location_id and u.is_active and c.is_active)
        or l.monitoring_group_id in (select a.monitoring_group_id from performer_assignments a
          join performers p on p.org_id = a.org_id and p.id = a.performer_id
          where a.org_id = u.org_id and a.wireless_unit_id = u.id and a.is_active and p.is_active))`,
  );
}

export async function publishUnitUpdated(t: TenantTx, unit: { id: string }) {
  t.publish(liveEvent(t.orgId, 'monitoring.unit.updated', unit, await unitAudience(t, unit.id)));
}

/**
 * `monitoring.assignment.<what>`: the audience is computed after the change for creates/updates,
 * and before it for deletes (pass `audience`), so those who lose sight of the unit still hear it.
 */
export async function publishAssignmentEvent(
  t: TenantTx,
  what: string,
  data: { id: string; wireless_unit_id: string },
  audience?: Audience,
) {
  t.publish(
    liveEvent(
      t.orgId,
      `monitoring.assignment.${what}`,
      data,
      audience ?? (await unitAudience(t, data.wireless_unit_id)),
    ),
  );
}
