import crypto from 'node:crypto';
import { authInvalidation } from '../../core/auth/cache.ts';
import { and, eq, getTableColumns, gt, isNull, lt, sql } from 'drizzle-orm';
import { transactionWithSettings, type Db } from '../../core/db/client.ts';
import { organizations } from '../../core/db/platform-schema.ts';
import { withTenantStatement, type TenantDeps, type TenantTx } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/access/actor.ts';
import { audit } from '../../core/audit/service.ts';
import { hashToken, newToken } from '../../core/auth/secrets.ts';
import { liveEvent, type EventBus } from '../../core/events/bus.ts';
import { forbidden, invalidField, notFound } from '../../core/http/problem.ts';
import { keyset, type PageQuery } from '../../core/http/pagination.ts';
import { assetIsActiveSql, deviceContentPath } from './assets.ts';
import { devicePolicy } from './policy.ts';
import { ensureDeviceRoom } from './plans.ts';
import { isTimeZone } from './schedule.ts';
import {
  signageAssets,
  signageDevices,
  signagePairings,
  signagePlaylists,
  type DeviceSettings,
} from './schema.ts';

/** Screens send a heartbeat this often; three missed ones and the screen counts as offline. */
export const HEARTBEAT_SECONDS = 30;
export const OFFLINE_AFTER_SECONDS = 3 * HEARTBEAT_SECONDS;
/** How long a pairing code stays claimable. */
export const PAIRING_TTL_MS = 15 * 60_000;

const onlineSql = sql<boolean>`(${signageDevices.isOnline} and ${signageDevices.lastSeen} > now() - make_interval(secs => ${OFFLINE_AFTER_SECONDS}))`;
const { tokenHash: _hidden, ...deviceColumns } = getTableColumns(signageDevices);
const withOnline = { ...deviceColumns, online: onlineSql };

type DeviceView = Omit<typeof signageDevices.$inferSelect, 'tokenHash'> & { online: boolean };

export function publicDevice(d: DeviceView) {
  return {
    id: d.id,
    name: d.name,
    mac: d.mac,
    ip: d.ip,
    location: d.location,
    unit_id: d.unitId,
    settings: d.settings,
    playlist_id: d.playlistId,
    is_online: d.online,
    last_seen: d.lastSeen?.toISOString() ?? null,
    created_at: d.createdAt.toISOString(),
    updated_at: d.updatedAt.toISOString(),
  };
}

const ADMINS = { orgRoles: ['owner', 'admin'] as Actor['orgRole'][] };

