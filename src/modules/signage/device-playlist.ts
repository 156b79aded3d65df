import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Actor } from '../../core/access/actor.ts';
import { withTenantStatement, type TenantDeps } from '../../core/db/tenant.ts';
import { notFound } from '../../core/http/problem.ts';
import { assetIsActiveSql, deviceContentPath } from './assets.ts';
import { screenDeviceId } from './device-auth.ts';
import { addedScreenItems } from './screen-items.ts';
import { signageAssets, type PlaylistSource } from './schema.ts';
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
  at: string;
  source: PlaylistSource | null;
  group_id: string | null;
  group_name: string | null;
  schedule_id: string | null;
  schedule_name: string | null;
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
  /** Items other modules add after the playlist's (screen-items.ts), in the same shape. */
  added: PollRow['items'];
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

export interface PlaylistReason {
  source: PlaylistSource;
  group: { id: string; name: string } | null;
  schedule: { id: string; name: string } | null;
}

/** What a screen plays at one moment, and why that playlist. */
export type ScreenContent = ScreenPlaylist & { reason: PlaylistReason | null; at: Date };

/**
 * What the screen plays now: its effective playlist (schedules, its own, its groups', the org's
 * default), keeping only assets enabled, inside their dates and inside their day-parts and the
 * entry's on the screen's local clock (settings.timezone, else UTC).
 */
export async function devicePlaylist(deps: TenantDeps, actor: Actor): Promise<ScreenPlaylist> {
  const { content, added } = await readScreen(deps, actor, screenDeviceId(actor), null);
  return added.length ? { ...content, items: [...content.items, ...added] } : content;
}

/**
 * What screen `deviceId` plays at `at` (now when null), with the reason for its playlist. The poll
 * and the console's preview share this one statement, so the preview cannot disagree with a screen.
 */
export async function screenContent(
  deps: TenantDeps,
  actor: Actor,
  deviceId: string,
  at: Date | null,
): Promise<ScreenContent> {
  return (await readScreen(deps, actor, deviceId, at)).content;
}

/** An item as the statement answers it (a playlist's asset, or one another module adds). */
const itemOf = (r: PollRow['items'][number]): ScreenItem => ({
  id: r.id,
  name: r.name,
  assetType: r.asset_type,
  mimetype: r.mimetype,
  url: r.storage_key ? deviceContentPath(r.id) : r.uri,
  md5: r.md5,
  duration: r.duration,
  nocache: r.nocache,
  skipAssetCheck: r.skip_asset_check,
});

/** The screen's content at `at`, and the items other modules add after its playlist's. */
async function readScreen(
  deps: TenantDeps,
  actor: Actor,
  deviceId: string,
  at: Date | null,
): Promise<{ content: ScreenContent; added: ScreenItem[] }> {
  // One statement, group-committed with whatever else is being sent (core/db/group-commit.ts):
  // screens poll often, and three queries in a transaction were five round trips per poll.
  const [row] = await withTenantStatement<PollRow>(deps, actor, {
    shape: 'signage.device-playlist',
    values: { deviceId, at: at?.toISOString() ?? null },
    build: (v) => {
      const clock = sql`(k.at at time zone z.timezone)`;
      return sql`select z.timezone, k.at, em.emergency, cm.commands, ${addedScreenItems(sql`d.id`)} as added,
          p.id as playlist_id, p.name as playlist_name, p.shuffle as playlist_shuffle,
          ep.source, ep.group_id, g.name as group_name, ep.schedule_id, sc.name as schedule_name,
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
             where pa.playlist_id = p.id and ${assetIsActiveSql(clock)}
               and signage_in_dayparts(${signageAssets.dayparts}, ${clock})
               and signage_in_dayparts(pa.dayparts, ${clock})), '[]') as items
        from signage_devices d
        -- The moment asked about (now for a poll) and the screen's zone, resolved once for the
        -- answer and every window (OFFSET 0 keeps Postgres from pulling them up into each use).
        cross join lateral (select coalesce(${v.at}::timestamptz, now()) as at offset 0) k
        cross join lateral (select signage_device_time_zone(d.settings) as timezone offset 0) z
        -- The playlist it plays then, and the rule that chose it.
        left join lateral signage_effective_playlist(d.id, k.at) ep on true
        left join signage_playlists p on p.org_id = d.org_id and p.id = ep.playlist_id
        left join signage_screen_groups g on g.org_id = d.org_id and g.id = ep.group_id
        left join signage_schedules sc on sc.org_id = d.org_id and sc.id = ep.schedule_id
        -- The emergency message in force for this screen: named, in a named group, or all screens.
        left join lateral (
          select json_build_object('id', e.id, 'message', e.message, 'color', e.color,
              'background', e.background, 'expires_at', e.expires_at,
              'image_url', case when a.id is null then null
                when a.storage_key is not null then '/api/device/assets/' || a.id || '/content'
                else a.uri end) as emergency
            from signage_emergencies e
            left join ${signageAssets} a on a.org_id = e.org_id and a.id = e.image_asset_id
           where e.org_id = d.org_id and e.expires_at > k.at
             and ((e.device_ids is null and e.group_ids is null)
               or d.id = any(e.device_ids)
               or exists (select 1 from signage_screen_group_members m
                           where m.org_id = d.org_id and m.device_id = d.id
                             and m.group_id = any(e.group_ids)))) em on true
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
  const when = new Date(row.at);
  const reason: PlaylistReason | null = row.source && {
    source: row.source,
    group: row.group_id ? { id: row.group_id, name: row.group_name ?? '' } : null,
    schedule: row.schedule_id ? { id: row.schedule_id, name: row.schedule_name ?? '' } : null,
  };
  const added = row.added.map(itemOf);
  if (!row.playlist_id) {
    const content = {
      playlist: null,
      timezone: row.timezone,
      items: [],
      emergency,
      commands,
      reason,
      at: when,
    };
    return { content, added };
  }
  const items = row.items.map(itemOf);
  // Seeded by the content exactly as the screen receives it: the order changes only with it.
  const ordered = row.playlist_shuffle
    ? shuffled(items, `${deviceId}:${JSON.stringify(items.map(screenItemView))}`)
    : items;
  const content = {
    // A playlist row was found (its id is set), so its name and shuffle flag are too.
    playlist: { id: row.playlist_id, name: row.playlist_name!, shuffle: row.playlist_shuffle! },
    timezone: row.timezone,
    items: ordered,
    emergency,
    commands,
    reason,
    at: when,
  };
  return { content, added };
}
