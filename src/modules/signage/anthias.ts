import { and, asc, eq, inArray, or, sql } from 'drizzle-orm';
import { requireOrgAdmin } from '../../core/access/actor.ts';
import type { StoredFile } from '../../core/files/storage.ts';
import { startsWith } from '../../core/db/search.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { audit } from '../../core/audit/service.ts';
import { liveEvent } from '../../core/events/bus.ts';
import { badRequest, invalidField } from '../../core/http/problem.ts';
import {
  assetColumnsWithActive,
  createUploadedAsset,
  createUrlAsset,
  getAsset,
  updateAsset,
  type Asset,
  type AssetPatch,
} from './assets.ts';
import { assetPolicy } from './policy.ts';
import { isTimeZone } from './schedule.ts';
import { signageAssets, signageOrgSettings, signagePlaylists, type AssetType } from './schema.ts';

/** Anthias's mimetype field says what a link is: image, video, webpage or streaming (or a full type). */
export function assetTypeOfMimetype(mimetype: string): AssetType {
  const m = mimetype.toLowerCase();
  if (m.startsWith('image')) return 'image';
  if (m.startsWith('video')) return 'video';
  if (m.startsWith('web') || m === 'text/html') return 'webpage';
  if (m.startsWith('stream')) return 'stream';
  throw invalidField('body.mimetype', 'must be image, video, webpage or streaming');
}

