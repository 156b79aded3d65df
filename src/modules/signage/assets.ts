import { and, eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { TenantTx } from '../../core/db/tenant.ts';
import { newId } from '../../core/db/columns.ts';
import { requireWriter } from '../../core/access/actor.ts';
import { invalidField } from '../../core/http/problem.ts';
import { phrase } from '../../core/http/problem-texts.ts';
import { keyset, type Page, type PageQuery } from '../../core/http/pagination.ts';
import { containsText } from '../../core/db/search.ts';
import { definedOnly } from '../../core/util/objects.ts';
import type { StoredFile } from '../../core/files/storage.ts';
import { recordCreated, recordDeleted, recordUpdated, type RecordKind } from './changes.ts';
import { isDemoAssetPath } from './demo-assets.ts';
import { assetPolicy } from './policy.ts';
import { ensureAssetRoom } from './plans.ts';
import { fromDbTimestamp, isTimeZone, toWallClock } from './schedule.ts';
import { signageAssets, type AssetType, type DayPart } from './schema.ts';
import { assetView } from './views.ts';

export type AssetRow = typeof signageAssets.$inferSelect;
/** An asset with whether it plays now (`is_active`). */
export type Asset = AssetRow & { isActive: boolean };

/**
 * An asset's `is_active`: enabled and now strictly inside the window, read on the asset's
 * own timezone clock. An open bound does not limit (Anthias requires both dates; Roster lets an
 * asset run without an end).
 */
export const assetIsActiveSql = (clock: SQL = sql`(now() at time zone ${signageAssets.timezone})`) =>
  sql<boolean>`(${signageAssets.isEnabled}
    and (${signageAssets.startDate} is null or ${signageAssets.startDate} < ${clock})
    and (${signageAssets.endDate} is null or ${clock} < ${signageAssets.endDate}))`;

export const assetColumnsWithActive = { ...getTableColumns(signageAssets), isActive: assetIsActiveSql() };
const withActive = assetColumnsWithActive;

const assets: RecordKind<Asset> = {
  entityType: 'signage_asset',
  noun: 'Asset',
  topic: 'signage.asset',
  view: assetView,
  audience: { everyone: true },
};

/** Anthias's mimetype values for assets that are links rather than files. */
const URL_MIMETYPES: Record<AssetType, string> = {
  image: 'image',
  video: 'video',
  webpage: 'webpage',
  stream: 'streaming',
};
const URL_SCHEMES: Record<AssetType, string[]> = {
  image: ['http:', 'https:'],
  video: ['http:', 'https:'],
  webpage: ['http:', 'https:'],
  stream: ['http:', 'https:', 'rtsp:', 'rtmp:'],
};

export function deviceContentPath(id: string) {
  return `/api/device/assets/${id}/content`;
}

/** Fields shared by URL and uploaded assets; the dates are as given (local or with an offset). */
export interface AssetFields {
  name: string;
  description?: string;
  startDate?: string | null;
  endDate?: string | null;
  duration?: number;
  timezone?: string;
  isEnabled?: boolean;
  playOrder?: number;
  tags?: string[];
  category?: string;
  nocache?: boolean;
  skipAssetCheck?: boolean;
  /** When in the week it plays, on top of its dates (empty: at any time). */
  dayparts?: DayPart[];
  /** Anthias clients set this while they transcode; Roster stores what they say. */
  isProcessing?: boolean;
}

export interface UrlAssetInput extends AssetFields {
  assetType: AssetType;
  uri: string;
  mimetype?: string;
}

/** Validates timezone and window (end after start), returning the column values. */
function scheduleColumns(input: Partial<AssetFields>, current?: AssetRow) {
  const timezone = input.timezone ?? current?.timezone ?? 'UTC';
  if (!isTimeZone(timezone)) throw invalidField('body.timezone', 'unknown IANA timezone');
  const pick = (value: string | null | undefined, existing: string | null | undefined, field: string) =>
    value === undefined
      ? fromDbTimestamp(existing ?? null)
      : value === null
        ? null
        : toWallClock(value, timezone, `body.${field}`);
  const startDate = pick(input.startDate, current?.startDate, 'start_date');
  const endDate = pick(input.endDate, current?.endDate, 'end_date');
  if (startDate && endDate && endDate <= startDate)
    throw invalidField('body.end_date', 'must be after start_date');
  return { timezone, startDate, endDate };
}

function fieldColumns(input: Partial<AssetFields>) {
  const { name, description, duration, isEnabled, playOrder, tags, category, nocache } = input;
  const { skipAssetCheck, isProcessing, dayparts } = input;
  return definedOnly({
    dayparts,
    name,
    description,
    duration,
    isEnabled,
    playOrder,
    tags,
    category,
    nocache,
    skipAssetCheck,
    isProcessing,
  });
}

function checkUrl(type: AssetType, uri: string) {
  // The demo's files are served by Roster itself: a path there plays wherever the server is reached.
  if (isDemoAssetPath(uri)) return;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw invalidField('body.uri', 'must be an absolute URL');
  }
  if (!URL_SCHEMES[type].includes(url.protocol))
    throw invalidField('body.uri', phrase('asset.scheme', { schemes: URL_SCHEMES[type].join(' or '), type }));
}

/** Validates everything about an upload that does not need the bytes, before they are streamed. */
export function checkAssetFields(input: AssetFields) {
  scheduleColumns(input);
}

async function insertAsset(t: TenantTx, values: typeof signageAssets.$inferInsert) {
  const [row] = await t.tx.insert(signageAssets).values(values).returning({ id: signageAssets.id });
  const asset = await getAsset(t, row.id);
  await recordCreated(t, assets, asset, { named: true });
  return asset;
}

