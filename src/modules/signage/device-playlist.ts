import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Actor } from '../../core/access/actor.ts';
import { withTenantStatement, type TenantDeps } from '../../core/db/tenant.ts';
import { notFound } from '../../core/http/problem.ts';
import { assetIsActiveSql, deviceContentPath } from './assets.ts';
import { screenDeviceId } from './device-auth.ts';
import { signageAssets } from './schema.ts';
import { screenItemView } from './views.ts';

/** One asset as a screen plays it: `url` is the link, or the content route of an uploaded file. */
export interface ScreenItem {
  id: string;
  name: string;
  assetType: string;
  mimetype: string;
  url: string;
  md5: string;
  duration: number;
  nocache: boolean;
  skipAssetCheck: boolean;
}

export interface ScreenPlaylist {
  playlist: { id: string; name: string; shuffle: boolean } | null;
  timezone: string;
  items: ScreenItem[];
}

interface PollRow {
  timezone: string;
  playlist_id: string | null;
  playlist_name: string | null;
  playlist_shuffle: boolean | null;
  items: Array<{
    id: string;
    name: string;
    asset_type: string;
    mimetype: string;
    uri: string;
    storage_key: string | null;
    md5: string;
    duration: number;
    nocache: boolean;
    skip_asset_check: boolean;
  }>;
}

/** Deterministic shuffle: the same content gives the same order, so unchanged polls stay 304. */
function shuffled<T>(items: T[], seed: string): T[] {
  const out = [...items];
  let state = crypto.createHash('sha256').update(seed).digest();
  for (let i = out.length - 1; i > 0; i--) {
    if (i % 8 === 0) state = crypto.createHash('sha256').update(state).digest();
    const j = state.readUInt32BE((i % 8) * 4) % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * What the screen plays now: its playlist (or the org's default), keeping only assets enabled and
 * inside their window on the screen's local clock (settings.timezone, else UTC).
 */
export async function devicePlaylist(deps: TenantDeps, actor: Actor): Promise<ScreenPlaylist> {
  const deviceId = screenDeviceId(actor);
  // One statement, group-committed with whatever else is being sent (core/db/group-commit.ts):
  // screens poll often, and three queries in a transaction were five round trips per poll.
  const [row] = await withTenantStatement<PollRow>(deps, actor, {
    shape: 'signage.device-playlist',
    values: { deviceId },
    build: (v) => {
      const clock = sql`(now() at time zone z.timezone)`;
      return sql`select z.timezone, p.id as playlist_id, p.name as playlist_name, p.shuffle as playlist_shuffle,
          coalesce((
            select json_agg(json_build_object(
                'id', ${signageAssets.id}, 'name', ${signageAssets.name},
                'asset_type', ${signageAssets.assetType}, 'mimetype', ${signageAssets.mimetype},
                'uri', ${signageAssets.uri}, 'storage_key', ${signageAssets.storageKey},
                'md5', ${signageAssets.md5}, 'duration', ${signageAssets.duration},
                'nocache', ${signageAssets.nocache}, 'skip_asset_check', ${signageAssets.skipAssetCheck}
              ) order by pa.position)
              from signage_playlist_assets pa
              join ${signageAssets} on ${signageAssets.orgId} = pa.org_id and ${signageAssets.id} = pa.asset_id
             where pa.playlist_id = p.id and ${assetIsActiveSql(clock)}), '[]') as items
        from signage_devices d
        -- The screen's zone, resolved once for the answer and every asset's window (OFFSET 0 keeps
        -- Postgres from pulling the call up into each place that uses it).
        cross join lateral (select signage_device_time_zone(d.settings) as timezone offset 0) z
        -- Its own playlist, else the org's default.
        left join signage_playlists p on p.org_id = d.org_id
          and p.id = coalesce(d.playlist_id,
            (select dp.id from signage_playlists dp where dp.org_id = d.org_id and dp.is_default))
       where d.id = ${v.deviceId}::uuid`;
    },
  });
  if (!row) throw notFound('Device');
  if (!row.playlist_id) return { playlist: null, timezone: row.timezone, items: [] };
  const items = row.items.map((r): ScreenItem => ({
    id: r.id,
    name: r.name,
    assetType: r.asset_type,
    mimetype: r.mimetype,
    url: r.storage_key ? deviceContentPath(r.id) : r.uri,
    md5: r.md5,
    duration: r.duration,
    nocache: r.nocache,
    skipAssetCheck: r.skip_asset_check,
  }));
  // Seeded by the content exactly as the screen receives it: the order changes only with it.
  const ordered = row.playlist_shuffle
    ? shuffled(items, `${deviceId}:${JSON.stringify(items.map(screenItemView))}`)
    : items;
  return {
    // A playlist row was found (its id is set), so its name and shuffle flag are too.
    playlist: { id: row.playlist_id, name: row.playlist_name!, shuffle: row.playlist_shuffle! },
    timezone: row.timezone,
    items: ordered,
  };
}
