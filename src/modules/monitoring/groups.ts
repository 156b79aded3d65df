import { and, eq, inArray, sql } from 'drizzle-orm';
import { pageById } from '../../core/db/page-by-id.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { requireOrgAdmin } from '../../core/access/actor.ts';
import { audit } from '../../core/audit/service.ts';
import { queryRows } from '../../core/db/client.ts';
import type { Page, PageQuery } from '../../core/http/pagination.ts';
import { invalidField } from '../../core/http/problem.ts';
import { phrase } from '../../core/http/problem-texts.ts';
import { uniqueOr409 } from './hardware.ts';
import { groupPolicy } from './policy.ts';
import { groupMembers, monitoringGroups } from './schema.ts';
import { groupView } from './views.ts';

export type MonitoringGroup = typeof monitoringGroups.$inferSelect;
export type GroupWithMembers = MonitoringGroup & { members: number[] };

async function membersOf(t: TenantTx, groupIds: string[]): Promise<Map<string, number[]>> {
  const map = new Map<string, number[]>(groupIds.map((id) => [id, []]));
  if (groupIds.length === 0) return map;
  const rows = await t.tx
    .select({ groupId: groupMembers.groupId, userId: groupMembers.userId })
    .from(groupMembers)
    .where(inArray(groupMembers.groupId, groupIds))
    .orderBy(groupMembers.userId);
  for (const r of rows) map.get(r.groupId)!.push(r.userId);
  return map;
}

/** Members must be members of this org: anyone else is a 400 naming the id (never who exists elsewhere). */
async function checkMembers(t: TenantTx, userIds: number[]) {
  if (userIds.length === 0) return;
  const rows = await queryRows<{ user_id: string | number }>(
    t.tx,
    sql`select user_id from memberships where user_id in (${sql.join(
      userIds.map((u) => sql`${u}`),
      sql`, `,
    )})`,
  );
  const known = new Set(rows.map((r) => Number(r.user_id)));
  const index = userIds.findIndex((u) => !known.has(u));
  if (index >= 0)
    throw invalidField(`body.members.${index}`, phrase('user.notMember', { user: userIds[index] }));
}

async function replaceMembers(t: TenantTx, groupId: string, userIds: number[]) {
  await t.tx.delete(groupMembers).where(eq(groupMembers.groupId, groupId));
  const unique = [...new Set(userIds)];
  if (unique.length)
    await t.tx.insert(groupMembers).values(unique.map((userId) => ({ orgId: t.orgId, groupId, userId })));
}

export interface GroupInput {
  name: string;
  description?: string;
  isActive?: boolean;
  members?: number[];
}

export async function createGroup(t: TenantTx, input: GroupInput): Promise<GroupWithMembers> {
  requireOrgAdmin(t.actor, 'create monitoring groups');
  const { members = [], ...fields } = input;
  await checkMembers(t, members);
  const [row] = await uniqueOr409(
    () =>
      t.tx
        .insert(monitoringGroups)
        .values({ orgId: t.orgId, ...fields })
        .returning(),
    phrase('group.nameTaken', { name: input.name }),
  );
  await replaceMembers(t, row.id, members);
  const group = await getGroup(t, row.id);
  await audit(t, {
    action: 'monitoring.group.created',
    entityType: 'monitoring_group',
    entityId: row.id,
    message: `Created monitoring group ${row.name}`,
    after: groupView(group),
  });
  return group;
}

export async function getGroup(
  t: TenantTx,
  id: string,
  action: 'see' | 'manage' | 'assign' = 'see',
): Promise<GroupWithMembers> {
  const row = await groupPolicy.load(t.tx, t.actor, action, eq(monitoringGroups.id, id));
  return { ...row, members: (await membersOf(t, [id])).get(id)! };
}

/**
 * All groups for admins; for anyone else the groups they belong to (`me/groups`,
 * `get_monitoring_groups`).
 */
export async function listGroups(
  t: TenantTx,
  opts: { includeInactive?: boolean; page: PageQuery },
): Promise<Page<GroupWithMembers>> {
  const where = and(
    groupPolicy.visible(t.actor),
    opts.includeInactive ? undefined : eq(monitoringGroups.isActive, true),
  );
  const page = await pageById(t.tx, monitoringGroups, where, opts.page);
  const members = await membersOf(
    t,
    page.items.map((g) => g.id),
  );
  return {
    items: page.items.map((g) => ({ ...g, members: members.get(g.id)! })),
    next_cursor: page.next_cursor,
  };
}

export async function updateGroup(
  t: TenantTx,
  id: string,
  patch: Partial<GroupInput>,
): Promise<GroupWithMembers> {
  const before = await getGroup(t, id, 'manage');
  const { members, ...fields } = patch;
  if (members) {
    await checkMembers(t, members);
    await replaceMembers(t, id, members);
  }
  if (Object.keys(fields).length) {
    await uniqueOr409(
      () =>
        t.tx
          .update(monitoringGroups)
          .set({ ...fields, updatedAt: new Date() })
          .where(eq(monitoringGroups.id, id)),
      phrase('group.nameTaken', { name: fields.name ?? '' }),
    );
  }
  const after = await getGroup(t, id);
  await audit(t, {
    action: 'monitoring.group.updated',
    entityType: 'monitoring_group',
    entityId: id,
    message: `Updated monitoring group ${after.name}`,
    before: groupView(before),
    after: groupView(after),
  });
  return after;
}

/** Deleting a group deletes its assignments (FK cascade); deactivating it (`is_active`) keeps them. */
export async function deleteGroup(t: TenantTx, id: string): Promise<void> {
  const before = await getGroup(t, id, 'manage');
  await t.tx.delete(monitoringGroups).where(eq(monitoringGroups.id, id));
  await audit(t, {
    action: 'monitoring.group.deleted',
    entityType: 'monitoring_group',
    entityId: id,
    message: `Deleted monitoring group ${before.name} and its assignments`,
    before: groupView(before),
  });
}