export async function createUrlAsset(t: TenantTx, input: UrlAssetInput) {
  requireWriter(t.actor);
  checkUrl(input.assetType, input.uri);
  const schedule = scheduleColumns(input);
  await ensureAssetRoom(t, 0);
  return insertAsset(t, {
    orgId: t.orgId,
    assetType: input.assetType,
    uri: input.uri,
    mimetype: input.mimetype ?? URL_MIMETYPES[input.assetType],
    processingStatus: 'ready',
    createdBy: t.actor.userId,
    ...schedule,
    ...fieldColumns(input),
    name: input.name,
  });
}

/** Records a file already streamed to storage (checked, checksummed) as an asset. */
export async function createUploadedAsset(t: TenantTx, id: string, input: AssetFields, file: StoredFile) {
  requireWriter(t.actor);
  const schedule = scheduleColumns(input);
  await ensureAssetRoom(t, file.size);
  return insertAsset(t, {
    orgId: t.orgId,
    id,
    assetType: file.type.startsWith('video/') ? 'video' : 'image',
    uri: deviceContentPath(id),
    storageKey: file.key,
    md5: file.md5,
    mimetype: file.type,
    fileSize: file.size,
    processingStatus: 'ready',
    createdBy: t.actor.userId,
    ...schedule,
    ...fieldColumns(input),
    name: input.name,
  });
}

export const newAssetId = newId;

export function storageKeyFor(orgId: string, id: string) {
  return `${orgId}/${id}`;
}

/** The asset's row, for a caller that has already checked the actor's access to it. */
async function readAsset(t: TenantTx, id: string): Promise<Asset> {
  const [row] = await t.tx.select(withActive).from(signageAssets).where(eq(signageAssets.id, id));
  return row;
}

export async function getAsset(t: TenantTx, id: string): Promise<Asset> {
  await assetPolicy.authorize(t.tx, t.actor, 'see', sql`${signageAssets.id} = ${id}`);
  return readAsset(t, id);
}

export interface AssetFilters {
  q?: string;
  category?: string;
  tag?: string;
  assetType?: AssetType;
  isEnabled?: boolean;
}

export async function listAssets(t: TenantTx, page: PageQuery, filters: AssetFilters): Promise<Page<Asset>> {
  const ks = keyset<Asset>({ columns: [signageAssets.id], key: (r) => [r.id], page });
  const rows = await t.tx
    .select(withActive)
    .from(signageAssets)
    .where(
      and(
        assetPolicy.visible(t.actor),
        ks.after,
        filters.q ? containsText(filters.q, signageAssets.name) : undefined,
        filters.category !== undefined ? eq(signageAssets.category, filters.category) : undefined,
        filters.tag !== undefined
          ? sql`${signageAssets.tags} @> ${JSON.stringify([filters.tag])}::jsonb`
          : undefined,
        filters.assetType ? eq(signageAssets.assetType, filters.assetType) : undefined,
        filters.isEnabled !== undefined ? eq(signageAssets.isEnabled, filters.isEnabled) : undefined,
      ),
    )
    .orderBy(...ks.orderBy)
    .limit(ks.limit);
  return ks.finish(rows);
}

export interface AssetPatch extends Partial<AssetFields> {
  uri?: string;
  mimetype?: string;
}

export async function updateAsset(t: TenantTx, id: string, patch: AssetPatch): Promise<Asset> {
  await assetPolicy.authorize(t.tx, t.actor, 'manage', sql`${signageAssets.id} = ${id}`);
  const before = await readAsset(t, id);
  if (patch.uri !== undefined || patch.mimetype !== undefined) {
    if (before.storageKey !== null)
      throw invalidField(
        patch.uri !== undefined ? 'body.uri' : 'body.mimetype',
        'is set by the server for uploaded files',
      );
    if (patch.uri !== undefined) checkUrl(before.assetType, patch.uri);
  }
  const schedule = scheduleColumns(patch, before);
  await t.tx
    .update(signageAssets)
    .set({
      ...fieldColumns(patch),
      ...schedule,
      ...definedOnly({ uri: patch.uri, mimetype: patch.mimetype }),
      updatedAt: new Date(),
    })
    .where(eq(signageAssets.id, id));
  const after = await readAsset(t, id);
  await recordUpdated(t, assets, after, { before: assetView(before), after: assetView(after) });
  return after;
}

/** Deletes the row; returns the storage key so the caller removes the file once committed. */
export async function deleteAsset(t: TenantTx, id: string) {
  await assetPolicy.authorize(t.tx, t.actor, 'manage', sql`${signageAssets.id} = ${id}`);
  const before = await readAsset(t, id);
  await t.tx.delete(signageAssets).where(eq(signageAssets.id, id));
  await recordDeleted(t, assets, before);
  return before.storageKey;
}

export interface AssetContent {
  key: string;
  mimetype: string;
  size: number;
  md5: string;
}

/** The stored file of an uploaded asset the actor may see; marks it accessed. */
export async function assetContent(t: TenantTx, id: string): Promise<AssetContent> {
  const asset = await getAsset(t, id);
  if (asset.storageKey === null) throw invalidField('id', 'this asset is a link, not an uploaded file');
  await t.tx.update(signageAssets).set({ lastAccessed: new Date() }).where(eq(signageAssets.id, id));
  return { key: asset.storageKey, mimetype: asset.mimetype, size: asset.fileSize, md5: asset.md5 };
}
