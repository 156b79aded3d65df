import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { idColumn, sameOrgReference, tenantIsolation, timestamps } from '../../core/db/columns.ts';
import { assignmentColumns } from '../../core/access/assignment.ts';
import { users, orgIdColumn } from '../../core/db/platform-schema.ts';
import { units } from '../org/schema.ts';
import { PROTOCOLS } from './adapters/types.ts';

/**
 * A site where receivers stand. `unit_id` is the org module's unit (the org module migrates first):
 * unit-scoped users see a location through the org module's scope.
 */
export const locations = pgTable(
  'monitoring_locations',
  {
    orgId: orgIdColumn(),
    id: idColumn(),
    building: text('building').notNull(),
    room: text('room').notNull().default(''),
    unitId: integer('unit_id'),
    description: text('description').notNull().default(''),
    ...timestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    // No ON DELETE action: units are only deactivated, and clearing unit_id would show the location
    // to every member (an untied location is visible to all), so deleting a unit in use is refused.
    sameOrgReference([t.orgId, t.unitId], [units.orgId, units.id]),
    unique('monitoring_locations_place_uq').on(t.orgId, t.building, t.room),
    tenantIsolation('monitoring_locations'),
  ],
);

/** A networked receiver (chassis) holding several wireless units (channel slots). */
export const chassis = pgTable(
  'wireless_chassis',
  {
    orgId: orgIdColumn(),
    id: idColumn(),
    name: text('name').notNull(),
    manufacturer: text('manufacturer').notNull().default(''),
    model: text('model').notNull().default(''),
    serial: text('serial'),
    ip: text('ip'),
    port: integer('port'),
    firmware: text('firmware').notNull().default(''),
    locationId: uuid('location_id'),
    isOnline: boolean('is_online').notNull().default(false),
    /** Inactive receivers stay in the inventory but are not polled. */
    isActive: boolean('is_active').notNull().default(true),
    /** Consecutive polls without an answer; the poller marks the chassis offline at the org's limit. */
    missedPolls: integer('missed_polls').notNull().default(0),
    lastPolledAt: timestamp('last_polled_at', { withTimezone: true }),
    ...timestamps(),
    /** How the server talks to it: Roster's JSON device API or Shure's command strings. */
    protocol: text('protocol', { enum: PROTOCOLS }).notNull().default('roster-json'),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    sameOrgReference([t.orgId, t.locationId], [locations.orgId, locations.id]),
    unique('wireless_chassis_serial_uq').on(t.orgId, t.serial),
    index('wireless_chassis_location_idx').on(t.orgId, t.locationId),
    tenantIsolation('wireless_chassis'),
  ],
);

export const UNIT_STATUSES = ['online', 'offline', 'idle', 'muted', 'unknown'] as const;

export const wirelessUnits = pgTable(
  'wireless_units',
  {
    orgId: orgIdColumn(),
    id: idColumn(),
    chassisId: uuid('chassis_id').notNull(),
    name: text('name').notNull(),
    model: text('model').notNull().default(''),
    serial: text('serial'),
    slot: integer('slot').notNull(),
    frequency: real('frequency'),
    battery: integer('battery'),
    rfSignal: integer('rf_signal'),
    audioLevel: integer('audio_level'),
    status: text('status', { enum: UNIT_STATUSES }).notNull().default('unknown'),
    batteryBars: integer('battery_bars'),
    batteryRuntimeMinutes: integer('battery_runtime_minutes'),
    rfAntenna: text('rf_antenna'),
    isMuted: boolean('is_muted').notNull().default(false),
    /** What the receiver calls the channel and the transmitter model it reports, where it says. */
    channelName: text('channel_name'),
    txType: text('tx_type'),
    /** Since when RF has been below the org's threshold / audio silent while unmuted (alert durations). */
    rfLowSince: timestamp('rf_low_since', { withTimezone: true }),
    silentSince: timestamp('silent_since', { withTimezone: true }),
    isActive: boolean('is_active').notNull().default(true),
    lastSeen: timestamp('last_seen', { withTimezone: true }),
    ...timestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    sameOrgReference([t.orgId, t.chassisId], [chassis.orgId, chassis.id]).onDelete('cascade'),
    unique('wireless_units_slot_uq').on(t.orgId, t.chassisId, t.slot),
    tenantIsolation('wireless_units'),
  ],
);

export const performers = pgTable(
  'performers',
  {
    orgId: orgIdColumn(),
    id: idColumn(),
    name: text('name').notNull(),
    title: text('title').notNull().default(''),
    roleDescription: text('role_description').notNull().default(''),
    photoKey: text('photo_key'),
    photoType: text('photo_type'),
    email: text('email'),
    phone: text('phone'),
    notes: text('notes').notNull().default(''),
    isActive: boolean('is_active').notNull().default(true),
    ...timestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('performers_name_idx').on(t.orgId, sql`lower(${t.name})`),
    index('performers_active_idx').on(t.orgId, t.isActive),
    tenantIsolation('performers'),
  ],
);