// ---------------------------------------------------------------- pairing (platform, no org yet)

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function pairingCode(): string {
  return Array.from(crypto.randomBytes(6), (b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
}

/**
 * A new screen asks to be paired: it shows `code` for an admin to type, and polls with `secret`
 * (never shown) until the claim hands it its device token.
 */
export async function startPairing(db: Db) {
  await db
    .delete(signagePairings)
    .where(and(isNull(signagePairings.orgId), lt(signagePairings.expiresAt, new Date())));
  const secret = newToken('rp');
  const expiresAt = new Date(Date.now() + PAIRING_TTL_MS);
  for (let attempt = 0; ; attempt++) {
    const code = pairingCode();
    const [row] = await db
      .insert(signagePairings)
      .values({ code, secretHash: hashToken(secret), expiresAt })
      .onConflictDoNothing()
      .returning();
    if (row)
      return { code, pairing_secret: secret, expires_at: expiresAt.toISOString(), poll_interval_seconds: 5 };
    if (attempt > 5) throw new Error('could not allocate a pairing code');
  }
}

/**
 * The screen's poll. Once claimed, the device token is minted here and returned exactly once:
 * the pairing row is deleted in the same transaction, so a second poll finds nothing.
 */
export async function collectPairing(db: Db, secret: string) {
  return transactionWithSettings(db, [], async (tx) => {
    const [pairing] = await tx
      .select()
      .from(signagePairings)
      .where(eq(signagePairings.secretHash, hashToken(secret)))
      .for('update');
    if (!pairing) throw notFound('Pairing');
    if (!pairing.orgId || !pairing.deviceId) {
      if (pairing.expiresAt < new Date()) throw notFound('Pairing');
      return { status: 'pending' as const, code: pairing.code, expires_at: pairing.expiresAt.toISOString() };
    }
    const token = newToken('rd');
    await tx
      .update(signageDevices)
      .set({ tokenHash: hashToken(token), updatedAt: new Date() })
      .where(and(eq(signageDevices.orgId, pairing.orgId), eq(signageDevices.id, pairing.deviceId)));
    await tx.delete(signagePairings).where(eq(signagePairings.id, pairing.id));
    return {
      status: 'paired' as const,
      device_id: pairing.deviceId,
      device_token: token,
      heartbeat_interval_seconds: HEARTBEAT_SECONDS,
    };
  });
}

/** Resolves a device token (`rd_…`) to a read-only actor of the screen's org. */
export async function authenticateDevice(db: Db, token: string): Promise<Actor | null> {
  if (!token.startsWith('rd_')) return null;
  const [row] = await db
    .select({ id: signageDevices.id, orgId: signageDevices.orgId, name: signageDevices.name })
    .from(signageDevices)
    .innerJoin(organizations, eq(organizations.id, signageDevices.orgId))
    .where(and(eq(signageDevices.tokenHash, hashToken(token)), eq(organizations.isActive, true)));
  if (!row) return null;
  return {
    userId: null,
    label: `device:${row.name}`,
    orgId: row.orgId,
    orgRole: 'viewer',
    via: 'device',
    deviceId: row.id,
  };
}

// ---------------------------------------------------------------- console: screens of the org

export interface DeviceFields {
  name: string;
  mac?: string | null;
  location?: string;
  unit_id?: number | null;
  settings?: DeviceSettings;
  playlist_id?: string | null;
}

async function checkFields(t: TenantTx, input: Partial<DeviceFields>) {
  if (
    input.settings?.timezone !== undefined &&
    (typeof input.settings.timezone !== 'string' || !isTimeZone(input.settings.timezone))
  ) {
    throw invalidField('body.settings.timezone', 'unknown IANA timezone');
  }
  if (input.playlist_id) {
    const [found] = await t.tx
      .select({ id: signagePlaylists.id })
      .from(signagePlaylists)
      .where(eq(signagePlaylists.id, input.playlist_id));
    if (!found) throw invalidField('body.playlist_id', 'playlist not found');
  }
}

function columnsOf(input: Partial<DeviceFields>) {
  return {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.mac !== undefined ? { mac: input.mac === null ? null : input.mac.toLowerCase() } : {}),
    ...(input.location !== undefined ? { location: input.location } : {}),
    ...(input.unit_id !== undefined ? { unitId: input.unit_id } : {}),
    ...(input.settings !== undefined ? { settings: input.settings } : {}),
    ...(input.playlist_id !== undefined ? { playlistId: input.playlist_id } : {}),
  };
}

export async function getDevice(t: TenantTx, id: string) {
  await devicePolicy.authorize(t.tx, t.actor, 'see', sql`${signageDevices.id} = ${id}`);
  const [row] = await t.tx.select(withOnline).from(signageDevices).where(eq(signageDevices.id, id));
  return row;
}

export async function listDevices(
  t: TenantTx,
  page: PageQuery,
  filters: { online?: boolean; playlist_id?: string },
) {
  const ks = keyset<DeviceView>({ columns: [signageDevices.id], key: (r) => [r.id], page });
  const rows = await t.tx
    .select(withOnline)
    .from(signageDevices)
    .where(
      and(
        devicePolicy.visible(t.actor),
        ks.after,
        filters.online === undefined ? undefined : filters.online ? onlineSql : sql`not ${onlineSql}`,
        filters.playlist_id ? eq(signageDevices.playlistId, filters.playlist_id) : undefined,
      ),
    )
    .orderBy(...ks.orderBy)
    .limit(ks.limit);
  return ks.finish(rows, publicDevice);
}

/**
 * Adds a screen to the org within the plan's device limit. It has no token until a pairing hands
 * it one (claimDevice); the demo seed adds its screens this way.
 */
export async function addDevice(t: TenantTx, input: DeviceFields) {
  if (!devicePolicy.mayEver(t.actor, 'manage')) throw forbidden('Only organization admins may add screens');
  await checkFields(t, input);
  await ensureDeviceRoom(t);
  const [device] = await t.tx
    .insert(signageDevices)
    .values({ orgId: t.orgId, ...columnsOf(input), name: input.name })
    .returning({ id: signageDevices.id });
  const after = await getDevice(t, device.id);
  await audit(t, {
    action: 'create',
    entityType: 'signage_device',
    entityId: device.id,
    message: `Screen "${after.name}" added`,
    after: publicDevice(after),
  });
  t.publish(liveEvent(t.orgId, 'signage.device.added', { id: device.id, name: after.name }, ADMINS));
  return after;
}

/** An admin claims the screen showing `code` into the org; its next poll receives the token. */
export async function claimDevice(t: TenantTx, input: DeviceFields & { code: string }) {
  const { code, ...fields } = input;
  const device = await addDevice(t, fields);
  const [claimed] = await t.tx
    .update(signagePairings)
    .set({ orgId: t.orgId, deviceId: device.id, claimedAt: new Date() })
    .where(
      and(
        eq(signagePairings.code, code.toUpperCase()),
        isNull(signagePairings.orgId),
        gt(signagePairings.expiresAt, new Date()),
      ),
    )
    .returning({ id: signagePairings.id });
  if (!claimed) throw notFound('Pairing code');
  await audit(t, {
    action: 'assign',
    entityType: 'signage_device',
    entityId: device.id,
    message: `Screen "${device.name}" paired with code ${code.toUpperCase()}`,
  });
  return device;
}

export async function updateDevice(t: TenantTx, id: string, patch: Partial<DeviceFields>) {
  await devicePolicy.authorize(t.tx, t.actor, 'manage', sql`${signageDevices.id} = ${id}`);
  const before = await getDevice(t, id);
  await checkFields(t, patch);
  await t.tx
    .update(signageDevices)
    .set({ ...columnsOf(patch), updatedAt: new Date() })
    .where(eq(signageDevices.id, id));
  const after = await getDevice(t, id);
  await audit(t, {
    action: 'update',
    entityType: 'signage_device',
    entityId: id,
    message: `Screen "${after.name}" updated`,
    before: publicDevice(before),
    after: publicDevice(after),
  });
  t.publish(liveEvent(t.orgId, 'signage.device.updated', { id }, ADMINS));
  return after;
}

/** Removing a screen also revokes its token (the row holding the hash is gone). */
export async function deleteDevice(t: TenantTx, id: string) {
  await devicePolicy.authorize(t.tx, t.actor, 'manage', sql`${signageDevices.id} = ${id}`);
  const before = await getDevice(t, id);
  await t.tx.delete(signageDevices).where(eq(signageDevices.id, id));
  await audit(t, {
    action: 'delete',
    entityType: 'signage_device',
    entityId: id,
    message: `Screen "${before.name}" removed`,
    before: publicDevice(before),
  });
  t.publish(liveEvent(t.orgId, 'signage.device.deleted', { id }, ADMINS));
  t.publish(authInvalidation(t.orgId, { deviceId: id }));
}

// ---------------------------------------------------------------- screen-facing

function deviceIdOf(actor: Actor): string {
  if (actor.via !== 'device' || !actor.deviceId) throw forbidden('Only a screen may call this');
  return actor.deviceId;
}

/** Deterministic shuffle: the same content gives the same order, so unchanged polls stay 304. */
function shuffled<T>(items: T[], seed: string): T[] {
  const out = [...items];
  let state = crypto.createHash('sha256').update(seed).digest();
  for (let i = out.length - 1; i > 0; i--) {
    if (i % 8 === 0) state = crypto.createHash('sha256').update(state).digest();
    const j = state.readUInt32BE((i % 8) * 4) % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * What the screen plays now: its playlist (or the org's default), keeping only assets enabled and
 * inside their window on the screen's local clock (settings.timezone, else UTC).
 */
export async function devicePlaylist(deps: TenantDeps, actor: Actor) {
  const deviceId = deviceIdOf(actor);
  // One statement, group-committed with whatever else is being sent (core/db/group-commit.ts):
  // screens poll often, and three queries in a transaction were five round trips per poll.
  const [row] = await withTenantStatement<PollRow>(deps, actor, {
    shape: 'signage.device-playlist',
    values: { deviceId },
    build: (v) => {
      const clock = sql`(now() at time zone z.timezone)`;
      return sql`select z.timezone, p.id as playlist_id, p.name as playlist_name, p.shuffle as playlist_shuffle,
          coalesce((
            select json_agg(json_build_object(
                'id', ${signageAssets.id}, 'name', ${signageAssets.name}, 'asset_type', ${signageAssets.assetType}, 'mimetype', ${signageAssets.mimetype},
                'uri', ${signageAssets.uri}, 'storage_key', ${signageAssets.storageKey}, 'md5', ${signageAssets.md5}, 'duration', ${signageAssets.duration},
                'nocache', ${signageAssets.nocache}, 'skip_asset_check', ${signageAssets.skipAssetCheck}) order by pa.position)
              from signage_playlist_assets pa
              join ${signageAssets} on ${signageAssets.orgId} = pa.org_id and ${signageAssets.id} = pa.asset_id
             where pa.playlist_id = p.id and ${assetIsActiveSql(clock)}), '[]') as items
        from signage_devices d
        -- The screen's zone, resolved once for the answer and every asset's window (OFFSET 0 keeps
        -- Postgres from pulling the call up into each place that uses it).
        cross join lateral (select signage_device_time_zone(d.settings) as timezone offset 0) z
        -- Its own playlist, else the org's default.
        left join signage_playlists p on p.org_id = d.org_id
          and p.id = coalesce(d.playlist_id, (select dp.id from signage_playlists dp where dp.org_id = d.org_id and dp.is_default))
       where d.id = ${v.deviceId}::uuid`;
    },
  });
  if (!row) throw notFound('Device');
  if (!row.playlist_id) return { playlist: null, timezone: row.timezone, items: [] };
  const items = row.items.map((r) => ({
    id: r.id,
    name: r.name,
    asset_type: r.asset_type,
    mimetype: r.mimetype,
    url: r.storage_key ? deviceContentPath(r.id) : r.uri,
    md5: r.md5,
    duration: r.duration,
    nocache: r.nocache,
    skip_asset_check: r.skip_asset_check,
  }));
  const ordered = row.playlist_shuffle ? shuffled(items, `${deviceId}:${JSON.stringify(items)}`) : items;
  return {
    playlist: { id: row.playlist_id, name: row.playlist_name!, shuffle: row.playlist_shuffle! },
    timezone: row.timezone,
    items: ordered,
  };
}

interface PollRow {
  timezone: string;
  playlist_id: string | null;
  playlist_name: string | null;
  playlist_shuffle: boolean | null;
  items: Array<{
    id: string;
    name: string;
    asset_type: string;
    mimetype: string;
    uri: string;
    storage_key: string | null;
    md5: string;
    duration: number;
    nocache: boolean;
    skip_asset_check: boolean;
  }>;
}

/** The screen is alive: record when and from where; announce it when it comes back online. */
export async function heartbeat(t: TenantTx, ip: string | undefined) {
  const deviceId = deviceIdOf(t.actor);
  const [before] = await t.tx
    .select({ online: onlineSql, name: signageDevices.name })
    .from(signageDevices)
    .where(eq(signageDevices.id, deviceId));
  if (!before) throw notFound('Device');
  const [row] = await t.tx
    .update(signageDevices)
    .set({ isOnline: true, lastSeen: sql`now()`, ...(ip ? { ip } : {}) })
    .where(eq(signageDevices.id, deviceId))
    .returning({ lastSeen: signageDevices.lastSeen });
  if (!before.online)
    t.publish(liveEvent(t.orgId, 'signage.device.online', { id: deviceId, name: before.name }, ADMINS));
  return {
    last_seen: row.lastSeen!.toISOString(),
    heartbeat_interval_seconds: HEARTBEAT_SECONDS,
    offline_after_seconds: OFFLINE_AFTER_SECONDS,
  };
}

/**
 * Platform job: screens whose last heartbeat is older than OFFLINE_AFTER_SECONDS are stored as
 * offline (across all orgs, owner role) and each org's admins get `signage.device.offline`. The
 * `is_online` flag flips once, so an event is published once per outage.
 */
export async function markOfflineDevices(db: Db, bus: EventBus) {
  const gone = await db
    .update(signageDevices)
    .set({ isOnline: false })
    .where(
      and(
        eq(signageDevices.isOnline, true),
        sql`${signageDevices.lastSeen} <= now() - make_interval(secs => ${OFFLINE_AFTER_SECONDS})`,
      ),
    )
    .returning({
      orgId: signageDevices.orgId,
      id: signageDevices.id,
      name: signageDevices.name,
      lastSeen: signageDevices.lastSeen,
    });
  for (const d of gone) {
    await bus
      .publish(
        liveEvent(
          d.orgId,
          'signage.device.offline',
          { id: d.id, name: d.name, last_seen: d.lastSeen?.toISOString() ?? null },
          ADMINS,
        ),
      )
      .catch(() => {});
  }
  return gone.length;
}
