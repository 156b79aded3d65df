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

/** The org's emergency message, when one is in force for this screen: shown instead of any playlist. */
export interface ScreenEmergency {
  id: string;
  message: string;
  color: string;
  background: string;
  imageUrl: string | null;
  expiresAt: Date;
}

/** A remote command the screen has not acknowledged yet. */
export interface ScreenCommand {
  id: string;
  command: string;
  createdAt: Date;
}

export interface ScreenPlaylist {
  playlist: { id: string; name: string; shuffle: boolean } | null;
  timezone: string;
  items: ScreenItem[];
  emergency: ScreenEmergency | null;
  commands: ScreenCommand[];
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
  emergency: {
    id: string;
    message: string;
    color: string;
    background: string;
    image_url: string | null;
    expires_at: string;
  } | null;
  commands: Array<{ id: string; command: string; created_at: string }>;
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
      return sql`select z.timezone, em.emergency, cm.commands,
          p.id as playlist_id, p.name as playlist_name, p.shuffle as playlist_shuffle,
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
        -- The emergency message in force for this screen (all screens when device_ids is null).
        left join lateral (
          select json_build_object('id', e.id, 'message', e.message, 'color', e.color,
              'background', e.background, 'expires_at', e.expires_at,
              'image_url', case when a.id is null then null
                when a.storage_key is not null then '/api/device/assets/' || a.id || '/content'
                else a.uri end) as emergency
            from signage_emergencies e
            left join ${signageAssets} a on a.org_id = e.org_id and a.id = e.image_asset_id
           where e.org_id = d.org_id and e.expires_at > now()
             and (e.device_ids is null or d.id = any(e.device_ids))) em on true
        -- Remote commands not yet acknowledged, oldest first.
        cross join lateral (
          select coalesce(json_agg(json_build_object('id', c.id, 'command', c.command,
              'created_at', c.created_at) order by c.created_at, c.id), '[]') as commands
            from signage_device_commands c
           where c.org_id = d.org_id and c.device_id = d.id
             and c.acknowledged_at is null and c.expires_at > now()) cm
       where d.id = ${v.deviceId}::uuid`;
    },
  });
  if (!row) throw notFound('Device');
  const emergency = row.emergency && {
    id: row.emergency.id,
    message: row.emergency.message,
    color: row.emergency.color,
    background: row.emergency.background,
    imageUrl: row.emergency.image_url,
    expiresAt: new Date(row.emergency.expires_at),
  };
  const commands = row.commands.map((c) => ({
    id: c.id,
    command: c.command,
    createdAt: new Date(c.created_at),
  }));
  if (!row.playlist_id) return { playlist: null, timezone: row.timezone, items: [], emergency, commands };
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
    emergency,
    commands,
  };
}
