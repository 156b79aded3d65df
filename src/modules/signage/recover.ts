import { Readable } from 'node:stream';
import { and, eq } from 'drizzle-orm';
import { requireOrgAdmin } from '../../core/access/actor.ts';
import { audit } from '../../core/audit/service.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { IMAGE_TYPES, VIDEO_TYPES } from '../../core/files/sniff.ts';
import type { FileStorage } from '../../core/files/storage.ts';
import { updateAnthiasSettings } from './anthias.ts';
import { createUploadedAsset, createUrlAsset, newAssetId, storageKeyFor } from './assets.ts';
import type { Backup, Manifest } from './backup-manifest.ts';
import { addDevice } from './devices.ts';
import { getEmergency, setEmergency } from './emergency.ts';
import { createGroup } from './groups.ts';
import { createPlaylist } from './playlists.ts';
import { createSchedule } from './schedules.ts';
import {
  signageAssets,
  signageDeviceCommands,
  signageDevices,
  signageOrgSettings,
  signagePlaylistAssets,
  signagePlaylists,
  signagePlays,
  signageSchedules,
  signageScreenGroups,
} from './schema.ts';

/**
 * Recovering adds what the org does not have and leaves what it has as it is (an org is shared
 * by several people; a player's whole state is not), so it can be run twice, or into another
 * org, safely. Assets, playlists, groups and schedules are matched by name, screens by MAC
 * address (by name when they have none), plays by screen and the screen's own play id; settings
 * the org has keep their value. Everything goes through the usual checks and plan limits, in
 * the caller's one transaction: a refusal anywhere changes nothing.
 */

export interface RecoverResult {
  assetsAdded: number;
  assetsKept: number;
  playlistsAdded: number;
  playlistsKept: number;
  screensAdded: number;
  groupsAdded: number;
  schedulesAdded: number;
  playsAdded: number;
}

/** Backed-up ids → the recovering org's ids, one map per kind. */
interface IdMaps {
  assets: Map<string, string>;
  playlists: Map<string, string>;
  screens: Map<string, string>;
  groups: Map<string, string>;
  /** The screens this recovery added (not matched to one the org had). */
  added: Set<string>;
}

const mapped = (ids: Map<string, string>, id: string | null) => (id === null ? null : (ids.get(id) ?? null));
const mappedAll = (ids: Map<string, string>, list: string[]) =>
  list.map((id) => ids.get(id)).filter((id): id is string => !!id);
const chunks = <T>(list: T[], size: number) =>
  Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, (i + 1) * size));

async function namesOf(t: TenantTx, table: typeof signageAssets | typeof signagePlaylists) {
  const rows = await t.tx.select({ id: table.id, name: table.name }).from(table);
  return new Map(rows.map((r) => [r.name, r.id]));
}

async function recoverAssets(
  t: TenantTx,
  storage: FileStorage,
  backup: Backup,
  storedKeys: string[],
  maxUploadBytes: number,
  ids: IdMaps,
  result: RecoverResult,
) {
  const existing = await namesOf(t, signageAssets);
  for (const a of backup.manifest.assets) {
    const found = existing.get(a.name);
    if (found) {
      ids.assets.set(a.id, found);
      result.assetsKept += 1;
      continue;
    }
    const fields = {
      name: a.name,
      description: a.description,
      startDate: a.start_date,
      endDate: a.end_date,
      timezone: a.timezone,
      duration: a.duration,
      isEnabled: a.is_enabled,
      playOrder: a.play_order,
      tags: a.tags,
      category: a.category,
      nocache: a.nocache,
      skipAssetCheck: a.skip_asset_check,
      dayparts: a.dayparts,
    };
    let created;
    if (a.has_file) {
      const id = newAssetId();
      const file = await storage.put(storageKeyFor(t.orgId, id), Readable.from(backup.files.get(a.id)!), {
        maxBytes: maxUploadBytes,
        accept: a.asset_type === 'video' ? VIDEO_TYPES : IMAGE_TYPES,
      });
      storedKeys.push(file.key);
      created = await createUploadedAsset(t, id, fields, file);
    } else {
      created = await createUrlAsset(t, {
        ...fields,
        assetType: a.asset_type,
        uri: a.uri,
        mimetype: a.mimetype,
      });
    }
    ids.assets.set(a.id, created.id);
    existing.set(a.name, created.id);
    result.assetsAdded += 1;
  }
}

