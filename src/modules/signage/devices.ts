import { and, eq, sql } from 'drizzle-orm';
import { authInvalidation } from '../../core/auth/cache.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { keyset, type Page, type PageQuery } from '../../core/http/pagination.ts';
import { forbidden, invalidField } from '../../core/http/problem.ts';
import { definedOnly } from '../../core/util/objects.ts';
import { ORG_ADMINS } from '../../core/events/bus.ts';
import { recordCreated, recordDeleted, recordUpdated, type RecordKind } from './changes.ts';
import { requirePlaylist } from './playlists.ts';
import { onlineSql } from './heartbeat.ts';
import { ensureDeviceRoom } from './plans.ts';
import { devicePolicy } from './policy.ts';
import { isTimeZone } from './schedule.ts';
import { signageDevices, signageScreenshots, type DeviceSettings } from './schema.ts';
import { deviceView } from './views.ts';

/** A screen of the org as the console sees it: never its token hash, always whether it is online. */
export type Device = Omit<typeof signageDevices.$inferSelect, 'tokenHash'> & {
  online: boolean;
  groupIds: string[];
};

const d = signageDevices;
const screens: RecordKind<Device> = {
  entityType: 'signage_device',
  noun: 'Screen',
  topic: 'signage.device',
  view: deviceView,
  audience: ORG_ADMINS,
  created: 'added',
  deleted: 'removed',
};
/** Every column but the token hash, which never leaves the authenticator. */
const deviceColumns = {
  orgId: d.orgId,
  id: d.id,
  name: d.name,
  mac: d.mac,
  ip: d.ip,
  location: d.location,
  unitId: d.unitId,
  settings: d.settings,
  playlistId: d.playlistId,
  isOnline: d.isOnline,
  lastSeen: d.lastSeen,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
};
/** The screen's groups, oldest membership first. */
const groupIdsSql = sql<string[]>`coalesce((select json_agg(m.group_id order by m.created_at, m.group_id)
    from signage_screen_group_members m where m.org_id = ${d.orgId} and m.device_id = ${d.id}), '[]')`;
const withOnline = { ...deviceColumns, online: onlineSql, groupIds: groupIdsSql };

export interface DeviceFields {
  name: string;
  mac?: string | null;
  location?: string;
  unitId?: number | null;
  settings?: DeviceSettings;
  playlistId?: string | null;
}

export interface DeviceFilters {
  online?: boolean;
  playlistId?: string;
  groupId?: string;
}

async function checkFields(t: TenantTx, input: Partial<DeviceFields>) {
  const timezone = input.settings?.timezone;
  if (timezone !== undefined && (typeof timezone !== 'string' || !isTimeZone(timezone)))
    throw invalidField('body.settings.timezone', 'unknown IANA timezone');
  await requirePlaylist(t, input.playlistId);
}

/** MAC addresses are stored in lower case, whatever case the admin typed. */
function columnsOf(input: Partial<DeviceFields>) {
  return definedOnly({ ...input, mac: input.mac?.toLowerCase() ?? input.mac });
}

/** The screen's row, for a caller that has already checked the actor's access to it. */
export async function readDevice(t: TenantTx, id: string): Promise<Device> {
  const [row] = await t.tx.select(withOnline).from(signageDevices).where(eq(signageDevices.id, id));
  return row;
}

export async function getDevice(t: TenantTx, id: string): Promise<Device> {
  await devicePolicy.authorize(t.tx, t.actor, 'see', sql`${signageDevices.id} = ${id}`);
  return readDevice(t, id);
}

export async function listDevices(
  t: TenantTx,
  page: PageQuery,
  filters: DeviceFilters,
): Promise<Page<Device>> {
  const ks = keyset<Device>({ columns: [signageDevices.id], key: (r) => [r.id], page });
  const rows = await t.tx
    .select(withOnline)
    .from(signageDevices)
    .where(
      and(
        devicePolicy.visible(t.actor),
        ks.after,
        filters.online === undefined ? undefined : filters.online ? onlineSql : sql`not ${onlineSql}`,
        filters.playlistId ? eq(signageDevices.playlistId, filters.playlistId) : undefined,
        filters.groupId
          ? sql`exists (select 1 from signage_screen_group_members m
              where m.org_id = ${d.orgId} and m.device_id = ${d.id} and m.group_id = ${filters.groupId})`
          : undefined,
      ),
    )
    .orderBy(...ks.orderBy)
    .limit(ks.limit);
  return ks.finish(rows);
}

/**
 * Adds a screen to the org within the plan's device limit. It has no token until a pairing hands
 * it one (claimDevice); the demo data adds its screens this way.
 */
export async function addDevice(t: TenantTx, input: DeviceFields): Promise<Device> {
  if (!devicePolicy.mayEver(t.actor, 'manage')) throw forbidden('Only organization admins may add screens');
  await checkFields(t, input);
  await ensureDeviceRoom(t);
  const [device] = await t.tx
    .insert(signageDevices)
    .values({ orgId: t.orgId, ...columnsOf(input), name: input.name })
    .returning({ id: signageDevices.id });
  const after = await readDevice(t, device.id);
  await recordCreated(t, screens, after, { named: true });
  return after;
}

export async function updateDevice(t: TenantTx, id: string, patch: Partial<DeviceFields>): Promise<Device> {
  await devicePolicy.authorize(t.tx, t.actor, 'manage', sql`${signageDevices.id} = ${id}`);
  const before = await readDevice(t, id);
  await checkFields(t, patch);
  await t.tx
    .update(signageDevices)
    .set({ ...columnsOf(patch), updatedAt: new Date() })
    .where(eq(signageDevices.id, id));
  const after = await readDevice(t, id);
  await recordUpdated(t, screens, after, { before: deviceView(before), after: deviceView(after) });
  return after;
}

/**
 * Removing a screen also revokes its token (the row holding the hash is gone) and drops its
 * screenshots; their storage keys are returned so the caller removes the files after the commit.
 */
export async function deleteDevice(t: TenantTx, id: string): Promise<string[]> {
  await devicePolicy.authorize(t.tx, t.actor, 'manage', sql`${signageDevices.id} = ${id}`);
  const before = await readDevice(t, id);
  const shots = await t.tx
    .select({ key: signageScreenshots.storageKey })
    .from(signageScreenshots)
    .where(eq(signageScreenshots.deviceId, id));
  await t.tx.delete(signageDevices).where(eq(signageDevices.id, id));
  await recordDeleted(t, screens, before);
  t.publish(authInvalidation(t.orgId, { deviceId: id }));
  return shots.map((s) => s.key);
}
