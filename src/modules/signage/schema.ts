import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  date,
  index,
  inet,
  integer,
  jsonb,
  numeric,
  pgPolicy,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { appRole, idColumn, sameOrgReference, tenantIsolation, timestamps } from '../../core/db/columns.ts';
import { memberships, organizations, orgIdColumn } from '../../core/db/platform-schema.ts';
import { units } from '../org/schema.ts';

export const PLAN_NAMES = ['free', 'pro', 'enterprise'] as const;
export type PlanName = (typeof PLAN_NAMES)[number];

/**
 * The org's plan and the limits it grants. One row per org (the org id is the key); an org
 * without a row is on the free plan. Creates lock this row (`FOR UPDATE`) before counting, so
 * two requests racing for the last slot are serialized.
 */
export const signagePlans = pgTable(
  'signage_plans',
  {
    orgId: orgIdColumn().primaryKey(),
    plan: text('plan', { enum: PLAN_NAMES }).notNull().default('free'),
    maxAssets: integer('max_assets').notNull(),
    maxUsers: integer('max_users').notNull(),
    maxStorageGb: integer('max_storage_gb').notNull(),
    maxDevices: integer('max_devices').notNull(),
    apiRatePerMinute: integer('api_rate_per_minute').notNull(),
    /** Days proof-of-play rows are kept; null means the plan's standard retention. */
    playRetentionDays: integer('play_retention_days'),
    ...timestamps(),
  },
  () => [tenantIsolation('signage_plans')],
);

/** Per-member signage permissions; no row means none granted. */
export const signageMemberPermissions = pgTable(
  'signage_member_permissions',
  {
    orgId: orgIdColumn(),
    userId: bigint('user_id', { mode: 'number' }).notNull(),
    /** `view_all_assets`: see every asset of the org, not only one's own. */
    viewAllAssets: boolean('view_all_assets').notNull().default(false),
    ...timestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.userId] }),
    sameOrgReference([t.orgId, t.userId], [memberships.orgId, memberships.userId]).onDelete('cascade'),
    tenantIsolation('signage_member_permissions'),
  ],
);

/**
 * A time-of-day window on chosen weekdays (ISO numbers, 1 = Monday … 7 = Sunday), read on the
 * screen's wall clock. `from`/`until` are `HH:MM` (`until` may be `24:00`); an `until` before `from`
 * is an overnight window, which belongs to the day it starts: 22:00–02:00 on Monday plays Monday
 * 22:00 to Tuesday 02:00. An empty list of windows means "at any time".
 */
export interface DayPart {
  days: number[];
  from: string;
  until: string;
}

export const ASSET_TYPES = ['image', 'video', 'webpage', 'stream'] as const;
export type AssetType = (typeof ASSET_TYPES)[number];
export const PROCESSING_STATUSES = ['pending', 'processing', 'ready', 'failed'] as const;

/**
 * An asset: a link or an uploaded file. `start_date`/`end_date` are wall-clock times (no zone): a screen
 * evaluates them at its own local time, the console at the asset's `timezone`.
 */
