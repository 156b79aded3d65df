import { Readable } from 'node:stream';
import { asc } from 'drizzle-orm';
import { z } from 'zod';
import { requireOrgAdmin } from '../../core/access/actor.ts';
import { audit } from '../../core/audit/service.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { IMAGE_TYPES, VIDEO_TYPES } from '../../core/files/sniff.ts';
import { readAll, type FileStorage } from '../../core/files/storage.ts';
import { readTarGz, writeTarGz, type TarEntry } from '../../core/files/tar.ts';
import { badRequest } from '../../core/http/problem.ts';
import { phrase } from '../../core/http/problem-texts.ts';
import { createUploadedAsset, createUrlAsset, newAssetId, storageKeyFor } from './assets.ts';
import { createPlaylist } from './playlists.ts';
import { ASSET_TYPES, signageAssets, signagePlaylistAssets, signagePlaylists } from './schema.ts';

/**
 * The org's signage as one .tar.gz (Anthias's backup and recover): `roster-signage.json` lists the
 * assets and playlists, `files/<asset id>` holds each uploaded file. Recovering adds what the org
 * does not have (by name) and leaves what it has as it is, so it can be run twice, or into another
 * org, safely.
 */
const MANIFEST = 'roster-signage.json';
const FORMAT = 'roster-signage/1';

const assetEntry = z.object({
  id: z.string().max(100),
  name: z.string().trim().min(1).max(255),
  description: z.string().max(10_000).default(''),
  asset_type: z.enum(ASSET_TYPES),
  uri: z.string().max(4000),
  has_file: z.boolean(),
  mimetype: z.string().max(255),
  start_date: z.string().nullable(),
  end_date: z.string().nullable(),
  timezone: z.string().max(64),
  duration: z.number().int().positive(),
  is_enabled: z.boolean(),
  play_order: z.number().int(),
  tags: z.array(z.string().max(50)).max(100),
  category: z.string().max(100),
  nocache: z.boolean(),
  skip_asset_check: z.boolean(),
});
const manifestSchema = z.object({
  format: z.literal(FORMAT),
  assets: z.array(assetEntry).max(100_000),
  playlists: z
    .array(
      z.object({
        name: z.string().trim().min(1).max(255),
        is_default: z.boolean(),
        shuffle: z.boolean(),
        asset_ids: z.array(z.string().max(100)).max(10_000),
      }),
    )
    .max(10_000),
});
type Manifest = z.infer<typeof manifestSchema>;

/** Wall-clock columns as the API takes them (ISO, no zone: the asset's timezone applies). */
const wallClock = (v: string | null) => (v ? v.replace(' ', 'T') : null);

export async function exportSignage(t: TenantTx, storage: FileStorage): Promise<Buffer> {
  requireOrgAdmin(t.actor, 'back up signage');
  const assets = await t.tx.select().from(signageAssets).orderBy(asc(signageAssets.id));
  const playlists = await t.tx.select().from(signagePlaylists).orderBy(asc(signagePlaylists.id));
  const positions = await t.tx
    .select()
    .from(signagePlaylistAssets)
    .orderBy(asc(signagePlaylistAssets.playlistId), asc(signagePlaylistAssets.position));
  const manifest: Manifest = {
    format: FORMAT,
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
    })),
    playlists: playlists.map((p) => ({
      name: p.name,
      is_default: p.isDefault,
      shuffle: p.shuffle,
      asset_ids: positions.filter((pa) => pa.playlistId === p.id).map((pa) => pa.assetId),
    })),
  };
  const entries: TarEntry[] = [{ name: MANIFEST, data: Buffer.from(JSON.stringify(manifest, null, 2)) }];
  for (const a of assets)
    if (a.storageKey)
      entries.push({ name: `files/${a.id}`, data: await readAll(storage.open(a.storageKey)) });
  await audit(t, {
    action: 'export',
    entityType: 'signage_backup',
    message: `Signage backed up: ${assets.length} asset(s), ${playlists.length} playlist(s)`,
  });
  return writeTarGz(entries);
}

export interface RecoverResult {
  assetsAdded: number;
  assetsKept: number;
  playlistsAdded: number;
  playlistsKept: number;
}

