import { asc, gt, isNotNull, lte, or } from 'drizzle-orm';
import { requireOrgAdmin } from '../../core/access/actor.ts';
import { audit } from '../../core/audit/service.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { readAll, type FileStorage } from '../../core/files/storage.ts';
import { writeTarGz, type TarEntry } from '../../core/files/tar.ts';
import { FORMAT, MANIFEST, type ManifestIn } from './backup-manifest.ts';
import {
  signageAssets,
  signageDeviceCommands,
  signageDevices,
  signageEmergencies,
  signageOrgSettings,
  signagePlaylistAssets,
  signagePlaylists,
  signagePlays,
  signageSchedules,
  signageScreenGroupMembers,
  signageScreenGroups,
} from './schema.ts';

/**
 * The org's signage as one .tar.gz (Anthias's backup and recover): everything that makes its
 * screens play what they play and tells what they played — assets and their files, playlists and
 * their entries' day-parts, player settings, screens, groups, schedules, the emergency message in
 * force, proof of play and the commands screens have answered. Left out on purpose: screen tokens
 * (a credential; a removed screen must stay revoked), what screens report about themselves
 * (health, screenshots, online state: the next heartbeat says it again), pending commands (they
 * would be carried out a second time), plan, subscription and usage (billing, not content) and
 * member permissions (they grant access to people).
 */

/** Wall-clock columns as the API takes them (ISO, no zone: the asset's timezone applies). */
const wallClock = (v: string | null) => (v ? v.replace(' ', 'T') : null);
const iso = (v: Date) => v.toISOString();
const isoOrNull = (v: Date | null) => (v ? v.toISOString() : null);

async function assetsAndPlaylists(t: TenantTx) {
  const assets = await t.tx.select().from(signageAssets).orderBy(asc(signageAssets.id));
  const playlists = await t.tx.select().from(signagePlaylists).orderBy(asc(signagePlaylists.id));
  const entries = await t.tx
    .select()
    .from(signagePlaylistAssets)
    .orderBy(asc(signagePlaylistAssets.playlistId), asc(signagePlaylistAssets.position));
  return {
    rows: assets,
    assets: assets.map((a) => ({
      id: a.id,
      name: a.name,
      description: a.description,
      asset_type: a.assetType,
      uri: a.uri,
      has_file: a.storageKey !== null,
      mimetype: a.mimetype,
      start_date: wallClock(a.startDate),
      end_date: wallClock(a.endDate),
      timezone: a.timezone,
      duration: a.duration,
      is_enabled: a.isEnabled,
      play_order: a.playOrder,
      tags: a.tags,
      category: a.category,
      nocache: a.nocache,
      skip_asset_check: a.skipAssetCheck,
      dayparts: a.dayparts,
    })),
    playlists: playlists.map((p) => {
      const own = entries.filter((e) => e.playlistId === p.id);
      return {
        id: p.id,
        name: p.name,
        is_default: p.isDefault,
        shuffle: p.shuffle,
        asset_ids: own.map((e) => e.assetId),
        entry_dayparts: own
          .filter((e) => e.dayparts.length > 0)
          .map((e) => ({ asset_id: e.assetId, dayparts: e.dayparts })),
      };
    }),
  };
}

async function screensAndGroups(t: TenantTx) {
  const screens = await t.tx.select().from(signageDevices).orderBy(asc(signageDevices.id));
  const groups = await t.tx.select().from(signageScreenGroups).orderBy(asc(signageScreenGroups.id));
  const members = await t.tx
    .select()
    .from(signageScreenGroupMembers)
    .orderBy(asc(signageScreenGroupMembers.createdAt), asc(signageScreenGroupMembers.deviceId));
  const schedules = await t.tx.select().from(signageSchedules).orderBy(asc(signageSchedules.id));
  return {
    screens: screens.map((s) => ({
      id: s.id,
      name: s.name,
      mac: s.mac,
      location: s.location,
      unit_id: s.unitId,
      settings: s.settings,
      playlist_id: s.playlistId,
    })),
    groups: groups.map((g) => ({
      id: g.id,
      name: g.name,
      description: g.description,
      kind: g.kind,
      priority: g.priority,
      playlist_id: g.playlistId,
      device_ids: members.filter((m) => m.groupId === g.id).map((m) => m.deviceId),
    })),
    schedules: schedules.map((s) => ({
      name: s.name,
      playlist_id: s.playlistId,
      device_id: s.deviceId,
      group_id: s.groupId,
      dayparts: s.dayparts,
      starts_on: s.startsOn,
      ends_on: s.endsOn,
    })),
  };
}

