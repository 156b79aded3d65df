import { and, asc, eq, inArray, like, or, sql } from 'drizzle-orm';
import type { TenantTx } from '../../core/db/tenant.ts';
import { audit } from '../../core/audit/service.ts';
import { liveEvent } from '../../core/events/bus.ts';
import { badRequest, invalidField } from '../../core/http/problem.ts';
import {
  assetColumnsWithActive,
  createUrlAsset,
  getAsset,
  updateAsset,
  type AssetPatch,
  type AssetRow,
} from './assets.ts';
import { assetPolicy } from './policy.ts';
import { fromDbTimestamp, wallClockToInstant } from './schedule.ts';
import { signageAssets, type AssetType } from './schema.ts';

/**
 * Anthias's REST API v2 asset shape (api/serializers/v2.py, AssetSerializerV2). Dates are
 * instants in UTC, as Anthias's DRF serializers render them.
 */
export function anthiasAsset(a: AssetRow & { isActive: boolean }) {
  const instant = (v: string | null) =>
    v === null ? null : wallClockToInstant(fromDbTimestamp(v)!, a.timezone);
  return {
    asset_id: a.id,
    name: a.name,
    uri: a.uri,
    start_date: instant(a.startDate),
    end_date: instant(a.endDate),
    duration: a.duration,
    mimetype: a.mimetype,
    is_enabled: a.isEnabled,
    nocache: a.nocache,
    play_order: a.playOrder,
    skip_asset_check: a.skipAssetCheck,
    is_active: a.isActive,
    is_processing: a.isProcessing,
  };
}

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

export async function listAnthiasAssets(t: TenantTx) {
  const rows = await t.tx
    .select(assetColumnsWithActive)
    .from(signageAssets)
    .where(assetPolicy.visible(t.actor))
    .orderBy(asc(signageAssets.playOrder), asc(signageAssets.id));
  return rows.map(anthiasAsset);
}

/** Anthias's `get_unique_name`: a taken name becomes `name-1`, `name-2`… instead of a conflict. */
async function uniqueName(t: TenantTx, name: string) {
  const taken = new Set(
    (
      await t.tx
        .select({ name: signageAssets.name })
        .from(signageAssets)
        .where(
          or(eq(signageAssets.name, name), like(signageAssets.name, `${name.replace(/[%_\\]/g, '\\$&')}-%`)),
        )
    ).map((r) => r.name),
  );
  if (!taken.has(name)) return name;
  for (let i = 1; ; i++) if (!taken.has(`${name}-${i}`)) return `${name}-${i}`;
}

export interface AnthiasAssetInput {
  name: string;
  uri: string;
  mimetype: string;
  start_date?: string | null;
  end_date?: string | null;
  duration?: number;
  is_enabled?: boolean;
  is_processing?: boolean;
  nocache?: boolean;
  play_order?: number;
  skip_asset_check?: boolean;
}

/** Anthias videos report duration 0 ("detect it"); Roster has no detector and plays them 10 s. */
const durationOf = (d: number | undefined) => (d === undefined ? undefined : d === 0 ? 10 : d);

export async function createAnthiasAsset(t: TenantTx, input: AnthiasAssetInput) {
  if (input.uri.startsWith('/'))
    throw invalidField(
      'body.uri',
      'file paths of a player are not accepted: upload the file with POST /api/signage/assets/upload',
    );
  const assetType = assetTypeOfMimetype(input.mimetype);
  const asset = await createUrlAsset(t, {
    name: await uniqueName(t, input.name),
    asset_type: assetType,
    uri: input.uri,
    mimetype: input.mimetype,
    start_date: input.start_date,
    end_date: input.end_date,
    duration: durationOf(input.duration),
    is_enabled: input.is_enabled,
    is_processing: input.is_processing,
    nocache: input.nocache,
    play_order: input.play_order,
    skip_asset_check: input.skip_asset_check,
  });
  return anthiasAsset(asset);
}

export type AnthiasAssetPatch = Omit<Partial<AnthiasAssetInput>, 'uri' | 'mimetype'>;

/** Anthias's UpdateAssetSerializer: uri and mimetype are not updatable; a video keeps its duration. */
export async function updateAnthiasAsset(t: TenantTx, id: string, patch: AnthiasAssetPatch) {
  const current = await getAsset(t, id);
  const { duration, ...rest } = patch;
  const changes: AssetPatch = {
    ...rest,
    ...(current.mimetype.includes('video') ? {} : { duration: durationOf(duration) }),
  };
  return anthiasAsset(await updateAsset(t, id, changes));
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
    if (!id)
      throw badRequest(`Unknown asset id ${r}`, [{ path: `body.ids.${i}`, message: 'asset not found' }]);
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
      `Unknown assets: ${missing.map((m) => m.id).join(', ')}`,
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
