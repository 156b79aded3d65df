import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { containsText } from '../../core/db/search.ts';
import { sameOrgJoin } from '../../core/db/columns.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { keyset, type Page, type PageQuery } from '../../core/http/pagination.ts';
import { badRequest, forbidden, notFound } from '../../core/http/problem.ts';
import { definedOnly } from '../../core/util/objects.ts';
import { ORG_ADMINS } from '../../core/events/bus.ts';
import { recordCreated, recordDeleted, recordUpdated, type RecordKind } from './changes.ts';
import { requirePlaylist } from './playlists.ts';
import { groupPolicy } from './policy.ts';
import {
  signageDevices,
  signageScreenGroupMembers,
  signageScreenGroups,
  type GROUP_KINDS,
} from './schema.ts';
import { groupView } from './views.ts';

const g = signageScreenGroups;
const members = signageScreenGroupMembers;
const groups: RecordKind<ScreenGroup> = {
  entityType: 'signage_screen_group',
  noun: 'Screen group',
  topic: 'signage.group',
  view: groupView,
  audience: ORG_ADMINS,
};

/** A group with how many screens it holds. */
export type ScreenGroup = typeof signageScreenGroups.$inferSelect & { screenCount: number };

const columns = {
  orgId: g.orgId,
  id: g.id,
  name: g.name,
  description: g.description,
  kind: g.kind,
  priority: g.priority,
  playlistId: g.playlistId,
  createdAt: g.createdAt,
  updatedAt: g.updatedAt,
  screenCount: sql<number>`(select count(*)::int from ${members}
    where ${members.orgId} = ${g.orgId} and ${members.groupId} = ${g.id})`.mapWith(Number),
};

export interface GroupFields {
  name: string;
  description?: string;
  kind?: (typeof GROUP_KINDS)[number];
  priority?: number;
  playlistId?: string | null;
}

export interface GroupFilters {
  q?: string;
  kind?: (typeof GROUP_KINDS)[number];
  deviceId?: string;
}

/**
 * The ids that are screens of the org, or a 400 naming each unknown entry of `field`: nothing is
 * changed when one id is wrong.
 */
export async function requireScreens(t: TenantTx, deviceIds: string[], field: string): Promise<string[]> {
  const unique = [...new Set(deviceIds)];
  if (unique.length === 0) return [];
  const found = new Set(
    (
      await t.tx
        .select({ id: signageDevices.id })
        .from(signageDevices)
        .where(inArray(signageDevices.id, unique))
    ).map((r) => r.id),
  );
  const missing = deviceIds.map((id, i) => ({ id, i })).filter((x) => !found.has(x.id));
  if (missing.length > 0)
    throw badRequest(
      'Unknown screens',
      missing.map((m) => ({ path: `${field}.${m.i}`, message: 'screen not found' })),
    );
  return unique;
}

/** The ids that are groups of the org, or a 400 naming each unknown entry of `field`. */
export async function requireGroups(t: TenantTx, groupIds: string[], field: string): Promise<string[]> {
  const unique = [...new Set(groupIds)];
  if (unique.length === 0) return [];
  const found = new Set(
    (await t.tx.select({ id: g.id }).from(g).where(inArray(g.id, unique))).map((r) => r.id),
  );
  const missing = groupIds.map((id, i) => ({ id, i })).filter((x) => !found.has(x.id));
  if (missing.length > 0)
    throw badRequest(
      'Unknown screen groups',
      missing.map((m) => ({ path: `${field}.${m.i}`, message: 'screen group not found' })),
    );
  return unique;
}

/** The screens of the given groups (each once): what a command to a group reaches. */
export async function screensInGroups(t: TenantTx, groupIds: string[]): Promise<string[]> {
  if (groupIds.length === 0) return [];
  const rows = await t.tx
    .selectDistinct({ id: members.deviceId })
    .from(members)
    .where(inArray(members.groupId, groupIds));
  return rows.map((r) => r.id);
}

async function readGroup(t: TenantTx, id: string): Promise<ScreenGroup> {
  const [row] = await t.tx.select(columns).from(g).where(eq(g.id, id));
  return row;
}

export async function getGroup(t: TenantTx, id: string): Promise<ScreenGroup> {
  await groupPolicy.authorize(t.tx, t.actor, 'see', eq(g.id, id));
  return readGroup(t, id);
}

export async function listGroups(
  t: TenantTx,
  page: PageQuery,
  filters: GroupFilters,
): Promise<Page<ScreenGroup>> {
  const ks = keyset<ScreenGroup>({ columns: [g.id], key: (r) => [r.id], page });
  const rows = await t.tx
    .select(columns)
    .from(g)
    .where(
      and(
        groupPolicy.visible(t.actor),
        ks.after,
        filters.q ? containsText(filters.q, g.name, g.description) : undefined,
        filters.kind ? eq(g.kind, filters.kind) : undefined,
        filters.deviceId
          ? sql`exists (select 1 from ${members} where ${members.orgId} = ${g.orgId}
              and ${members.groupId} = ${g.id} and ${members.deviceId} = ${filters.deviceId})`
          : undefined,
      ),
    )
    .orderBy(...ks.orderBy)
    .limit(ks.limit);
  return ks.finish(rows);
}