export const signageAssets = pgTable(
  'signage_assets',
  {
    orgId: orgIdColumn(),
    id: idColumn(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    assetType: text('asset_type', { enum: ASSET_TYPES }).notNull(),
    /** The URL shown, or for an uploaded file the content path devices fetch. */
    uri: text('uri').notNull(),
    /** Storage key of an uploaded file; null for URL assets. */
    storageKey: text('storage_key'),
    md5: text('md5').notNull().default(''),
    mimetype: text('mimetype').notNull(),
    fileSize: bigint('file_size', { mode: 'number' }).notNull().default(0),
    startDate: timestamp('start_date', { mode: 'string' }),
    endDate: timestamp('end_date', { mode: 'string' }),
    /** Seconds on screen. */
    duration: integer('duration').notNull().default(10),
    timezone: text('timezone').notNull().default('UTC'),
    isEnabled: boolean('is_enabled').notNull().default(false),
    isProcessing: boolean('is_processing').notNull().default(false),
    processingStatus: text('processing_status', { enum: PROCESSING_STATUSES }).notNull().default('pending'),
    playOrder: integer('play_order').notNull().default(0),
    tags: jsonb('tags').$type<string[]>().notNull().default([]),
    category: text('category').notNull().default(''),
    nocache: boolean('nocache').notNull().default(false),
    skipAssetCheck: boolean('skip_asset_check').notNull().default(false),
    /** When in the week the asset plays, on top of its dates (empty: at any time). */
    dayparts: jsonb('dayparts').$type<DayPart[]>().notNull().default([]),
    createdBy: bigint('created_by', { mode: 'number' }),
    ...timestamps(),
    lastAccessed: timestamp('last_accessed', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('signage_assets_name_per_org').on(t.orgId, t.name),
    index('signage_assets_enabled_idx').on(t.orgId, t.isEnabled),
    index('signage_assets_window_idx').on(t.orgId, t.startDate, t.endDate),
    index('signage_assets_created_idx').on(t.orgId, t.createdAt),
    index('signage_assets_creator_idx').on(t.orgId, t.createdBy),
    check(
      'signage_assets_window_order',
      sql`${t.endDate} is null or ${t.startDate} is null or ${t.endDate} > ${t.startDate}`,
    ),
    check('signage_assets_duration_positive', sql`${t.duration} > 0`),
    tenantIsolation('signage_assets'),
  ],
);

export const signagePlaylists = pgTable(
  'signage_playlists',
  {
    orgId: orgIdColumn(),
    id: idColumn(),
    name: text('name').notNull(),
    isDefault: boolean('is_default').notNull().default(false),
    shuffle: boolean('shuffle').notNull().default(false),
    ...timestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('signage_playlists_name_per_org').on(t.orgId, t.name),
    // At most one default playlist per org: the one unassigned screens play.
    uniqueIndex('signage_playlists_one_default')
      .on(t.orgId)
      .where(sql`${t.isDefault}`),
    tenantIsolation('signage_playlists'),
  ],
);

/** PlaylistAsset: an asset's position in a playlist (pair unique). */
export const signagePlaylistAssets = pgTable(
  'signage_playlist_assets',
  {
    orgId: orgIdColumn(),
    playlistId: uuid('playlist_id').notNull(),
    assetId: uuid('asset_id').notNull(),
    position: integer('position').notNull(),
    /** When in the week this entry plays in this playlist, on top of the asset's own (empty: any time). */
    dayparts: jsonb('dayparts').$type<DayPart[]>().notNull().default([]),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.playlistId, t.assetId] }),
    unique('signage_playlist_assets_position').on(t.orgId, t.playlistId, t.position),
    index('signage_playlist_assets_asset_idx').on(t.orgId, t.assetId),
    sameOrgReference([t.orgId, t.playlistId], [signagePlaylists.orgId, signagePlaylists.id]).onDelete(
      'cascade',
    ),
    sameOrgReference([t.orgId, t.assetId], [signageAssets.orgId, signageAssets.id]).onDelete('cascade'),
    tenantIsolation('signage_playlist_assets'),
  ],
);

export interface DeviceSettings {
  /** IANA zone the screen evaluates asset schedules in. */
  timezone?: string;
  [key: string]: unknown;
}

/** A screen. Its bearer token (`rd_…`) is stored only as a hash. */
export const signageDevices = pgTable(
  'signage_devices',
  {
    orgId: orgIdColumn(),
    id: idColumn(),
    name: text('name').notNull(),
    mac: text('mac'),
    ip: inet('ip'),
    location: text('location').notNull().default(''),
    unitId: integer('unit_id'),
    settings: jsonb('settings').$type<DeviceSettings>().notNull().default({}),
    playlistId: uuid('playlist_id'),
    tokenHash: text('token_hash'),
    isOnline: boolean('is_online').notNull().default(false),
    lastSeen: timestamp('last_seen', { withTimezone: true }),
    ...timestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('signage_devices_mac_per_org').on(t.orgId, t.mac),
    index('signage_devices_token_idx').on(t.tokenHash),
    // Units are only deactivated, so a screen keeps its unit; deleting a unit in use is refused.
    sameOrgReference([t.orgId, t.unitId], [units.orgId, units.id]),
    // No ON DELETE action: deleting a playlist unassigns its screens first (set null would clear org_id too).
    sameOrgReference([t.orgId, t.playlistId], [signagePlaylists.orgId, signagePlaylists.id]),
    tenantIsolation('signage_devices'),
  ],
);

export const GROUP_KINDS = ['location', 'purpose'] as const;

/** Why a screen plays its playlist: which rule of signage_effective_playlist() chose it, most specific first. */
export const PLAYLIST_SOURCES = [
  'screen_schedule',
  'group_schedule',
  'org_schedule',
  'screen',
  'group',
  'default',
] as const;
export type PlaylistSource = (typeof PLAYLIST_SOURCES)[number];

/**
 * A group of screens, by location (Lobby, 2nd floor) or by purpose (menu boards). A screen may be in
 * several groups, one of each kind or more; where two groups give it a playlist, the higher
 * `priority` wins, then the name in alphabetical order.
 */
