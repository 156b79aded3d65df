/**
 * The signage wire boundary: response schemas and row → JSON mappers. Services take and return
 * domain types; routes turn them into these shapes (and the audit trail records the same shapes).
 */
import { z } from 'zod';
import type { Asset } from './assets.ts';
import { COMMAND_STATUSES, type CommandRecord } from './commands.ts';
import { dayPartOut } from './dayparts.ts';
import type {
  PlaylistReason,
  ScreenCommand,
  ScreenContent,
  ScreenEmergency,
  ScreenItem,
  ScreenPlaylist,
} from './device-playlist.ts';
import type { Device } from './devices.ts';
import type { Emergency } from './emergency.ts';
import type { ScreenGroup } from './groups.ts';
import type { ScreenHealth } from './health.ts';
import type { Heartbeat } from './heartbeat.ts';
import type { PairingStarted, PairingState } from './pairing.ts';
import type { Plan, PlanLimits, Usage } from './plans.ts';
import type { Playlist } from './playlists.ts';
import type { Play, PlaySummaryRow } from './plays.ts';
import { fromDbTimestamp, wallClockAt, wallClockToInstant } from './schedule.ts';
import type { Schedule } from './schedules.ts';
import {
  ASSET_TYPES,
  BILLING_CYCLES,
  COMMAND_OUTCOMES,
  DEVICE_COMMANDS,
  GROUP_KINDS,
  PLAN_NAMES,
  PLAYLIST_SOURCES,
  PLAY_OUTCOMES,
  SUBSCRIPTION_STATUSES,
  USAGE_METRIC_TYPES,
  type PlaylistSource,
  type signageSubscriptions,
  type signageUsageMetrics,
} from './schema.ts';

const isoOrNull = (d: Date | null) => d?.toISOString() ?? null;

// ---------------------------------------------------------------- assets

export const assetOut = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  asset_type: z.enum(ASSET_TYPES),
  uri: z.string(),
  is_uploaded: z.boolean(),
  md5: z.string(),
  mimetype: z.string(),
  file_size: z.number(),
  start_date: z.string().nullable(),
  end_date: z.string().nullable(),
  duration: z.number(),
  timezone: z.string(),
  /** When in the week it plays, on the screen's clock (empty: at any time). */
  dayparts: z.array(dayPartOut),
  is_enabled: z.boolean(),
  is_active: z.boolean(),
  is_processing: z.boolean(),
  processing_status: z.string(),
  play_order: z.number(),
  tags: z.array(z.string()),
  category: z.string(),
  nocache: z.boolean(),
  skip_asset_check: z.boolean(),
  created_by: z.number().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  last_accessed: z.string().nullable(),
});

export function assetView(a: Asset): z.infer<typeof assetOut> {
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
    dayparts: a.dayparts,
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
    last_accessed: isoOrNull(a.lastAccessed),
  };
}

/** Anthias's REST API v2 asset shape (api/serializers/v2.py, AssetSerializerV2). */
export const anthiasAssetOut = z.object({
  asset_id: z.string(),
  name: z.string(),
  uri: z.string(),
  start_date: z.string().nullable(),
  end_date: z.string().nullable(),
  duration: z.number(),
  mimetype: z.string(),
  is_enabled: z.boolean(),
  nocache: z.boolean(),
  play_order: z.number(),
  skip_asset_check: z.boolean(),
  is_active: z.boolean(),
  is_processing: z.boolean(),
});

