import { and, eq, getTableColumns, ilike, sql, type SQL } from 'drizzle-orm';
import type { TenantTx } from '../../core/db/tenant.ts';
import { newId } from '../../core/db/columns.ts';
import { audit } from '../../core/audit/service.ts';
import { requireWriter } from '../../core/access/actor.ts';
import { liveEvent } from '../../core/events/bus.ts';
import { invalidField } from '../../core/http/problem.ts';
import { keyset, type PageQuery } from '../../core/http/pagination.ts';
import type { StoredFile } from '../../core/files/storage.ts';
import { assetPolicy } from './policy.ts';
import { ensureAssetRoom } from './plans.ts';
import { fromDbTimestamp, isTimeZone, toWallClock } from './schedule.ts';
import { signageAssets, type AssetType } from './schema.ts';

export type AssetRow = typeof signageAssets.$inferSelect;

/**
 * Seed 003's `Asset.is_active`: enabled and now strictly inside the window, read on the asset's
 * own timezone clock. An open bound does not limit (Anthias requires both dates; Roster lets an
 * asset run without an end).
 */
export const assetIsActiveSql = (clock: SQL = sql`(now() at time zone ${signageAssets.timezone})`) =>
  sql<boolean>`(${signageAssets.isEnabled} and (${signageAssets.startDate} is null or ${signageAssets.startDate} < ${clock}) and (${signageAssets.endDate} is null or ${clock} < ${signageAssets.endDate}))`;

export const assetColumnsWithActive = { ...getTableColumns(signageAssets), isActive: assetIsActiveSql() };
const withActive = assetColumnsWithActive;

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

export function publicAsset(a: AssetRow & { isActive: boolean }) {
  return {
    id: a.id,
    name: a.name,
    description: a.description,
    asset_type: a.assetType,
    uri: a.uri,
    is_uploaded: a.storageKey !== null,
    md5: a.md5,
    mimetype: a.mimetype,
    file_size: a.fileSize,
    start_date: fromDbTimestamp(a.startDate),
    end_date: fromDbTimestamp(a.endDate),
    duration: a.duration,
    timezone: a.timezone,
    is_enabled: a.isEnabled,
    is_active: a.isActive,
    is_processing: a.isProcessing,
    processing_status: a.processingStatus,
    play_order: a.playOrder,
    tags: a.tags,
    category: a.category,
    nocache: a.nocache,
    skip_asset_check: a.skipAssetCheck,
    created_by: a.createdBy,
    created_at: a.createdAt.toISOString(),
    updated_at: a.updatedAt.toISOString(),
    last_accessed: a.lastAccessed?.toISOString() ?? null,
  };
}

/** Fields shared by URL and uploaded assets (API names). */
export interface AssetFields {
  name: string;
  description?: string;
  start_date?: string | null;
  end_date?: string | null;
  duration?: number;
  timezone?: string;
  is_enabled?: boolean;
  play_order?: number;
  tags?: string[];
  category?: string;
  nocache?: boolean;
  skip_asset_check?: boolean;
  /** Anthias clients set this while they transcode; Roster stores what they say. */
  is_processing?: boolean;
}

export interface UrlAssetInput extends AssetFields {
  asset_type: AssetType;
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
  const startDate = pick(input.start_date, current?.startDate, 'start_date');
  const endDate = pick(input.end_date, current?.endDate, 'end_date');
  if (startDate && endDate && endDate <= startDate)
    throw invalidField('body.end_date', 'must be after start_date');
  return { timezone, startDate, endDate };
}

function fieldColumns(input: Partial<AssetFields>) {
  return {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.duration !== undefined ? { duration: input.duration } : {}),
    ...(input.is_enabled !== undefined ? { isEnabled: input.is_enabled } : {}),
    ...(input.play_order !== undefined ? { playOrder: input.play_order } : {}),
    ...(input.tags !== undefined ? { tags: input.tags } : {}),
    ...(input.category !== undefined ? { category: input.category } : {}),
    ...(input.nocache !== undefined ? { nocache: input.nocache } : {}),
    ...(input.skip_asset_check !== undefined ? { skipAssetCheck: input.skip_asset_check } : {}),
    ...(input.is_processing !== undefined ? { isProcessing: input.is_processing } : {}),
  };
}

function checkUrl(type: AssetType, uri: string) {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw invalidField('body.uri', 'must be an absolute URL');
  }
  if (!URL_SCHEMES[type].includes(url.protocol))
    throw invalidField('body.uri', `must use ${URL_SCHEMES[type].join(' or ')} for a ${type} asset`);
}

/** Validates everything about an upload that does not need the bytes, before they are streamed. */
export function checkAssetFields(input: AssetFields) {
  scheduleColumns(input);
}

