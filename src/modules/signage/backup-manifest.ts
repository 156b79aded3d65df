import { z } from 'zod';
import { readTarGz } from '../../core/files/tar.ts';
import { badRequest, invalidField } from '../../core/http/problem.ts';
import { phrase } from '../../core/http/problem-texts.ts';
import { dayPartsIn } from './dayparts.ts';
import { ASSET_TYPES, COMMAND_OUTCOMES, DEVICE_COMMANDS, GROUP_KINDS, PLAY_OUTCOMES } from './schema.ts';

/**
 * The archive of an org's signage: `roster-signage.json` (this manifest) and `files/<asset id>`
 * for each uploaded file. Ids in the manifest are the backed-up org's: they only tie its parts
 * together, recovering gives every row a new id. Format 1 (assets and playlists only) is still read.
 */
export const MANIFEST = 'roster-signage.json';
export const FORMAT = 'roster-signage/2';
const FORMATS = ['roster-signage/1', FORMAT] as const;

const id = z.string().max(100);
const instant = z.iso.datetime({ offset: true });
const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

const assetEntry = z.object({
  id,
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
  dayparts: dayPartsIn.default([]),
});

const playlistEntry = z.object({
  /** Absent in format 1, where nothing else names a playlist. */
  id: id.optional(),
  name: z.string().trim().min(1).max(255),
  is_default: z.boolean(),
  shuffle: z.boolean(),
  asset_ids: z.array(id).max(10_000),
  /** Day-parts of the entries that have some, by asset. */
  entry_dayparts: z
    .array(z.object({ asset_id: id, dayparts: dayPartsIn }))
    .max(10_000)
    .default([]),
});

const screenEntry = z.object({
  id,
  name: z.string().trim().min(1).max(255),
  mac: z.string().max(64).nullable(),
  location: z.string().max(255),
  unit_id: z.number().int().nullable(),
  settings: z.record(z.string(), z.unknown()),
  playlist_id: id.nullable(),
});

const groupEntry = z.object({
  id,
  name: z.string().trim().min(1).max(255),
  description: z.string().max(10_000),
  kind: z.enum(GROUP_KINDS),
  priority: z.number().int(),
  playlist_id: id.nullable(),
  device_ids: z.array(id).max(100_000),
});

const scheduleEntry = z.object({
  name: z.string().trim().min(1).max(255),
  playlist_id: id,
  device_id: id.nullable(),
  group_id: id.nullable(),
  dayparts: dayPartsIn,
  starts_on: localDate.nullable(),
  ends_on: localDate.nullable(),
});

const emergencyEntry = z.object({
  message: z.string().min(1).max(2000),
  color: z.string().max(32),
  background: z.string().max(32),
  image_asset_id: id.nullable(),
  device_ids: z.array(id).max(100_000).nullable(),
  group_ids: z.array(id).max(10_000).nullable(),
  expires_at: instant,
});

const playEntry = z.object({
  device_id: id,
  asset_id: id,
  asset_name: z.string().max(255),
  client_id: z.string().min(1).max(200),
  started_at: instant,
  duration_ms: z.number().int().min(0),
  outcome: z.enum(PLAY_OUTCOMES),
  received_at: instant,
});

const commandEntry = z.object({
  device_id: id,
  command: z.enum(DEVICE_COMMANDS),
  created_by: z.number().int().nullable(),
  created_at: instant,
  expires_at: instant,
  acknowledged_at: instant.nullable(),
  outcome: z.enum(COMMAND_OUTCOMES).nullable(),
  detail: z.string().max(2000),
});

export const manifestSchema = z.object({
  format: z.enum(FORMATS),
  /** The org backed up: what only means something there (units, who sent a command) is kept only there. */
  org_id: z.uuid().optional(),
  assets: z.array(assetEntry).max(100_000),
  playlists: z.array(playlistEntry).max(10_000),
  settings: z.record(z.string(), z.unknown()).default({}),
  screens: z.array(screenEntry).max(100_000).default([]),
  groups: z.array(groupEntry).max(10_000).default([]),
  schedules: z.array(scheduleEntry).max(10_000).default([]),
  emergency: emergencyEntry.nullable().default(null),
  plays: z.array(playEntry).max(5_000_000).default([]),
  commands: z.array(commandEntry).max(1_000_000).default([]),
});
export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestIn = z.input<typeof manifestSchema>;

export interface Backup {
  manifest: Manifest;
  files: Map<string, Buffer>;
}

/** A reference inside the archive to something it does not hold: 400 naming where. */
function requireIn(known: Set<string>, ref: string | null, path: string) {
  if (ref !== null && !known.has(ref))
    throw invalidField(`backup.${path}`, 'names nothing the archive holds');
}

/** Every id the manifest uses points at something in it, so recovering cannot half-succeed. */
function checkReferences(m: Manifest) {
  const assets = new Set(m.assets.map((a) => a.id));
  const playlists = new Set(m.playlists.flatMap((p) => (p.id ? [p.id] : [])));
  const screens = new Set(m.screens.map((s) => s.id));
  const groups = new Set(m.groups.map((g) => g.id));
  m.playlists.forEach((p, i) => {
    p.asset_ids.forEach((a, j) => requireIn(assets, a, `playlists.${i}.asset_ids.${j}`));
    p.entry_dayparts.forEach((e, j) =>
      requireIn(new Set(p.asset_ids), e.asset_id, `playlists.${i}.entry_dayparts.${j}.asset_id`),
    );
  });
  m.screens.forEach((s, i) => requireIn(playlists, s.playlist_id, `screens.${i}.playlist_id`));
  m.groups.forEach((g, i) => {
    requireIn(playlists, g.playlist_id, `groups.${i}.playlist_id`);
    g.device_ids.forEach((d, j) => requireIn(screens, d, `groups.${i}.device_ids.${j}`));
  });
  m.schedules.forEach((s, i) => {
    requireIn(playlists, s.playlist_id, `schedules.${i}.playlist_id`);
    requireIn(screens, s.device_id, `schedules.${i}.device_id`);
    requireIn(groups, s.group_id, `schedules.${i}.group_id`);
  });
  if (m.emergency) {
    requireIn(assets, m.emergency.image_asset_id, 'emergency.image_asset_id');
    m.emergency.device_ids?.forEach((d, j) => requireIn(screens, d, `emergency.device_ids.${j}`));
    m.emergency.group_ids?.forEach((g, j) => requireIn(groups, g, `emergency.group_ids.${j}`));
  }
  m.plays.forEach((p, i) => requireIn(screens, p.device_id, `plays.${i}.device_id`));
  m.commands.forEach((c, i) => requireIn(screens, c.device_id, `commands.${i}.device_id`));
}

/** Reads and checks an archive before anything is changed: a bad one is a 400 naming what is wrong. */
export function readBackup(archive: Buffer, maxBytes: number): Backup {
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
  checkReferences(parsed.data);
  const files = new Map(
    entries
      .filter((e) => e.name.includes('files/'))
      .map((e) => [e.name.slice(e.name.lastIndexOf('/') + 1), e.data]),
  );
  for (const a of parsed.data.assets)
    if (a.has_file && !files.has(a.id)) throw badRequest(phrase('backup.lacksFile', { asset: a.name }));
  return { manifest: parsed.data, files };
}
