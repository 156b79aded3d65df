import { and, asc, eq, inArray, or, sql } from 'drizzle-orm';
import { startsWith } from '../../core/db/search.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { audit } from '../../core/audit/service.ts';
import { liveEvent } from '../../core/events/bus.ts';
import { badRequest, invalidField } from '../../core/http/problem.ts';
import {
  assetColumnsWithActive,
  createUrlAsset,
  getAsset,
  updateAsset,
  type Asset,
  type AssetPatch,
} from './assets.ts';
import { assetPolicy } from './policy.ts';
import { signageAssets, type AssetType } from './schema.ts';

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

export async function createAnthiasAsset(t: TenantTx, input: AnthiasAssetInput): Promise<Asset> {
  if (input.uri.startsWith('/'))
    throw invalidField(
      'body.uri',
      'file paths of a player are not accepted: upload the file with POST /api/signage/assets/upload',
    );
  return createUrlAsset(t, {
    ...input,
    name: await uniqueName(t, input.name),
    assetType: assetTypeOfMimetype(input.mimetype),
    duration: durationOf(input.duration),
  });
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