async function insertAsset(t: TenantTx, values: typeof signageAssets.$inferInsert) {
  const [row] = await t.tx.insert(signageAssets).values(values).returning({ id: signageAssets.id });
  const asset = await getAsset(t, row.id);
  await audit(t, {
    action: 'create',
    entityType: 'signage_asset',
    entityId: asset.id,
    message: `Asset "${asset.name}" created`,
    after: publicAsset(asset),
  });
  t.publish(
    liveEvent(t.orgId, 'signage.asset.created', { id: asset.id, name: asset.name }, { everyone: true }),
  );
  return asset;
}

export async function createUrlAsset(t: TenantTx, input: UrlAssetInput) {
  requireWriter(t.actor);
  checkUrl(input.asset_type, input.uri);
  const schedule = scheduleColumns(input);
  await ensureAssetRoom(t, 0);
  return insertAsset(t, {
    orgId: t.orgId,
    assetType: input.asset_type,
    uri: input.uri,
    mimetype: input.mimetype ?? URL_MIMETYPES[input.asset_type],
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

export async function getAsset(t: TenantTx, id: string) {
  await assetPolicy.authorize(t.tx, t.actor, 'see', sql`${signageAssets.id} = ${id}`);
  const [row] = await t.tx.select(withActive).from(signageAssets).where(eq(signageAssets.id, id));
  return row;
}

export interface AssetFilters {
  q?: string;
  category?: string;
  tag?: string;
  asset_type?: AssetType;
  is_enabled?: boolean;
}

export async function listAssets(t: TenantTx, page: PageQuery, filters: AssetFilters) {
  const ks = keyset<AssetRow & { isActive: boolean }>({
    columns: [signageAssets.id],
    key: (r) => [r.id],
    page,
  });
  const rows = await t.tx
    .select(withActive)
    .from(signageAssets)
    .where(
      and(
        assetPolicy.visible(t.actor),
        ks.after,
        filters.q ? ilike(signageAssets.name, `%${filters.q.replace(/[%_\\]/g, '\\$&')}%`) : undefined,
        filters.category !== undefined ? eq(signageAssets.category, filters.category) : undefined,
        filters.tag !== undefined
          ? sql`${signageAssets.tags} @> ${JSON.stringify([filters.tag])}::jsonb`
          : undefined,
        filters.asset_type ? eq(signageAssets.assetType, filters.asset_type) : undefined,
        filters.is_enabled !== undefined ? eq(signageAssets.isEnabled, filters.is_enabled) : undefined,
      ),
    )
    .orderBy(...ks.orderBy)
    .limit(ks.limit);
  return ks.finish(rows, publicAsset);
}

export interface AssetPatch extends Partial<AssetFields> {
  uri?: string;
  mimetype?: string;
}

export async function updateAsset(t: TenantTx, id: string, patch: AssetPatch) {
  await assetPolicy.authorize(t.tx, t.actor, 'manage', sql`${signageAssets.id} = ${id}`);
  const before = await getAsset(t, id);
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
      ...(patch.uri !== undefined ? { uri: patch.uri } : {}),
      ...(patch.mimetype !== undefined ? { mimetype: patch.mimetype } : {}),
      updatedAt: new Date(),
    })
    .where(eq(signageAssets.id, id));
  const after = await getAsset(t, id);
  await audit(t, {
    action: 'update',
    entityType: 'signage_asset',
    entityId: id,
    message: `Asset "${after.name}" updated`,
    before: publicAsset(before),
    after: publicAsset(after),
  });
  t.publish(liveEvent(t.orgId, 'signage.asset.updated', { id }, { everyone: true }));
  return after;
}

/** Deletes the row; returns the storage key so the caller removes the file once committed. */
export async function deleteAsset(t: TenantTx, id: string) {
  await assetPolicy.authorize(t.tx, t.actor, 'manage', sql`${signageAssets.id} = ${id}`);
  const before = await getAsset(t, id);
  await t.tx.delete(signageAssets).where(eq(signageAssets.id, id));
  await audit(t, {
    action: 'delete',
    entityType: 'signage_asset',
    entityId: id,
    message: `Asset "${before.name}" deleted`,
    before: publicAsset(before),
  });
  t.publish(liveEvent(t.orgId, 'signage.asset.deleted', { id }, { everyone: true }));
  return before.storageKey;
}

/** The stored file of an uploaded asset the actor may see; marks it accessed. */
export async function assetContent(t: TenantTx, id: string) {
  const asset = await getAsset(t, id);
  if (asset.storageKey === null) throw invalidField('id', 'this asset is a link, not an uploaded file');
  await t.tx.update(signageAssets).set({ lastAccessed: new Date() }).where(eq(signageAssets.id, id));
  return { key: asset.storageKey, mimetype: asset.mimetype, size: asset.fileSize, md5: asset.md5 };
}