export const monitoringGroups = pgTable(
  'monitoring_groups',
  {
    orgId: orgIdColumn(),
    id: idColumn(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    isActive: boolean('is_active').notNull().default(true),
    ...timestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('monitoring_groups_name_uq').on(t.orgId, t.name),
    tenantIsolation('monitoring_groups'),
  ],
);

export const groupMembers = pgTable(
  'monitoring_group_members',
  {
    orgId: orgIdColumn(),
    groupId: uuid('group_id').notNull(),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.groupId, t.userId] }),
    sameOrgReference([t.orgId, t.groupId], [monitoringGroups.orgId, monitoringGroups.id]).onDelete('cascade'),
    // "Which groups am I in" is the hot path of every technician query.
    index('monitoring_group_members_user_idx').on(t.orgId, t.userId),
    tenantIsolation('monitoring_group_members'),
  ],
);

export const PRIORITIES = ['low', 'normal', 'high', 'critical'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const performerAssignments = pgTable(
  'performer_assignments',
  {
    orgId: orgIdColumn(),
    id: idColumn(),
    performerId: uuid('performer_id').notNull(),
    wirelessUnitId: uuid('wireless_unit_id').notNull(),
    monitoringGroupId: uuid('monitoring_group_id').notNull(),
    priority: text('priority', { enum: PRIORITIES }).notNull().default('normal'),
    notes: text('notes').notNull().default(''),
    alertOnBatteryLow: boolean('alert_on_battery_low').notNull().default(true),
    alertOnSignalLoss: boolean('alert_on_signal_loss').notNull().default(true),
    alertOnAudioLow: boolean('alert_on_audio_low').notNull().default(false),
    alertOnDeviceOffline: boolean('alert_on_device_offline').notNull().default(true),
    ...assignmentColumns(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    // One assignment per performer-unit pair.
    unique('performer_assignments_pair_uq').on(t.orgId, t.performerId, t.wirelessUnitId),
    sameOrgReference([t.orgId, t.performerId], [performers.orgId, performers.id]).onDelete('cascade'),
    sameOrgReference([t.orgId, t.wirelessUnitId], [wirelessUnits.orgId, wirelessUnits.id]).onDelete(
      'cascade',
    ),
    sameOrgReference([t.orgId, t.monitoringGroupId], [monitoringGroups.orgId, monitoringGroups.id]).onDelete(
      'cascade',
    ),
    index('performer_assignments_performer_idx').on(t.orgId, t.performerId, t.isActive),
    index('performer_assignments_unit_idx').on(t.orgId, t.wirelessUnitId, t.isActive),
    index('performer_assignments_group_idx').on(t.orgId, t.monitoringGroupId, t.isActive),
    index('performer_assignments_priority_idx').on(t.orgId, t.priority, t.isActive),
    tenantIsolation('performer_assignments'),
  ],
);

/** LEGACY: a user directly on a channel. Read-only; `migrateLegacyAssignments` maps it over. */
export const deviceAssignments = pgTable(
  'device_assignments',
  {
    orgId: orgIdColumn(),
    id: idColumn(),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    wirelessUnitId: uuid('wireless_unit_id').notNull(),
    alertEnabled: boolean('alert_enabled').notNull().default(true),
    notes: text('notes').notNull().default(''),
    isActive: boolean('is_active').notNull().default(true),
    assignedAt: timestamp('assigned_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    sameOrgReference([t.orgId, t.wirelessUnitId], [wirelessUnits.orgId, wirelessUnits.id]).onDelete(
      'cascade',
    ),
    unique('device_assignments_pair_uq').on(t.orgId, t.userId, t.wirelessUnitId),
    tenantIsolation('device_assignments'),
  ],
);

/**
 * Alert thresholds and poller cadence of one org (one row per org; absent means the defaults in
 * settings.ts). Keyed by org_id alone because there is exactly one per tenant.
 */
export const monitoringSettings = pgTable(
  'monitoring_settings',
  {
    orgId: orgIdColumn().primaryKey(),
    pollIntervalMs: integer('poll_interval_ms').notNull(),
    batteryWarningPercent: integer('battery_warning_percent').notNull(),
    batteryCriticalPercent: integer('battery_critical_percent').notNull(),
    rfLossBelowPercent: integer('rf_loss_below_percent').notNull(),
    rfLossSeconds: integer('rf_loss_seconds').notNull(),
    silenceBelowPercent: integer('silence_below_percent').notNull(),
    silenceSeconds: integer('silence_seconds').notNull(),
    offlineAfterMissedPolls: integer('offline_after_missed_polls').notNull(),
    historyEverySeconds: integer('history_every_seconds').notNull(),
    historyRetentionHours: integer('history_retention_hours').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  () => [tenantIsolation('monitoring_settings')],
);

/**
 * Sampled telemetry history: at most one row per unit per `history_every_seconds`, pruned after
 * the retention.
 */
export const telemetrySamples = pgTable(
  'unit_telemetry_samples',
  {
    orgId: orgIdColumn(),
    id: idColumn(),
    unitId: uuid('unit_id').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    battery: integer('battery'),
    rfSignal: integer('rf_signal'),
    audioLevel: integer('audio_level'),
    status: text('status', { enum: UNIT_STATUSES }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    sameOrgReference([t.orgId, t.unitId], [wirelessUnits.orgId, wirelessUnits.id]).onDelete('cascade'),
    index('unit_telemetry_samples_unit_at_idx').on(t.orgId, t.unitId, t.at),
    index('unit_telemetry_samples_at_idx').on(t.orgId, t.at),
    tenantIsolation('unit_telemetry_samples'),
  ],
);

export const ALERT_KINDS = ['battery_low', 'signal_loss', 'audio_low', 'device_offline'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export const ALERT_STATES = ['open', 'acknowledged', 'resolved'] as const;
export const ALERT_SEVERITIES = ['warning', 'critical'] as const;

export const alerts = pgTable(
  'monitoring_alerts',
  {
    orgId: orgIdColumn(),
    id: idColumn(),
    unitId: uuid('unit_id').notNull(),
    performerId: uuid('performer_id').notNull(),
    /** No FK: the history of an alert outlives the assignment it was raised for. */
    assignmentId: uuid('assignment_id').notNull(),
    kind: text('kind', { enum: ALERT_KINDS }).notNull(),
    severity: text('severity', { enum: ALERT_SEVERITIES }).notNull(),
    priority: text('priority', { enum: PRIORITIES }).notNull(),
    state: text('state', { enum: ALERT_STATES }).notNull().default('open'),
    message: text('message').notNull(),
    /** The reading that raised it (battery %, RF %, audio %), null for offline. */
    value: integer('value'),
    raisedAt: timestamp('raised_at', { withTimezone: true }).notNull(),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgedBy: bigint('acknowledged_by', { mode: 'number' }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    sameOrgReference([t.orgId, t.unitId], [wirelessUnits.orgId, wirelessUnits.id]).onDelete('cascade'),
    sameOrgReference([t.orgId, t.performerId], [performers.orgId, performers.id]).onDelete('cascade'),
    // One unresolved alert per (unit, kind): the poller updates it instead of piling up duplicates.
    uniqueIndex('monitoring_alerts_one_unresolved_uq')
      .on(t.orgId, t.unitId, t.kind)
      .where(sql`state <> 'resolved'`),
    index('monitoring_alerts_state_idx').on(t.orgId, t.state, t.id),
    index('monitoring_alerts_unit_idx').on(t.orgId, t.unitId, t.id),
    tenantIsolation('monitoring_alerts'),
  ],
);

/**
 * A read-only link for a screen at side of stage: shows the wall of one monitoring group or one
 * location, without a login. Only the hash of its token is kept; revoking keeps the row (who made
 * it, when it was last used) but the token stops working at once.
 */
export const displayLinks = pgTable(
  'monitoring_display_links',
  {
    orgId: orgIdColumn(),
    id: idColumn(),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull(),
    monitoringGroupId: uuid('monitoring_group_id'),
    locationId: uuid('location_id'),
    /** Readings older than this are shown greyed as stale. */
    staleAfterSeconds: integer('stale_after_seconds').notNull().default(10),
    createdBy: bigint('created_by', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    uniqueIndex('monitoring_display_links_token_uq').on(t.tokenHash),
    sameOrgReference([t.orgId, t.monitoringGroupId], [monitoringGroups.orgId, monitoringGroups.id]).onDelete(
      'cascade',
    ),
    sameOrgReference([t.orgId, t.locationId], [locations.orgId, locations.id]).onDelete('cascade'),
    // Exactly one scope: a group or a location.
    check('monitoring_display_links_one_scope', sql`(monitoring_group_id is null) <> (location_id is null)`),
    tenantIsolation('monitoring_display_links'),
  ],
);

/**
 * The arranged order of a group's wall: one row per position, an assignment or (null) a blank
 * spacer. Assignments not placed here follow the arranged ones.
 */
export const boardSlots = pgTable(
  'monitoring_board_slots',
  {
    orgId: orgIdColumn(),
    groupId: uuid('group_id').notNull(),
    position: integer('position').notNull(),
    assignmentId: uuid('assignment_id'),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.groupId, t.position] }),
    sameOrgReference([t.orgId, t.groupId], [monitoringGroups.orgId, monitoringGroups.id]).onDelete('cascade'),
    sameOrgReference(
      [t.orgId, t.assignmentId],
      [performerAssignments.orgId, performerAssignments.id],
    ).onDelete('cascade'),
    tenantIsolation('monitoring_board_slots'),
  ],
);