/** Reads and checks an archive before anything is changed: a bad one is a 400 naming what is wrong. */
export function readBackup(archive: Buffer, maxBytes: number) {
  const entries = readTarGz(archive, maxBytes);
  const manifestEntry = entries.find((e) => e.name === MANIFEST || e.name.endsWith(`/${MANIFEST}`));
  if (!manifestEntry) throw badRequest(phrase('backup.noManifest', { file: MANIFEST }));
  let raw: unknown;
  try {
    raw = JSON.parse(manifestEntry.data.toString('utf8'));
  } catch {
    throw badRequest(phrase('backup.notJson', { file: MANIFEST }));
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success)
    throw badRequest(
      phrase('backup.invalid', { file: MANIFEST }),
      parsed.error.issues
        .slice(0, 20)
        .map((i) => ({ path: `backup.${i.path.join('.')}`, message: i.message })),
    );
  const files = new Map(
    entries
      .filter((e) => e.name.includes('files/'))
      .map((e) => [e.name.slice(e.name.lastIndexOf('/') + 1), e.data]),
  );
  for (const a of parsed.data.assets)
    if (a.has_file && !files.has(a.id)) throw badRequest(phrase('backup.lacksFile', { asset: a.name }));
  return { manifest: parsed.data, files };
}

/**
 * Adds the backup's assets (with their files) and playlists the org does not already have by
 * name, through the same checks and limits as creating them by hand. Files are stored first;
 * the caller removes `storedKeys` if the transaction fails.
 */
export async function recoverSignage(
  t: TenantTx,
  storage: FileStorage,
  backup: ReturnType<typeof readBackup>,
  storedKeys: string[],
  maxUploadBytes: number,
): Promise<RecoverResult> {
  requireOrgAdmin(t.actor, 'recover signage');
  const { manifest, files } = backup;
  const existingAssets = new Map(
    (await t.tx.select({ id: signageAssets.id, name: signageAssets.name }).from(signageAssets)).map((a) => [
      a.name,
      a.id,
    ]),
  );
  const idOf = new Map<string, string>();
  const result: RecoverResult = { assetsAdded: 0, assetsKept: 0, playlistsAdded: 0, playlistsKept: 0 };
  for (const a of manifest.assets) {
    const existing = existingAssets.get(a.name);
    if (existing) {
      idOf.set(a.id, existing);
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
    };
    let created;
    if (a.has_file) {
      const id = newAssetId();
      const file = await storage.put(storageKeyFor(t.orgId, id), Readable.from(files.get(a.id)!), {
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
    idOf.set(a.id, created.id);
    existingAssets.set(a.name, created.id);
    result.assetsAdded += 1;
  }
  const playlists = await t.tx
    .select({ name: signagePlaylists.name, isDefault: signagePlaylists.isDefault })
    .from(signagePlaylists);
  const names = new Set(playlists.map((p) => p.name));
  let hasDefault = playlists.some((p) => p.isDefault);
  for (const p of manifest.playlists) {
    if (names.has(p.name)) {
      result.playlistsKept += 1;
      continue;
    }
    // The org's own default stays its default.
    const isDefault = p.is_default && !hasDefault;
    hasDefault ||= isDefault;
    const assetIds = p.asset_ids.map((id) => idOf.get(id)).filter((id): id is string => !!id);
    await createPlaylist(t, { name: p.name, isDefault, shuffle: p.shuffle, assetIds });
    names.add(p.name);
    result.playlistsAdded += 1;
  }
  await audit(t, {
    action: 'import',
    entityType: 'signage_backup',
    message:
      `Signage recovered: ${result.assetsAdded} asset(s) and ${result.playlistsAdded} playlist(s) added, ` +
      `${result.assetsKept} asset(s) and ${result.playlistsKept} playlist(s) already there`,
  });
  return result;
}

/** Where a backup archive is kept for its download: under the org, by its file name. */
export const backupKey = (orgId: string, filename: string) => `${orgId}/backups/${filename}`;
export const BACKUP_NAME = /^roster-signage-backup-[0-9T-]+\.tar\.gz$/;
export const backupFilename = (at = new Date()) =>
  `roster-signage-backup-${at.toISOString().slice(0, 19).replace(/:/g, '-')}.tar.gz`;