/** Anthias asset ids are 32 hex digits; Roster's are UUIDs. Both spellings address the same asset. */
export function normalizeAssetId(raw: string): string | null {
  const hex = raw.replace(/-/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) return null;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export async function listAnthiasAssets(t: TenantTx): Promise<Asset[]> {
  return t.tx
    .select(assetColumnsWithActive)
    .from(signageAssets)
    .where(assetPolicy.visible(t.actor))
    .orderBy(asc(signageAssets.playOrder), asc(signageAssets.id));
}

/** Anthias's `get_unique_name`: a taken name becomes `name-1`, `name-2`… instead of a conflict. */
async function uniqueName(t: TenantTx, name: string) {
  const taken = new Set(
    (
      await t.tx
        .select({ name: signageAssets.name })
        .from(signageAssets)
        .where(or(eq(signageAssets.name, name), startsWith(signageAssets.name, `${name}-`)))
    ).map((r) => r.name),
  );
  if (!taken.has(name)) return name;
  for (let i = 1; ; i++) if (!taken.has(`${name}-${i}`)) return `${name}-${i}`;
}

export interface AnthiasAssetInput {
  name: string;
  uri: string;
  mimetype: string;
  startDate?: string | null;
  endDate?: string | null;
  duration?: number;
  isEnabled?: boolean;
  isProcessing?: boolean;
  nocache?: boolean;
  playOrder?: number;
  skipAssetCheck?: boolean;
}

/** Anthias videos report duration 0 ("detect it"); Roster has no detector and plays them 10 s. */
const durationOf = (d: number | undefined) => (d === undefined ? undefined : d === 0 ? 10 : d);

/** The `uri` answered by `file_asset`: what a client sends back to turn the upload into an asset. */
export const UPLOAD_URI = /^\/uploads\/([0-9a-f]{32})$/;

/**
 * Anthias's create: a link, or (with `upload`, the file `file_asset` received, already copied to
 * the asset's own storage key) an uploaded file. A duration left out is the org's
 * `default_duration` setting, as on a player.
 */
export async function createAnthiasAsset(
  t: TenantTx,
  input: AnthiasAssetInput,
  upload?: { id: string; file: StoredFile },
): Promise<Asset> {
  const duration = durationOf(input.duration) ?? (Number((await anthiasSettings(t)).default_duration) || 10);
  const name = await uniqueName(t, input.name);
  // An uploaded file's uri and mimetype are the server's (its content route, its sniffed type).
  if (upload) return createUploadedAsset(t, upload.id, { ...input, name, duration }, upload.file);
  if (input.uri.startsWith('/'))
    throw invalidField(
      'body.uri',
      'file paths of a player are not accepted: upload the file with POST /api/v2/file_asset first',
    );
  return createUrlAsset(t, { ...input, name, assetType: assetTypeOfMimetype(input.mimetype), duration });
}

export type AnthiasAssetPatch = Omit<Partial<AnthiasAssetInput>, 'uri' | 'mimetype'>;

/** Anthias's UpdateAssetSerializer: uri and mimetype are not updatable; a video keeps its duration. */
export async function updateAnthiasAsset(t: TenantTx, id: string, patch: AnthiasAssetPatch): Promise<Asset> {
  const current = await getAsset(t, id);
  const { duration, ...rest } = patch;
  const changes: AssetPatch = {
    ...rest,
    ...(current.mimetype.includes('video') ? {} : { duration: durationOf(duration) }),
  };
  return updateAsset(t, id, changes);
}

/**
 * Anthias's `POST /api/v2/assets/order` (`ids` comma-separated): each listed asset gets its
 * position as play_order; others keep theirs. Every id must be an asset the caller may change.
 */
export async function orderAnthiasAssets(t: TenantTx, idsCsv: string) {
  const raw = idsCsv
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const ids = raw.map((r, i) => {
    const id = normalizeAssetId(r);
    if (!id) throw badRequest('Unknown asset', [{ path: `body.ids.${i}`, message: 'asset not found' }]);
    return id;
  });
  if (ids.length === 0) return;
  if (new Set(ids).size !== ids.length) throw invalidField('body.ids', 'an asset is listed twice');
  const found = new Set(
    (
      await t.tx
        .select({ id: signageAssets.id })
        .from(signageAssets)
        .where(and(inArray(signageAssets.id, ids), assetPolicy.allowed(t.actor, 'manage')))
    ).map((r) => r.id),
  );
  const missing = ids.map((id, i) => ({ id, i })).filter((x) => !found.has(x.id));
  if (missing.length > 0)
    throw badRequest(
      'Unknown assets',
      missing.map((m) => ({ path: `body.ids.${m.i}`, message: 'asset not found' })),
    );
  await t.tx
    .update(signageAssets)
    .set({
      playOrder: sql`(case ${signageAssets.id} ${sql.join(
        ids.map((id, i) => sql`when ${id}::uuid then ${i}::int`),
        sql` `,
      )} end)`,
      updatedAt: new Date(),
    })
    .where(inArray(signageAssets.id, ids));
  await audit(t, {
    action: 'update',
    entityType: 'signage_asset',
    entityId: null,
    message: `Play order set for ${ids.length} assets`,
    after: { ids },
  });
  t.publish(liveEvent(t.orgId, 'signage.asset.updated', { ids }, { everyone: true }));
}

/** Anthias's device settings as a Roster org answers them before anything was saved. */
const SETTING_DEFAULTS: Record<string, unknown> = {
  player_name: '',
  audio_output: 'hdmi',
  default_duration: 10,
  default_streaming_duration: 300,
  date_format: 'mm/dd/yyyy',
  timezone: 'UTC',
  auth_backend: '',
  show_splash: true,
  default_assets: false,
  shuffle_playlist: false,
  use_24_hour_clock: false,
  debug_logging: false,
  prefer_dark_mode: false,
  verify_ssl: true,
  screen_rotation: 0,
  username: '',
  display_power_schedule_enabled: false,
  display_power_on_time: '08:00',
  display_power_off_time: '18:00',
  display_power_days: '1,2,3,4,5,6,7',
};
const CREDENTIAL_KEYS = new Set(['auth_backend', 'username', 'password', 'password_2', 'current_password']);

/**
 * The org's player settings in Anthias's names: what was saved over the defaults, and
 * `shuffle_playlist` read from the default playlist (that is what Roster's screens shuffle by).
 */
export async function anthiasSettings(t: TenantTx): Promise<Record<string, unknown>> {
  const [stored] = await t.tx.select({ settings: signageOrgSettings.settings }).from(signageOrgSettings);
  const [playlist] = await t.tx
    .select({ shuffle: signagePlaylists.shuffle })
    .from(signagePlaylists)
    .where(eq(signagePlaylists.isDefault, true));
  return {
    ...SETTING_DEFAULTS,
    ...stored?.settings,
    ...(playlist ? { shuffle_playlist: playlist.shuffle } : {}),
    auth_backend: '',
    username: '',
  };
}

/**
 * Saves the given settings (admins). Authentication is not a player setting in Roster (org API
 * keys are), so only "no authentication" is accepted for `auth_backend`.
 */
export async function updateAnthiasSettings(t: TenantTx, patch: Record<string, unknown>) {
  requireOrgAdmin(t.actor, 'change player settings');
  if (patch.auth_backend !== undefined && patch.auth_backend !== '')
    throw invalidField('body.auth_backend', 'Roster authenticates with org API keys: only "" is accepted');
  if (typeof patch.timezone === 'string' && patch.timezone !== '' && !isTimeZone(patch.timezone))
    throw invalidField('body.timezone', 'unknown IANA timezone');
  const before = await anthiasSettings(t);
  // Credentials are not player settings here: they are never stored.
  const kept = Object.fromEntries(Object.entries(patch).filter(([k]) => !CREDENTIAL_KEYS.has(k)));
  await t.tx
    .insert(signageOrgSettings)
    .values({ orgId: t.orgId, settings: kept })
    .onConflictDoUpdate({
      target: signageOrgSettings.orgId,
      set: { settings: sql`${signageOrgSettings.settings} || excluded.settings`, updatedAt: new Date() },
    });
  if (typeof kept.shuffle_playlist === 'boolean')
    await t.tx
      .update(signagePlaylists)
      .set({ shuffle: kept.shuffle_playlist, updatedAt: new Date() })
      .where(eq(signagePlaylists.isDefault, true));
  const after = await anthiasSettings(t);
  await audit(t, {
    action: 'update',
    entityType: 'signage_settings',
    entityId: t.orgId,
    message: 'Player settings saved',
    before,
    after,
  });
  return after;
}
