import { and, asc, eq, inArray, ne } from 'drizzle-orm';
import { sameOrgJoin } from '../../core/db/columns.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { badRequest, forbidden, invalidField, notFound } from '../../core/http/problem.ts';
import { keyset, type Page, type PageQuery } from '../../core/http/pagination.ts';
import { definedOnly } from '../../core/util/objects.ts';
import { recordCreated, recordDeleted, recordUpdated, type RecordKind } from './changes.ts';
import { assetPolicy, playlistPolicy } from './policy.ts';
import {
  signageAssets,
  signageDevices,
  signagePlaylistAssets,
  signagePlaylists,
  signageScreenGroups,
  type DayPart,
} from './schema.ts';
import { playlistView } from './views.ts';

export type PlaylistRow = typeof signagePlaylists.$inferSelect;
const playlistEntries = signagePlaylistAssets;

/** One asset's place in a playlist, with the day-parts it plays in there. */
export interface PlaylistEntry {
  assetId: string;
  dayparts: DayPart[];
}

/** A playlist with its entries (and their assets' ids) in play order. */
export type Playlist = PlaylistRow & { assetIds: string[]; entries: PlaylistEntry[] };

const playlists: RecordKind<Playlist> = {
  entityType: 'signage_playlist',
  noun: 'Playlist',
  topic: 'signage.playlist',
  view: playlistView,
  audience: { everyone: true },
};

/** Entries of each playlist in play order (only assets the actor may see, RLS included). */
async function entriesOf(t: TenantTx, playlistIds: string[]) {
  const byPlaylist = new Map<string, PlaylistEntry[]>(playlistIds.map((id) => [id, []]));
  if (playlistIds.length === 0) return byPlaylist;
  const rows = await t.tx
    .select({
      playlistId: signagePlaylistAssets.playlistId,
      assetId: signagePlaylistAssets.assetId,
      dayparts: signagePlaylistAssets.dayparts,
    })
    .from(signagePlaylistAssets)
    .innerJoin(
      signageAssets,
      sameOrgJoin([signageAssets.orgId, signageAssets.id], [playlistEntries.orgId, playlistEntries.assetId]),
    )
    .where(and(inArray(signagePlaylistAssets.playlistId, playlistIds), assetPolicy.visible(t.actor)))
    .orderBy(asc(signagePlaylistAssets.position));
  for (const r of rows) byPlaylist.get(r.playlistId)!.push({ assetId: r.assetId, dayparts: r.dayparts });
  return byPlaylist;
}

const withEntries = (row: PlaylistRow, entries: PlaylistEntry[] = []): Playlist => ({
  ...row,
  assetIds: entries.map((e) => e.assetId),
  entries,
});

/** A playlist a screen, group or schedule names must be one of the org's (400 naming the field). */
export async function requirePlaylist(t: TenantTx, playlistId: string | null | undefined) {
  if (!playlistId) return;
  const [found] = await t.tx
    .select({ id: signagePlaylists.id })
    .from(signagePlaylists)
    .where(eq(signagePlaylists.id, playlistId));
  if (!found) throw invalidField('body.playlist_id', 'playlist not found');
}

/** The playlist if the actor may `action` it (404/403 otherwise), with its assets. */
async function loadPlaylist(t: TenantTx, id: string, action: 'see' | 'manage'): Promise<Playlist> {
  const row = await playlistPolicy.load(t.tx, t.actor, action, eq(signagePlaylists.id, id));
  return withEntries(row, (await entriesOf(t, [id])).get(id));
}

export function getPlaylist(t: TenantTx, id: string): Promise<Playlist> {
  return loadPlaylist(t, id, 'see');
}

export async function listPlaylists(t: TenantTx, page: PageQuery): Promise<Page<Playlist>> {
  const ks = keyset<PlaylistRow>({ columns: [signagePlaylists.id], key: (r) => [r.id], page });
  const rows = await t.tx
    .select()
    .from(signagePlaylists)
    .where(and(playlistPolicy.visible(t.actor), ks.after))
    .orderBy(...ks.orderBy)
    .limit(ks.limit);
  const result = ks.finish(rows);
  const entries = await entriesOf(
    t,
    result.items.map((p) => p.id),
  );
  return {
    items: result.items.map((p) => withEntries(p, entries.get(p.id))),
    next_cursor: result.next_cursor,
  };
}

/** One default per org: making this one the default demotes the previous one. */
async function demoteOtherDefaults(t: TenantTx, keep: string) {
  await t.tx
    .update(signagePlaylists)
    .set({ isDefault: false, updatedAt: new Date() })
    .where(and(eq(signagePlaylists.isDefault, true), ne(signagePlaylists.id, keep)));
}

/**
 * Replaces the playlist's assets with `assetIds` in that order. Every id must be an asset the
 * actor can see in this org; otherwise nothing changes (400 naming the entry).
 */
