import { sql } from 'drizzle-orm';
import { bigint, check, index, pgTable, primaryKey, text, unique, uuid } from 'drizzle-orm/pg-core';
import { idColumn, sameOrgReference, tenantIsolation, timestamps } from '../../core/db/columns.ts';
import { orgIdColumn } from '../../core/db/platform-schema.ts';
import { rooms, events } from '../events/schema.ts';
import { locations } from '../monitoring/schema.ts';
import { departments, units } from '../org/schema.ts';
import { signageDevices } from '../signage/schema.ts';

/**
 * Where a screen of a room hangs: at its door or inside it (it shows the room's panel), or in the
 * lobby of the room's event (it shows the event's timetable and announcements).
 */
export const SCREEN_PLACEMENTS = ['door', 'in_room', 'lobby'] as const;
export type ScreenPlacement = (typeof SCREEN_PLACEMENTS)[number];

/**
 * An event room's stage: the monitoring location whose receivers serve that room. A room has one
 * stage and a location is the stage of one room at most, so "the stage of the room I hold" is
 * never ambiguous. Removing either side removes the link.
 */
export const roomStages = pgTable(
  'venue_room_stages',
  {
    orgId: orgIdColumn(),
    id: idColumn(),
    roomId: uuid('room_id').notNull(),
    locationId: uuid('location_id').notNull(),
    linkedBy: bigint('linked_by', { mode: 'number' }),
    ...timestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    sameOrgReference([t.orgId, t.roomId], [rooms.orgId, rooms.id]).onDelete('cascade'),
    sameOrgReference([t.orgId, t.locationId], [locations.orgId, locations.id]).onDelete('cascade'),
    unique('venue_room_stages_room_uq').on(t.orgId, t.roomId),
    unique('venue_room_stages_location_uq').on(t.orgId, t.locationId),
    tenantIsolation('venue_room_stages'),
  ],
);

/** A signage screen of an event room (its door screen or an in-room one); a screen serves one room. */
export const roomScreens = pgTable(
  'venue_room_screens',
  {
    orgId: orgIdColumn(),
    id: idColumn(),
    roomId: uuid('room_id').notNull(),
    deviceId: uuid('device_id').notNull(),
    placement: text('placement', { enum: SCREEN_PLACEMENTS }).notNull(),
    linkedBy: bigint('linked_by', { mode: 'number' }),
    ...timestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    sameOrgReference([t.orgId, t.roomId], [rooms.orgId, rooms.id]).onDelete('cascade'),
    sameOrgReference([t.orgId, t.deviceId], [signageDevices.orgId, signageDevices.id]).onDelete('cascade'),
    unique('venue_room_screens_device_uq').on(t.orgId, t.deviceId),
    index('venue_room_screens_room_idx').on(t.orgId, t.roomId),
    check('venue_room_screens_placement_known', sql`${t.placement} in ('door', 'in_room', 'lobby')`),
    tenantIsolation('venue_room_screens'),
  ],
);

/**
 * The org unit (and optionally one of its departments) an event belongs to: people assigned to
 * that unit see the event. Monitoring locations and signage screens carry their unit themselves.
 */
export const eventUnits = pgTable(
  'venue_event_units',
  {
    orgId: orgIdColumn(),
    id: idColumn(),
    eventId: uuid('event_id').notNull(),
    unitId: bigint('unit_id', { mode: 'number' }).notNull(),
    departmentId: bigint('department_id', { mode: 'number' }),
    linkedBy: bigint('linked_by', { mode: 'number' }),
    ...timestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    sameOrgReference([t.orgId, t.eventId], [events.orgId, events.id]).onDelete('cascade'),
    // No ON DELETE: units and departments are deactivated, not deleted, while something uses them.
    sameOrgReference([t.orgId, t.unitId], [units.orgId, units.id]),
    sameOrgReference([t.orgId, t.departmentId], [departments.orgId, departments.id]),
    unique('venue_event_units_event_uq').on(t.orgId, t.eventId),
    index('venue_event_units_unit_idx').on(t.orgId, t.unitId),
    tenantIsolation('venue_event_units'),
  ],
);

export type RoomStage = typeof roomStages.$inferSelect;
export type RoomScreen = typeof roomScreens.$inferSelect;
export type EventUnit = typeof eventUnits.$inferSelect;