export const signageScreenGroups = pgTable(
  'signage_screen_groups',
  {
    orgId: orgIdColumn(),
    id: idColumn(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    kind: text('kind', { enum: GROUP_KINDS }).notNull().default('location'),
    priority: integer('priority').notNull().default(0),
    /** What the group's screens play when neither a schedule nor their own playlist says otherwise. */
    playlistId: uuid('playlist_id'),
    ...timestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('signage_screen_groups_name_per_org').on(t.orgId, t.name),
    // No ON DELETE action: deleting a playlist unassigns its groups first (set null would clear org_id too).
    sameOrgReference([t.orgId, t.playlistId], [signagePlaylists.orgId, signagePlaylists.id]),
    tenantIsolation('signage_screen_groups'),
  ],
);

/** A screen's membership of a group. */
export const signageScreenGroupMembers = pgTable(
  'signage_screen_group_members',
  {
    orgId: orgIdColumn(),
    groupId: uuid('group_id').notNull(),
    deviceId: uuid('device_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.groupId, t.deviceId] }),
    // The poll's lookup: the groups of one screen.
    index('signage_screen_group_members_device_idx').on(t.orgId, t.deviceId),
    sameOrgReference([t.orgId, t.groupId], [signageScreenGroups.orgId, signageScreenGroups.id]).onDelete(
      'cascade',
    ),
    sameOrgReference([t.orgId, t.deviceId], [signageDevices.orgId, signageDevices.id]).onDelete('cascade'),
    tenantIsolation('signage_screen_group_members'),
  ],
);

/**
 * A schedule: `playlist_id` plays on its target — one screen, one group, or every screen of the org
 * when both are null — during its day-parts, between its optional dates (the screen's local dates).
 * A schedule in force beats a standing assignment (see signage_effective_playlist()).
 */
export const signageSchedules = pgTable(
  'signage_schedules',
  {
    orgId: orgIdColumn(),
    id: idColumn(),
    name: text('name').notNull(),
    playlistId: uuid('playlist_id').notNull(),
    deviceId: uuid('device_id'),
    groupId: uuid('group_id'),
    dayparts: jsonb('dayparts').$type<DayPart[]>().notNull().default([]),
    startsOn: date('starts_on', { mode: 'string' }),
    endsOn: date('ends_on', { mode: 'string' }),
    ...timestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('signage_schedules_name_per_org').on(t.orgId, t.name),
    index('signage_schedules_device_idx').on(t.orgId, t.deviceId),
    index('signage_schedules_group_idx').on(t.orgId, t.groupId),
    sameOrgReference([t.orgId, t.playlistId], [signagePlaylists.orgId, signagePlaylists.id]).onDelete(
      'cascade',
    ),
    sameOrgReference([t.orgId, t.deviceId], [signageDevices.orgId, signageDevices.id]).onDelete('cascade'),
    sameOrgReference([t.orgId, t.groupId], [signageScreenGroups.orgId, signageScreenGroups.id]).onDelete(
      'cascade',
    ),
    check('signage_schedules_one_target', sql`${t.deviceId} is null or ${t.groupId} is null`),
    check(
      'signage_schedules_dates_order',
      sql`${t.startsOn} is null or ${t.endsOn} is null or ${t.endsOn} >= ${t.startsOn}`,
    ),
    tenantIsolation('signage_schedules'),
  ],
);

/**
 * A screen waiting to be claimed. Platform table: a new screen has no org yet. Tenants see
 * unclaimed pairings (knowing the short code is the point) and the ones they claimed.
 */
export const signagePairings = pgTable(
  'signage_pairings',
  {
    id: idColumn().primaryKey(),
    code: text('code').notNull().unique(),
    secretHash: text('secret_hash').notNull().unique(),
    orgId: uuid('org_id').references(() => organizations.id, { onDelete: 'cascade' }),
    deviceId: uuid('device_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
  },
  () => [
    pgPolicy('signage_pairings_select', {
      for: 'select',
      to: appRole,
      using: sql`org_id is null or org_id = app_current_org()`,
    }),
    pgPolicy('signage_pairings_claim', {
      for: 'update',
      to: appRole,
      using: sql`org_id is null`,
      withCheck: sql`org_id = app_current_org()`,
    }),
  ],
).enableRLS();

export const SUBSCRIPTION_STATUSES = ['trialing', 'active', 'past_due', 'canceled'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];
export const BILLING_CYCLES = ['monthly', 'yearly'] as const;

/**
 * Platform lookup: which org a provider subscription id belongs to. Its primary key makes the id
 * unique across all tenants (the tenant table can only be unique per org), and the webhook — which
 * has no org yet — resolves the org through it. Tenants cannot read it (RLS on, no policy).
 */
export const signageExternalSubscriptions = pgTable(
  'signage_external_subscriptions',
  {
    externalId: text('external_id').primaryKey(),
    orgId: orgIdColumn(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('signage_external_subscriptions_org').on(t.orgId, t.externalId)],
).enableRLS();

/**
 * A subscription: one per org (unique org_id), kept in step with the payment provider by
 * its webhook. The provider's id is unique per org here and globally through
 * `signage_external_subscriptions`, because a tenant unique constraint must include org_id.
 */
export const signageSubscriptions = pgTable(
  'signage_subscriptions',
  {
    orgId: orgIdColumn(),
    id: idColumn(),
    planName: text('plan_name', { enum: PLAN_NAMES }).notNull(),
    planPrice: numeric('plan_price', { precision: 10, scale: 2 }).notNull().default('0'),
    currency: text('currency').notNull().default('usd'),
    billingCycle: text('billing_cycle', { enum: BILLING_CYCLES }).notNull().default('monthly'),
    status: text('status', { enum: SUBSCRIPTION_STATUSES }).notNull(),
    trialEndsAt: timestamp('trial_ends_at', { withTimezone: true }),
    currentPeriodStart: timestamp('current_period_start', { withTimezone: true }).notNull(),
    currentPeriodEnd: timestamp('current_period_end', { withTimezone: true }).notNull(),
    externalSubscriptionId: text('external_subscription_id').notNull(),
    ...timestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('signage_subscriptions_one_per_org').on(t.orgId),
    unique('signage_subscriptions_external_per_org').on(t.orgId, t.externalSubscriptionId),
    // The lookup row must name the same org: a subscription cannot claim another tenant's provider id.
    sameOrgReference(
      [t.orgId, t.externalSubscriptionId],
      [signageExternalSubscriptions.orgId, signageExternalSubscriptions.externalId],
    ),
    tenantIsolation('signage_subscriptions'),
  ],
);

/** Payment-provider events already applied: a redelivered event id is acknowledged and ignored. */
export const signageWebhookEvents = pgTable('signage_webhook_events', {
  eventId: text('event_id').primaryKey(),
  type: text('type').notNull(),
  orgId: uuid('org_id').references(() => organizations.id, { onDelete: 'cascade' }),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
}).enableRLS();

export const USAGE_METRIC_TYPES = ['storage', 'api_calls', 'assets', 'devices'] as const;
export type UsageMetricType = (typeof USAGE_METRIC_TYPES)[number];

/** UsageMetric: one value per org, type and day (storage in bytes). */
export const signageUsageMetrics = pgTable(
  'signage_usage_metrics',
  {
    orgId: orgIdColumn(),
    id: idColumn(),
    metricType: text('metric_type', { enum: USAGE_METRIC_TYPES }).notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    value: bigint('value', { mode: 'number' }).notNull().default(0),
    ...timestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('signage_usage_metrics_per_day').on(t.orgId, t.metricType, t.date),
    tenantIsolation('signage_usage_metrics'),
  ],
);

export const DEVICE_COMMANDS = ['reload', 'next', 'previous', 'reboot', 'shutdown', 'screenshot'] as const;
export type DeviceCommand = (typeof DEVICE_COMMANDS)[number];
/** How a screen reports a command it acknowledges: carried out, or tried and failed (with why). */
export const COMMAND_OUTCOMES = ['done', 'failed'] as const;
export type CommandOutcome = (typeof COMMAND_OUTCOMES)[number];

/**
 * A remote command waiting for its screen: the playlist poll carries the screen's pending ones,
 * the screen carries them out and acknowledges each (acknowledged_at set), after which they are
 * history. A command no screen picks up within a day expires unseen.
 */
export const signageDeviceCommands = pgTable(
  'signage_device_commands',
  {
    orgId: orgIdColumn(),
    id: idColumn(),
    deviceId: uuid('device_id').notNull(),
    command: text('command', { enum: DEVICE_COMMANDS }).notNull(),
    createdBy: bigint('created_by', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    /** Set with acknowledged_at; null while pending. */
    outcome: text('outcome', { enum: COMMAND_OUTCOMES }),
    /** The screen's words on a failure (or on success, e.g. what it captured). */
    detail: text('detail').notNull().default(''),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    // A screen's command history, newest first, for the console.
    index('signage_device_commands_history_idx').on(t.orgId, t.deviceId, t.id),
    // The poll's lookup: a screen's commands not yet acknowledged.
    index('signage_device_commands_pending_idx')
      .on(t.orgId, t.deviceId, t.createdAt)
      .where(sql`${t.acknowledgedAt} is null`),
    sameOrgReference([t.orgId, t.deviceId], [signageDevices.orgId, signageDevices.id]).onDelete('cascade'),
    tenantIsolation('signage_device_commands'),
  ],
);

/**
 * The org's emergency message (at most one at a time): shown full screen instead of every
 * playlist on the chosen screens and groups (all of the org's when both are null) until it expires or
 * is cleared.
 */
export const signageEmergencies = pgTable(
  'signage_emergencies',
  {
    orgId: orgIdColumn().primaryKey(),
    id: idColumn(),
    message: text('message').notNull(),
    color: text('color').notNull(),
    background: text('background').notNull(),
    imageAssetId: uuid('image_asset_id'),
    deviceIds: uuid('device_ids').array(),
    /** Screen groups whose screens show it too; every screen of the org when both lists are null. */
    groupIds: uuid('group_ids').array(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdBy: bigint('created_by', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // No foreign key to the image: deleting the asset must not cancel the message (it then shows
  // without the image), and the image is checked to be the org's when the message is set.
  () => [tenantIsolation('signage_emergencies')],
);

export const PLAY_OUTCOMES = ['completed', 'interrupted'] as const;

/**
 * Proof of play: one row per time a screen showed an asset. `client_id` is the screen's own id
 * for the play, so a batch sent again (after a lost answer) is stored once. The asset's name is
 * kept with the play: reports outlive deleted assets.
 */
export const signagePlays = pgTable(
  'signage_plays',
  {
    orgId: orgIdColumn(),
    id: idColumn(),
    deviceId: uuid('device_id').notNull(),
    assetId: uuid('asset_id').notNull(),
    assetName: text('asset_name').notNull().default(''),
    clientId: text('client_id').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    durationMs: integer('duration_ms').notNull(),
    outcome: text('outcome', { enum: PLAY_OUTCOMES }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('signage_plays_client_id').on(t.orgId, t.deviceId, t.clientId),
    index('signage_plays_started_idx').on(t.orgId, t.startedAt),
    index('signage_plays_asset_idx').on(t.orgId, t.assetId, t.startedAt),
    sameOrgReference([t.orgId, t.deviceId], [signageDevices.orgId, signageDevices.id]).onDelete('cascade'),
    check('signage_plays_duration_range', sql`${t.durationMs} >= 0`),
    tenantIsolation('signage_plays'),
  ],
);

/**
 * Player settings of the org as Anthias clients read and write them (`/api/v2/device_settings`):
 * one JSON document per org, the Anthias field names as keys. Roster applies `default_duration`
 * to new assets and `shuffle_playlist` to the default playlist; the rest is kept for the clients.
 */
export const signageOrgSettings = pgTable(
  'signage_org_settings',
  {
    orgId: orgIdColumn().primaryKey(),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    ...timestamps(),
  },
  () => [tenantIsolation('signage_org_settings')],
);

/**
 * What a screen last said about itself in its heartbeat: the player's version, its display's
 * resolution and the free storage for its cache. One row per screen, replaced by each report
 * that carries something; a screen that reports nothing keeps no row.
 */
export const signageDeviceHealth = pgTable(
  'signage_device_health',
  {
    orgId: orgIdColumn(),
    deviceId: uuid('device_id').notNull(),
    playerVersion: text('player_version'),
    screenWidth: integer('screen_width'),
    screenHeight: integer('screen_height'),
    freeStorageBytes: bigint('free_storage_bytes', { mode: 'number' }),
    reportedAt: timestamp('reported_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.deviceId] }),
    sameOrgReference([t.orgId, t.deviceId], [signageDevices.orgId, signageDevices.id]).onDelete('cascade'),
    tenantIsolation('signage_device_health'),
  ],
);

/**
 * A screen's latest screenshot (one per screen: a new one replaces it and its file). The image
 * sits in file storage under `storage_key`; `command_id` names the command it answered, if any.
 */
export const signageScreenshots = pgTable(
  'signage_screenshots',
  {
    orgId: orgIdColumn(),
    deviceId: uuid('device_id').notNull(),
    id: idColumn(),
    commandId: uuid('command_id'),
    storageKey: text('storage_key').notNull(),
    mimetype: text('mimetype').notNull(),
    fileSize: bigint('file_size', { mode: 'number' }).notNull(),
    takenAt: timestamp('taken_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.deviceId] }),
    sameOrgReference([t.orgId, t.deviceId], [signageDevices.orgId, signageDevices.id]).onDelete('cascade'),
    tenantIsolation('signage_screenshots'),
  ],
);
