import { sql } from 'drizzle-orm';
import { bigint, boolean, foreignKey, index, integer, pgTable, primaryKey, real, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { idColumn, tenantIsolation, timestamps } from '../../core/db/columns.ts';
import { assignmentColumns } from '../../core/access/assignment.ts';
import { organizations, users } from '../../core/db/platform-schema.ts';

const orgId = () => uuid('org_id').notNull().references(() => organizations.id, { onDelete: 'cascade' });

/**
 * A site where receivers stand. `unit_id` is the org module's unit (integer id); no FK because the
 * org module migrates separately — unit-scoped users see a location through the org module's scope.
 */
export const locations = pgTable(
  'monitoring_locations',
  {
    orgId: orgId(),
    id: idColumn(),
    building: text('building').notNull(),
    room: text('room').notNull().default(''),
    unitId: integer('unit_id'),
    description: text('description').notNull().default(''),
    ...timestamps(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), unique('monitoring_locations_place_uq').on(t.orgId, t.building, t.room), tenantIsolation('monitoring_locations')],
);

/** A networked receiver (chassis) holding several wireless units (channel slots). */
export const chassis = pgTable(
  'wireless_chassis',
  {
    orgId: orgId(),
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
    ...timestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ columns: [t.orgId, t.locationId], foreignColumns: [locations.orgId, locations.id] }),
    unique('wireless_chassis_serial_uq').on(t.orgId, t.serial),
    index('wireless_chassis_location_idx').on(t.orgId, t.locationId),
    tenantIsolation('wireless_chassis'),
  ],
);

export const UNIT_STATUSES = ['online', 'offline', 'idle', 'muted', 'unknown'] as const;

export const wirelessUnits = pgTable(
  'wireless_units',
  {
    orgId: orgId(),
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
    isActive: boolean('is_active').notNull().default(true),
    lastSeen: timestamp('last_seen', { withTimezone: true }),
    ...timestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ columns: [t.orgId, t.chassisId], foreignColumns: [chassis.orgId, chassis.id] }).onDelete('cascade'),
    unique('wireless_units_slot_uq').on(t.orgId, t.chassisId, t.slot),
    tenantIsolation('wireless_units'),
  ],
);

export const performers = pgTable(
  'performers',
  {
    orgId: orgId(),
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
    orgId: orgId(),
    id: idColumn(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    isActive: boolean('is_active').notNull().default(true),
    ...timestamps(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), unique('monitoring_groups_name_uq').on(t.orgId, t.name), tenantIsolation('monitoring_groups')],
);

export const groupMembers = pgTable(
  'monitoring_group_members',
  {
    orgId: orgId(),
    groupId: uuid('group_id').notNull(),
    userId: bigint('user_id', { mode: 'number' }).notNull().references(() => users.id, { onDelete: 'cascade' }),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.groupId, t.userId] }),
    foreignKey({ columns: [t.orgId, t.groupId], foreignColumns: [monitoringGroups.orgId, monitoringGroups.id] }).onDelete('cascade'),
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
    orgId: orgId(),
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
    // One assignment per performer-unit pair (seed 000).
    unique('performer_assignments_pair_uq').on(t.orgId, t.performerId, t.wirelessUnitId),
    foreignKey({ columns: [t.orgId, t.performerId], foreignColumns: [performers.orgId, performers.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.orgId, t.wirelessUnitId], foreignColumns: [wirelessUnits.orgId, wirelessUnits.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.orgId, t.monitoringGroupId], foreignColumns: [monitoringGroups.orgId, monitoringGroups.id] }).onDelete('cascade'),
    index('performer_assignments_performer_idx').on(t.orgId, t.performerId, t.isActive),
    index('performer_assignments_unit_idx').on(t.orgId, t.wirelessUnitId, t.isActive),
    index('performer_assignments_group_idx').on(t.orgId, t.monitoringGroupId, t.isActive),
    index('performer_assignments_priority_idx').on(t.orgId, t.priority, t.isActive),
    tenantIsolation('performer_assignments'),
  ],
);

/** LEGACY (seed 000): a user directly on a channel. Read-only; `migrateLegacyAssignments` maps it over. */
export const deviceAssignments = pgTable(
  'device_assignments',
  {
    orgId: orgId(),
    id: idColumn(),
    userId: bigint('user_id', { mode: 'number' }).notNull().references(() => users.id, { onDelete: 'cascade' }),
    wirelessUnitId: uuid('wireless_unit_id').notNull(),
    alertEnabled: boolean('alert_enabled').notNull().default(true),
    notes: text('notes').notNull().default(''),
    isActive: boolean('is_active').notNull().default(true),
    assignedAt: timestamp('assigned_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ columns: [t.orgId, t.wirelessUnitId], foreignColumns: [wirelessUnits.orgId, wirelessUnits.id] }).onDelete('cascade'),
    unique('device_assignments_pair_uq').on(t.orgId, t.userId, t.wirelessUnitId),
    tenantIsolation('device_assignments'),
  ],
);