async function recoverPlaylists(t: TenantTx, m: Manifest, ids: IdMaps, result: RecoverResult) {
  const existing = await namesOf(t, signagePlaylists);
  const [standing] = await t.tx
    .select({ id: signagePlaylists.id })
    .from(signagePlaylists)
    .where(eq(signagePlaylists.isDefault, true));
  let hasDefault = Boolean(standing);
  for (const p of m.playlists) {
    const found = existing.get(p.name);
    if (found) {
      if (p.id) ids.playlists.set(p.id, found);
      result.playlistsKept += 1;
      continue;
    }
    // The org's own default stays its default.
    const isDefault = p.is_default && !hasDefault;
    hasDefault ||= isDefault;
    const assetIds = mappedAll(ids.assets, p.asset_ids);
    const created = await createPlaylist(t, { name: p.name, isDefault, shuffle: p.shuffle, assetIds });
    for (const e of p.entry_dayparts)
      await t.tx
        .update(signagePlaylistAssets)
        .set({ dayparts: e.dayparts })
        .where(
          and(
            eq(signagePlaylistAssets.playlistId, created.id),
            eq(signagePlaylistAssets.assetId, ids.assets.get(e.asset_id)!),
          ),
        );
    if (p.id) ids.playlists.set(p.id, created.id);
    existing.set(p.name, created.id);
    result.playlistsAdded += 1;
  }
}

/** The backed-up settings the org has not set itself. */
async function recoverSettings(t: TenantTx, m: Manifest) {
  const [own] = await t.tx.select({ settings: signageOrgSettings.settings }).from(signageOrgSettings);
  const missing = Object.fromEntries(Object.entries(m.settings).filter(([k]) => !(own && k in own.settings)));
  if (Object.keys(missing).length > 0) await updateAnthiasSettings(t, missing);
}

/** Screens come back unpaired (no token): the physical screen is paired again to play. */
async function recoverScreens(t: TenantTx, m: Manifest, ids: IdMaps, result: RecoverResult) {
  const own = await t.tx
    .select({ id: signageDevices.id, name: signageDevices.name, mac: signageDevices.mac })
    .from(signageDevices);
  const sameOrg = m.org_id === t.orgId;
  for (const s of m.screens) {
    const mac = s.mac?.toLowerCase() ?? null;
    const found = own.find((o) => (mac ? o.mac === mac : !o.mac && o.name === s.name));
    if (found) {
      ids.screens.set(s.id, found.id);
      continue;
    }
    const created = await addDevice(t, {
      name: s.name,
      mac,
      location: s.location,
      // Unit ids are the org's own: another org has none of them.
      unitId: sameOrg ? s.unit_id : null,
      settings: s.settings,
      playlistId: mapped(ids.playlists, s.playlist_id),
    });
    ids.screens.set(s.id, created.id);
    ids.added.add(created.id);
    own.push({ id: created.id, name: created.name, mac: created.mac });
    result.screensAdded += 1;
  }
}

async function recoverGroupsAndSchedules(t: TenantTx, m: Manifest, ids: IdMaps, result: RecoverResult) {
  const groups = new Map(
    (
      await t.tx
        .select({ id: signageScreenGroups.id, name: signageScreenGroups.name })
        .from(signageScreenGroups)
    ).map((g) => [g.name, g.id]),
  );
  for (const g of m.groups) {
    const found = groups.get(g.name);
    if (found) {
      ids.groups.set(g.id, found);
      continue;
    }
    const { description, kind, priority } = g;
    const fields = {
      name: g.name,
      description,
      kind,
      priority,
      playlistId: mapped(ids.playlists, g.playlist_id),
    };
    const created = await createGroup(t, fields, mappedAll(ids.screens, g.device_ids));
    ids.groups.set(g.id, created.id);
    groups.set(g.name, created.id);
    result.groupsAdded += 1;
  }
  const schedules = new Set(
    (await t.tx.select({ name: signageSchedules.name }).from(signageSchedules)).map((s) => s.name),
  );
  for (const s of m.schedules) {
    if (schedules.has(s.name)) continue;
    await createSchedule(t, {
      name: s.name,
      playlistId: ids.playlists.get(s.playlist_id)!,
      deviceId: mapped(ids.screens, s.device_id),
      groupId: mapped(ids.groups, s.group_id),
      dayparts: s.dayparts,
      startsOn: s.starts_on,
      endsOn: s.ends_on,
    });
    schedules.add(s.name);
    result.schedulesAdded += 1;
  }
}