async function replaceAssets(t: TenantTx, playlistId: string, assetIds: string[]) {
  const seen = new Set<string>();
  assetIds.forEach((id, i) => {
    if (seen.has(id))
      throw badRequest('An asset is listed twice', [
        { path: `body.asset_ids.${i}`, message: 'duplicate asset' },
      ]);
    seen.add(id);
  });
  if (assetIds.length > 0) {
    const found = await t.tx
      .select({ id: signageAssets.id })
      .from(signageAssets)
      .where(and(inArray(signageAssets.id, assetIds), assetPolicy.visible(t.actor)));
    const known = new Set(found.map((r) => r.id));
    const missing = assetIds.map((id, i) => ({ id, i })).filter((x) => !known.has(x.id));
    if (missing.length > 0) {
      throw badRequest(
        'Unknown assets',
        missing.map((m) => ({ path: `body.asset_ids.${m.i}`, message: 'asset not found' })),
      );
    }
  }
  // An entry that stays keeps its day-parts: reordering must not widen when it plays.
  const kept = new Map(
    (
      await t.tx
        .delete(signagePlaylistAssets)
        .where(eq(signagePlaylistAssets.playlistId, playlistId))
        .returning({ assetId: signagePlaylistAssets.assetId, dayparts: signagePlaylistAssets.dayparts })
    ).map((r) => [r.assetId, r.dayparts]),
  );
  if (assetIds.length > 0) {
    await t.tx.insert(signagePlaylistAssets).values(
      assetIds.map((assetId, position) => ({
        orgId: t.orgId,
        playlistId,
        assetId,
        position,
        dayparts: kept.get(assetId) ?? [],
      })),
    );
  }
}

export interface PlaylistInput {
  name: string;
  isDefault?: boolean;
  shuffle?: boolean;
  assetIds?: string[];
}

export async function createPlaylist(t: TenantTx, input: PlaylistInput) {
  if (!playlistPolicy.mayEver(t.actor, 'manage')) throw forbidden('Your role is read-only');
  const [row] = await t.tx
    .insert(signagePlaylists)
    .values({ orgId: t.orgId, name: input.name, isDefault: false, shuffle: input.shuffle ?? false })
    .returning();
  if (input.isDefault) {
    await demoteOtherDefaults(t, row.id);
    await t.tx.update(signagePlaylists).set({ isDefault: true }).where(eq(signagePlaylists.id, row.id));
  }
  if (input.assetIds) await replaceAssets(t, row.id, input.assetIds);
  const after = await getPlaylist(t, row.id);
  await recordCreated(t, playlists, after);
  return after;
}

export async function updatePlaylist(
  t: TenantTx,
  id: string,
  patch: Partial<PlaylistInput>,
): Promise<Playlist> {
  const before = await loadPlaylist(t, id, 'manage');
  if (patch.isDefault) await demoteOtherDefaults(t, id);
  const { name, isDefault, shuffle } = patch;
  await t.tx
    .update(signagePlaylists)
    .set({ ...definedOnly({ name, isDefault, shuffle }), updatedAt: new Date() })
    .where(eq(signagePlaylists.id, id));
  if (patch.assetIds) await replaceAssets(t, id, patch.assetIds);
  const after = await getPlaylist(t, id);
  await recordUpdated(t, playlists, after, { before: playlistView(before), after: playlistView(after) });
  return after;
}

/** Marks the playlist changed (what its screens' polls compare) and reads it back. */
async function touchPlaylist(t: TenantTx, id: string): Promise<Playlist> {
  await t.tx.update(signagePlaylists).set({ updatedAt: new Date() }).where(eq(signagePlaylists.id, id));
  return getPlaylist(t, id);
}

/** PUT /playlists/:id/assets: the whole ordered list in one call (reorder, add, remove). */
export async function setPlaylistAssets(t: TenantTx, id: string, assetIds: string[]) {
  const before = await loadPlaylist(t, id, 'manage');
  await replaceAssets(t, id, assetIds);
  const after = await touchPlaylist(t, id);
  await recordUpdated(t, playlists, after, {
    message: `Playlist "${after.name}" assets set (${assetIds.length})`,
    before: { asset_ids: before.assetIds },
    after: { asset_ids: after.assetIds },
  });
  return after;
}

/** When one entry of the playlist plays (empty: whenever its asset does). 404 for an asset not in it. */
export async function setEntryDayparts(t: TenantTx, id: string, assetId: string, dayparts: DayPart[]) {
  const before = await loadPlaylist(t, id, 'manage');
  const entry = before.entries.find((e) => e.assetId === assetId);
  if (!entry) throw notFound('Asset in this playlist');
  await t.tx
    .update(signagePlaylistAssets)
    .set({ dayparts })
    .where(and(eq(signagePlaylistAssets.playlistId, id), eq(signagePlaylistAssets.assetId, assetId)));
  const after = await touchPlaylist(t, id);
  await recordUpdated(t, playlists, after, {
    message: `Playlist "${after.name}": day-parts of asset ${assetId} set (${dayparts.length} window(s))`,
    before: { dayparts: entry.dayparts },
    after: { dayparts },
  });
  return after;
}

export async function deletePlaylist(t: TenantTx, id: string) {
  const before = await loadPlaylist(t, id, 'manage');
  // Screens and groups on this playlist fall back to the next rule (their groups', the default).
  for (const table of [signageDevices, signageScreenGroups])
    await t.tx.update(table).set({ playlistId: null, updatedAt: new Date() }).where(eq(table.playlistId, id));
  await t.tx.delete(signagePlaylists).where(eq(signagePlaylists.id, id));
  await recordDeleted(t, playlists, before);
}