export async function createGroup(
  t: TenantTx,
  input: GroupFields,
  deviceIds: string[] = [],
): Promise<ScreenGroup> {
  if (!groupPolicy.mayEver(t.actor, 'manage'))
    throw forbidden('Only organization admins may manage screen groups');
  await requirePlaylist(t, input.playlistId);
  const screens = await requireScreens(t, deviceIds, 'body.device_ids');
  const [row] = await t.tx
    .insert(g)
    .values({ orgId: t.orgId, ...definedOnly(input), name: input.name })
    .returning({ id: g.id });
  if (screens.length > 0)
    await t.tx
      .insert(members)
      .values(screens.map((deviceId) => ({ orgId: t.orgId, groupId: row.id, deviceId })));
  const after = await readGroup(t, row.id);
  await recordCreated(t, groups, after, { detail: `with ${screens.length} screen(s)` });
  return after;
}

export async function updateGroup(
  t: TenantTx,
  id: string,
  patch: Partial<GroupFields>,
): Promise<ScreenGroup> {
  await groupPolicy.authorize(t.tx, t.actor, 'manage', eq(g.id, id));
  const before = await readGroup(t, id);
  await requirePlaylist(t, patch.playlistId);
  await t.tx
    .update(g)
    .set({ ...definedOnly(patch), updatedAt: new Date() })
    .where(eq(g.id, id));
  const after = await readGroup(t, id);
  await recordUpdated(t, groups, after, { before: groupView(before), after: groupView(after) });
  return after;
}

/** Deleting a group removes its memberships and its schedules; its screens stay. */
export async function deleteGroup(t: TenantTx, id: string) {
  await groupPolicy.authorize(t.tx, t.actor, 'manage', eq(g.id, id));
  const before = await readGroup(t, id);
  await t.tx.delete(g).where(eq(g.id, id));
  await recordDeleted(t, groups, before);
}

/** The ids of the group's screens, in the order they joined, one page at a time. */
export async function listGroupScreens(
  t: TenantTx,
  id: string,
  page: PageQuery,
): Promise<Page<{ id: string }>> {
  await groupPolicy.authorize(t.tx, t.actor, 'see', eq(g.id, id));
  const ks = keyset<{ id: string }>({ columns: [members.deviceId], key: (r) => [r.id], page });
  const rows = await t.tx
    .select({ id: members.deviceId })
    .from(members)
    .where(and(eq(members.groupId, id), ks.after))
    .orderBy(...ks.orderBy)
    .limit(ks.limit);
  return ks.finish(rows);
}

/** Adds screens to the group; a screen already in it stays once. */
export async function addGroupScreens(t: TenantTx, id: string, deviceIds: string[]): Promise<ScreenGroup> {
  await groupPolicy.authorize(t.tx, t.actor, 'manage', eq(g.id, id));
  const screens = await requireScreens(t, deviceIds, 'body.device_ids');
  const added = await t.tx
    .insert(members)
    .values(screens.map((deviceId) => ({ orgId: t.orgId, groupId: id, deviceId })))
    .onConflictDoNothing()
    .returning({ deviceId: members.deviceId });
  const after = await readGroup(t, id);
  if (added.length > 0) {
    await recordUpdated(t, groups, after, {
      action: 'assign',
      message: `${added.length} screen(s) added to group "${after.name}"`,
      after: { device_ids: added.map((a) => a.deviceId) },
    });
  }
  return after;
}

/** Takes one screen out of the group; taking out a screen that is not in it is a 404. */
export async function removeGroupScreen(t: TenantTx, id: string, deviceId: string): Promise<void> {
  await groupPolicy.authorize(t.tx, t.actor, 'manage', eq(g.id, id));
  const [gone] = await t.tx
    .delete(members)
    .where(and(eq(members.groupId, id), eq(members.deviceId, deviceId)))
    .returning({ deviceId: members.deviceId });
  if (!gone) throw notFound('Screen in this group');
  const after = await readGroup(t, id);
  await recordUpdated(t, groups, after, {
    action: 'unassign',
    message: `Screen ${deviceId} taken out of group "${after.name}"`,
    before: { device_ids: [deviceId] },
  });
}

/** Groups of each screen, by name: the console shows them on the screen's row. */
export async function groupsOfScreens(t: TenantTx, deviceIds: string[]) {
  const byScreen = new Map<string, Array<{ id: string; name: string }>>(deviceIds.map((d) => [d, []]));
  if (deviceIds.length === 0) return byScreen;
  const rows = await t.tx
    .select({ deviceId: members.deviceId, id: g.id, name: g.name })
    .from(members)
    .innerJoin(g, sameOrgJoin([g.orgId, g.id], [members.orgId, members.groupId]))
    .where(inArray(members.deviceId, deviceIds))
    .orderBy(asc(g.name));
  for (const r of rows) byScreen.get(r.deviceId)?.push({ id: r.id, name: r.name });
  return byScreen;
}