/** The message in force when backed up, unless the org has one in force or it has expired since. */
async function recoverEmergency(t: TenantTx, m: Manifest, ids: IdMaps) {
  const e = m.emergency;
  if (!e || new Date(e.expires_at).getTime() <= Date.now() || (await getEmergency(t))?.active) return;
  await setEmergency(t, {
    message: e.message,
    color: e.color,
    background: e.background,
    imageAssetId: mapped(ids.assets, e.image_asset_id),
    deviceIds: e.device_ids && mappedAll(ids.screens, e.device_ids),
    groupIds: e.group_ids && mappedAll(ids.groups, e.group_ids),
    expiresAt: new Date(e.expires_at),
  });
}

/** Proof of play and answered commands, as history: a play already there is kept once. */
async function recoverHistory(t: TenantTx, m: Manifest, ids: IdMaps, result: RecoverResult) {
  const sameOrg = m.org_id === t.orgId;
  for (const batch of chunks(m.plays, 1000)) {
    const added = await t.tx
      .insert(signagePlays)
      .values(
        batch.map((p) => ({
          orgId: t.orgId,
          deviceId: ids.screens.get(p.device_id)!,
          // A play of an asset deleted before the backup keeps its old id: it names nothing either way.
          assetId: ids.assets.get(p.asset_id) ?? p.asset_id,
          assetName: p.asset_name,
          clientId: p.client_id,
          startedAt: new Date(p.started_at),
          durationMs: p.duration_ms,
          outcome: p.outcome,
          receivedAt: new Date(p.received_at),
        })),
      )
      .onConflictDoNothing({ target: [signagePlays.orgId, signagePlays.deviceId, signagePlays.clientId] })
      .returning({ id: signagePlays.id });
    result.playsAdded += added.length;
  }
  // A screen the org already had keeps its own command history (commands have no key to match).
  const fresh = m.commands.filter((c) => ids.added.has(ids.screens.get(c.device_id)!));
  for (const batch of chunks(fresh, 1000))
    await t.tx.insert(signageDeviceCommands).values(
      batch.map((c) => ({
        orgId: t.orgId,
        deviceId: ids.screens.get(c.device_id)!,
        command: c.command,
        // A user id means someone only in the org it came from.
        createdBy: sameOrg ? c.created_by : null,
        createdAt: new Date(c.created_at),
        expiresAt: new Date(c.expires_at),
        acknowledgedAt: c.acknowledged_at ? new Date(c.acknowledged_at) : null,
        outcome: c.outcome,
        detail: c.detail,
      })),
    );
}

/**
 * Adds the backup's content the org does not already have. Files are stored first; the caller
 * removes `storedKeys` if the transaction fails.
 */
export async function recoverSignage(
  t: TenantTx,
  storage: FileStorage,
  backup: Backup,
  storedKeys: string[],
  maxUploadBytes: number,
): Promise<RecoverResult> {
  requireOrgAdmin(t.actor, 'recover signage');
  const m = backup.manifest;
  const ids: IdMaps = {
    assets: new Map(),
    playlists: new Map(),
    screens: new Map(),
    groups: new Map(),
    added: new Set(),
  };
  const result: RecoverResult = {
    assetsAdded: 0,
    assetsKept: 0,
    playlistsAdded: 0,
    playlistsKept: 0,
    screensAdded: 0,
    groupsAdded: 0,
    schedulesAdded: 0,
    playsAdded: 0,
  };
  await recoverAssets(t, storage, backup, storedKeys, maxUploadBytes, ids, result);
  await recoverPlaylists(t, m, ids, result);
  await recoverSettings(t, m);
  await recoverScreens(t, m, ids, result);
  await recoverGroupsAndSchedules(t, m, ids, result);
  await recoverEmergency(t, m, ids);
  await recoverHistory(t, m, ids, result);
  await audit(t, {
    action: 'import',
    entityType: 'signage_backup',
    message:
      `Signage recovered: ${result.assetsAdded} asset(s), ${result.playlistsAdded} playlist(s), ` +
      `${result.screensAdded} screen(s), ${result.groupsAdded} group(s), ${result.schedulesAdded} schedule(s), ` +
      `${result.playsAdded} play(s) added; ${result.assetsKept} asset(s) and ${result.playlistsKept} ` +
      `playlist(s) already there`,
  });
  return result;
}