/** The settings, the message in force, proof of play and the answered commands. */
async function operations(t: TenantTx) {
  const [settings] = await t.tx.select().from(signageOrgSettings);
  const [emergency] = await t.tx
    .select()
    .from(signageEmergencies)
    .where(gt(signageEmergencies.expiresAt, new Date()));
  const plays = await t.tx.select().from(signagePlays).orderBy(asc(signagePlays.id));
  const c = signageDeviceCommands;
  const commands = await t.tx
    .select()
    .from(c)
    .where(or(isNotNull(c.acknowledgedAt), lte(c.expiresAt, new Date())))
    .orderBy(asc(c.id));
  return {
    settings: settings?.settings ?? {},
    emergency: emergency
      ? {
          message: emergency.message,
          color: emergency.color,
          background: emergency.background,
          image_asset_id: emergency.imageAssetId,
          device_ids: emergency.deviceIds,
          group_ids: emergency.groupIds,
          expires_at: iso(emergency.expiresAt),
        }
      : null,
    plays: plays.map((p) => ({
      device_id: p.deviceId,
      asset_id: p.assetId,
      asset_name: p.assetName,
      client_id: p.clientId,
      started_at: iso(p.startedAt),
      duration_ms: p.durationMs,
      outcome: p.outcome,
      received_at: iso(p.receivedAt),
    })),
    commands: commands.map((k) => ({
      device_id: k.deviceId,
      command: k.command,
      created_by: k.createdBy,
      created_at: iso(k.createdAt),
      expires_at: iso(k.expiresAt),
      acknowledged_at: isoOrNull(k.acknowledgedAt),
      outcome: k.outcome,
      detail: k.detail,
    })),
  };
}

export async function exportSignage(t: TenantTx, storage: FileStorage): Promise<Buffer> {
  requireOrgAdmin(t.actor, 'back up signage');
  const { rows, ...content } = await assetsAndPlaylists(t);
  const screens = await screensAndGroups(t);
  const ops = await operations(t);
  const manifest: ManifestIn = { format: FORMAT, org_id: t.orgId, ...content, ...screens, ...ops };
  const entries: TarEntry[] = [{ name: MANIFEST, data: Buffer.from(JSON.stringify(manifest)) }];
  for (const a of rows)
    if (a.storageKey)
      entries.push({ name: `files/${a.id}`, data: await readAll(storage.open(a.storageKey)) });
  await audit(t, {
    action: 'export',
    entityType: 'signage_backup',
    message:
      `Signage backed up: ${content.assets.length} asset(s), ${content.playlists.length} playlist(s), ` +
      `${screens.screens.length} screen(s), ${screens.groups.length} group(s), ` +
      `${screens.schedules.length} schedule(s), ${ops.plays.length} play(s)`,
  });
  return writeTarGz(entries);
}

/** Where a backup archive is kept for its download: under the org, by its file name. */
export const backupKey = (orgId: string, filename: string) => `${orgId}/backups/${filename}`;
export const BACKUP_NAME = /^roster-signage-backup-[0-9T-]+\.tar\.gz$/;
export const backupFilename = (at = new Date()) =>
  `roster-signage-backup-${at.toISOString().slice(0, 19).replace(/:/g, '-')}.tar.gz`;