/** Dates are instants in UTC, as Anthias's DRF serializers render them. */
export function anthiasAssetView(a: Asset): z.infer<typeof anthiasAssetOut> {
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

/** Anthias's integrations answer: Roster is never a Balena device, so every Balena field is null. */
export const anthiasIntegrationsOut = z.object({
  is_balena: z.boolean(),
  balena_device_id: z.null(),
  balena_app_id: z.null(),
  balena_app_name: z.null(),
  balena_supervisor_version: z.null(),
  balena_host_os_version: z.null(),
  balena_device_name_at_init: z.null(),
});

export const ANTHIAS_INTEGRATIONS: z.infer<typeof anthiasIntegrationsOut> = {
  is_balena: false,
  ...(Object.fromEntries(
    Object.keys(anthiasIntegrationsOut.shape)
      .filter((k) => k !== 'is_balena')
      .map((k) => [k, null]),
  ) as Omit<z.infer<typeof anthiasIntegrationsOut>, 'is_balena'>),
};

// ---------------------------------------------------------------- playlists

export const playlistOut = z.object({
  id: z.string(),
  name: z.string(),
  is_default: z.boolean(),
  shuffle: z.boolean(),
  asset_ids: z.array(z.string()),
  /** Each entry's own day-parts, in play order (empty: whenever its asset plays). */
  entries: z.array(z.object({ asset_id: z.string(), dayparts: z.array(dayPartOut) })),
  created_at: z.string(),
  updated_at: z.string(),
});

export function playlistView(p: Playlist): z.infer<typeof playlistOut> {
  return {
    id: p.id,
    name: p.name,
    is_default: p.isDefault,
    shuffle: p.shuffle,
    asset_ids: p.assetIds,
    entries: p.entries.map((e) => ({ asset_id: e.assetId, dayparts: e.dayparts })),
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
  };
}

// ---------------------------------------------------------------- screens (console)

export const deviceOut = z.object({
  id: z.string(),
  name: z.string(),
  mac: z.string().nullable(),
  ip: z.string().nullable(),
  location: z.string(),
  unit_id: z.number().nullable(),
  settings: z.record(z.string(), z.unknown()),
  playlist_id: z.string().nullable(),
  /** The groups the screen is in. */
  group_ids: z.array(z.string()),
  is_online: z.boolean(),
  last_seen: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

export function deviceView(d: Device): z.infer<typeof deviceOut> {
  return {
    id: d.id,
    name: d.name,
    mac: d.mac,
    ip: d.ip,
    location: d.location,
    unit_id: d.unitId,
    settings: d.settings,
    playlist_id: d.playlistId,
    group_ids: d.groupIds,
    is_online: d.online,
    last_seen: isoOrNull(d.lastSeen),
    created_at: d.createdAt.toISOString(),
    updated_at: d.updatedAt.toISOString(),
  };
}

// ---------------------------------------------------------------- the screen-facing API

export const pairingStartedOut = z.object({
  code: z.string(),
  pairing_secret: z.string(),
  expires_at: z.string(),
  poll_interval_seconds: z.number(),
});

export function pairingStartedView(p: PairingStarted): z.infer<typeof pairingStartedOut> {
  return {
    code: p.code,
    pairing_secret: p.pairingSecret,
    expires_at: p.expiresAt.toISOString(),
    poll_interval_seconds: p.pollIntervalSeconds,
  };
}

export const pairedOut = z.object({
  status: z.literal('paired'),
  device_id: z.string(),
  device_token: z.string(),
  heartbeat_interval_seconds: z.number(),
});
export const pairingPendingOut = z.object({
  status: z.literal('pending'),
  code: z.string(),
  expires_at: z.string(),
});

export function pairingStateView(
  p: PairingState,
): z.infer<typeof pairedOut> | z.infer<typeof pairingPendingOut> {
  return p.status === 'pending'
    ? { status: p.status, code: p.code, expires_at: p.expiresAt.toISOString() }
    : {
        status: p.status,
        device_id: p.deviceId,
        device_token: p.deviceToken,
        heartbeat_interval_seconds: p.heartbeatIntervalSeconds,
      };
}

export const heartbeatOut = z.object({
  last_seen: z.string(),
  heartbeat_interval_seconds: z.number(),
  offline_after_seconds: z.number(),
});

export function heartbeatView(h: Heartbeat): z.infer<typeof heartbeatOut> {
  return {
    last_seen: h.lastSeen.toISOString(),
    heartbeat_interval_seconds: h.heartbeatIntervalSeconds,
    offline_after_seconds: h.offlineAfterSeconds,
  };
}

export function screenItemView(i: ScreenItem) {
  return {
    id: i.id,
    name: i.name,
    asset_type: i.assetType,
    mimetype: i.mimetype,
    url: i.url,
    md5: i.md5,
    duration: i.duration,
    nocache: i.nocache,
    skip_asset_check: i.skipAssetCheck,
  };
}

/** The emergency message as a screen shows it, in its poll and pushed over the live channel. */
export function screenEmergencyView(e: ScreenEmergency) {
  return {
    id: e.id,
    message: e.message,
    color: e.color,
    background: e.background,
    image_url: e.imageUrl,
    expires_at: e.expiresAt.toISOString(),
  };
}

/** A command as a screen receives it, in its poll and pushed over the live channel. */
export function screenCommandView(c: ScreenCommand) {
  return { id: c.id, command: c.command, created_at: c.createdAt.toISOString() };
}

/**
 * The screen hashes this answer for its ETag: key order and content are part of the contract.
 * `emergency` and `commands` are present only when there is one, so a screen with neither keeps
 * the answer (and the ETag) it had; setting or clearing either changes the ETag.
 */
export function screenPlaylistView(p: ScreenPlaylist) {
  return {
    playlist: p.playlist && { id: p.playlist.id, name: p.playlist.name, shuffle: p.playlist.shuffle },
    timezone: p.timezone,
    items: p.items.map(screenItemView),
    ...(p.emergency ? { emergency: screenEmergencyView(p.emergency) } : {}),
    ...(p.commands.length > 0
      ? {
          commands: p.commands.map(screenCommandView),
        }
      : {}),
  };
}

// ---------------------------------------------------------------- plan, permissions, billing

const limitsShape = z.object({
  max_assets: z.number(),
  max_users: z.number(),
  max_storage_gb: z.number(),
  max_devices: z.number(),
  api_rate_per_minute: z.number(),
});
export const limitsOut = z.object({
  plan: z.enum(PLAN_NAMES),
  limits: limitsShape,
  usage: z.object({
    assets: z.number(),
    users: z.number(),
    devices: z.number(),
    storage_bytes: z.number(),
    storage_gb: z.number(),
  }),
});

/** A plan's limits as the console and the audit trail show them. */
export function planLimitsView(p: PlanLimits): z.infer<typeof limitsShape> {
  return {
    max_assets: p.maxAssets,
    max_users: p.maxUsers,
    max_storage_gb: p.maxStorageGb,
    max_devices: p.maxDevices,
    api_rate_per_minute: p.apiRatePerMinute,
  };
}

export function planView(p: Plan) {
  return { plan: p.plan, ...planLimitsView(p) };
}

const GB = 1024 ** 3;

export function limitsView(r: { plan: Plan; usage: Usage }): z.infer<typeof limitsOut> {
  const { usage } = r;
  return {
    plan: r.plan.plan,
    limits: planLimitsView(r.plan),
    usage: {
      assets: usage.assets,
      storage_bytes: usage.storageBytes,
      devices: usage.devices,
      users: usage.users,
      // Gigabytes to three decimals: enough to see a file's weight against the limit.
      storage_gb: Math.round((usage.storageBytes / GB) * 1000) / 1000,
    },
  };
}

export const memberPermissionsOut = z.object({ user_id: z.number(), view_all_assets: z.boolean() });

export function memberPermissionsView(p: { userId: number; viewAllAssets: boolean }) {
  return { user_id: p.userId, view_all_assets: p.viewAllAssets };
}

export const subscriptionOut = z.object({
  id: z.string(),
  plan_name: z.enum(PLAN_NAMES),
  plan_price: z.string(),
  currency: z.string(),
  billing_cycle: z.enum(BILLING_CYCLES),
  status: z.enum(SUBSCRIPTION_STATUSES),
  trial_ends_at: z.string().nullable(),
  current_period_start: z.string(),
  current_period_end: z.string(),
  external_subscription_id: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});

export function subscriptionView(
  s: typeof signageSubscriptions.$inferSelect,
): z.infer<typeof subscriptionOut> {
  return {
    id: s.id,
    plan_name: s.planName,
    plan_price: s.planPrice,
    currency: s.currency,
    billing_cycle: s.billingCycle,
    status: s.status,
    trial_ends_at: isoOrNull(s.trialEndsAt),
    current_period_start: s.currentPeriodStart.toISOString(),
    current_period_end: s.currentPeriodEnd.toISOString(),
    external_subscription_id: s.externalSubscriptionId,
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
  };
}

export const stripeResultOut = z.object({
  received: z.boolean(),
  duplicate: z.boolean().optional(),
  ignored: z.boolean().optional(),
  status: z.enum(SUBSCRIPTION_STATUSES).optional(),
  plan_name: z.enum(PLAN_NAMES).optional(),
});

export const usageMetricOut = z.object({
  date: z.string(),
  metric_type: z.enum(USAGE_METRIC_TYPES),
  value: z.number(),
  updated_at: z.string(),
});

export function usageMetricView(r: typeof signageUsageMetrics.$inferSelect): z.infer<typeof usageMetricOut> {
  return { date: r.date, metric_type: r.metricType, value: r.value, updated_at: r.updatedAt.toISOString() };
}

// ---------------------------------------------------------------- emergency message, proof of play

export const emergencyOut = z.object({
  id: z.string(),
  message: z.string(),
  color: z.string(),
  background: z.string(),
  image_asset_id: z.string().nullable(),
  device_ids: z.array(z.string()).nullable(),
  group_ids: z.array(z.string()).nullable(),
  expires_at: z.string(),
  active: z.boolean(),
  created_by: z.number().nullable(),
  created_at: z.string(),
});

export function emergencyView(e: Emergency): z.infer<typeof emergencyOut> {
  return {
    id: e.id,
    message: e.message,
    color: e.color,
    background: e.background,
    image_asset_id: e.imageAssetId,
    device_ids: e.deviceIds,
    group_ids: e.groupIds,
    expires_at: e.expiresAt.toISOString(),
    active: e.active,
    created_by: e.createdBy,
    created_at: e.createdAt.toISOString(),
  };
}

export const playOut = z.object({
  id: z.string(),
  device_id: z.string(),
  device_name: z.string().nullable(),
  asset_id: z.string(),
  asset_name: z.string(),
  client_id: z.string(),
  started_at: z.string(),
  duration_ms: z.number(),
  outcome: z.enum(PLAY_OUTCOMES),
  received_at: z.string(),
});

export function playView(p: Play): z.infer<typeof playOut> {
  return {
    id: p.id,
    device_id: p.deviceId,
    device_name: p.deviceName,
    asset_id: p.assetId,
    asset_name: p.assetName,
    client_id: p.clientId,
    started_at: p.startedAt.toISOString(),
    duration_ms: p.durationMs,
    outcome: p.outcome,
    received_at: p.receivedAt.toISOString(),
  };
}

/** The CSV export's columns: the play's fields, one play a line. */
export const PLAY_CSV_COLUMNS = [
  'started_at',
  'device_id',
  'device_name',
  'asset_id',
  'asset_name',
  'duration_ms',
  'outcome',
  'client_id',
] as const;

export const playSummaryOut = z.object({
  key: z.string(),
  label: z.string(),
  plays: z.number(),
  completed: z.number(),
  interrupted: z.number(),
  total_seconds: z.number(),
});

export function playSummaryView(r: PlaySummaryRow): z.infer<typeof playSummaryOut> {
  return {
    key: r.key,
    label: r.label,
    plays: r.plays,
    completed: r.completed,
    interrupted: r.interrupted,
    total_seconds: r.totalSeconds,
  };
}

// ---------------------------------------------------------------- remote control and health

export const commandOut = z.object({
  id: z.string(),
  device_id: z.string(),
  command: z.enum(DEVICE_COMMANDS),
  status: z.enum(COMMAND_STATUSES),
  created_by: z.number().nullable(),
  created_at: z.string(),
  expires_at: z.string(),
  acknowledged_at: z.string().nullable(),
  outcome: z.enum(COMMAND_OUTCOMES).nullable(),
  detail: z.string(),
});

export function commandView(c: CommandRecord): z.infer<typeof commandOut> {
  return {
    id: c.id,
    device_id: c.deviceId,
    command: c.command,
    status: c.status,
    created_by: c.createdBy,
    created_at: c.createdAt.toISOString(),
    expires_at: c.expiresAt.toISOString(),
    acknowledged_at: isoOrNull(c.acknowledgedAt),
    outcome: c.outcome,
    detail: c.detail,
  };
}

export const healthOut = z.object({
  device_id: z.string(),
  is_online: z.boolean(),
  last_seen: z.string().nullable(),
  ip: z.string().nullable(),
  player_version: z.string().nullable(),
  resolution: z.object({ width: z.number(), height: z.number() }).nullable(),
  free_storage_bytes: z.number().nullable(),
  reported_at: z.string().nullable(),
  screenshot: z
    .object({ url: z.string(), taken_at: z.string(), mimetype: z.string(), size: z.number() })
    .nullable(),
});

export function healthView(h: ScreenHealth): z.infer<typeof healthOut> {
  const r = h.report;
  const shot = h.screenshot;
  return {
    device_id: h.device.id,
    is_online: h.device.online,
    last_seen: isoOrNull(h.device.lastSeen),
    ip: h.device.ip,
    player_version: r?.playerVersion ?? null,
    resolution: r?.screenWidth && r.screenHeight ? { width: r.screenWidth, height: r.screenHeight } : null,
    free_storage_bytes: r?.freeStorageBytes ?? null,
    reported_at: isoOrNull(r?.reportedAt ?? null),
    screenshot: shot && {
      // The id in the address changes with each screenshot, so a browser never shows a stale one.
      url: `/api/signage/devices/${h.device.id}/screenshot?v=${shot.id}`,
      taken_at: shot.takenAt.toISOString(),
      mimetype: shot.mimetype,
      size: shot.fileSize,
    },
  };
}

// ---------------------------------------------------------------- screen groups, schedules, effective playlist

export const groupOut = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  kind: z.enum(GROUP_KINDS),
  priority: z.number(),
  playlist_id: z.string().nullable(),
  screen_count: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
});

export function groupView(g: ScreenGroup): z.infer<typeof groupOut> {
  return {
    id: g.id,
    name: g.name,
    description: g.description,
    kind: g.kind,
    priority: g.priority,
    playlist_id: g.playlistId,
    screen_count: g.screenCount,
    created_at: g.createdAt.toISOString(),
    updated_at: g.updatedAt.toISOString(),
  };
}

export const scheduleOut = z.object({
  id: z.string(),
  name: z.string(),
  playlist_id: z.string(),
  /** What it targets: one screen, one group, or the whole org. */
  target: z.enum(['screen', 'group', 'org']),
  device_id: z.string().nullable(),
  group_id: z.string().nullable(),
  dayparts: z.array(dayPartOut),
  starts_on: z.string().nullable(),
  ends_on: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

export function scheduleView(s: Schedule): z.infer<typeof scheduleOut> {
  return {
    id: s.id,
    name: s.name,
    playlist_id: s.playlistId,
    target: s.deviceId ? 'screen' : s.groupId ? 'group' : 'org',
    device_id: s.deviceId,
    group_id: s.groupId,
    dayparts: s.dayparts,
    starts_on: s.startsOn,
    ends_on: s.endsOn,
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
  };
}

const REASON_TEXT: Record<PlaylistSource, (r: PlaylistReason) => string> = {
  screen_schedule: (r) => `from schedule "${r.schedule?.name}" of this screen`,
  group_schedule: (r) => `from group "${r.group?.name}", schedule "${r.schedule?.name}"`,
  org_schedule: (r) => `from schedule "${r.schedule?.name}" for every screen`,
  screen: () => "the screen's own playlist",
  group: (r) => `from group "${r.group?.name}"`,
  default: () => "the organization's default playlist",
};

export const effectiveOut = z.object({
  at: z.string(),
  timezone: z.string(),
  /** The screen's wall clock at `at`: what day-parts and dates are read against. */
  local_time: z.string(),
  playlist: z.object({ id: z.string(), name: z.string() }).nullable(),
  reason: z
    .object({
      source: z.enum(PLAYLIST_SOURCES),
      group: z.object({ id: z.string(), name: z.string() }).nullable(),
      schedule: z.object({ id: z.string(), name: z.string() }).nullable(),
      text: z.string(),
    })
    .nullable(),
  items: z.array(
    z.object({ id: z.string(), name: z.string(), asset_type: z.string(), duration: z.number() }),
  ),
  /** An emergency message in force then replaces the playlist on the screen. */
  emergency: z.object({ id: z.string(), message: z.string(), expires_at: z.string() }).nullable(),
});

export function effectiveView(c: ScreenContent): z.infer<typeof effectiveOut> {
  return {
    at: c.at.toISOString(),
    timezone: c.timezone,
    local_time: wallClockAt(c.at, c.timezone),
    playlist: c.playlist && { id: c.playlist.id, name: c.playlist.name },
    reason: c.reason && { ...c.reason, text: REASON_TEXT[c.reason.source](c.reason) },
    items: c.items.map((i) => ({ id: i.id, name: i.name, asset_type: i.assetType, duration: i.duration })),
    emergency: c.emergency && {
      id: c.emergency.id,
      message: c.emergency.message,
      expires_at: c.emergency.expiresAt.toISOString(),
    },
  };
}
