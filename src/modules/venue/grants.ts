import { sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { registerDerivedGrant, type DerivedGrant } from '../../core/access/derived.ts';
import { roomSlotsInForce } from '../events/policy.ts';
import { holdsAnyUnit, unitAssignmentsCovering } from '../org/scope.ts';
import { eventUnits, roomScreens, roomStages } from './schema.ts';

// Aliases of their own, so a grant can sit inside any query, even one over the same tables.
const stage = alias(roomStages, 'venue_grant_stage');
const screen = alias(roomScreens, 'venue_grant_screen');
const eventUnit = alias(eventUnits, 'venue_grant_event_unit');

/**
 * The room manager slots in force at `at` in the room of a link row (`from`: the link table and
 * its alias, `linked`: which row): the assignments a room slot grant stands on.
 */
function roomManagerSlots(from: SQL, link: typeof stage | typeof screen, linked: SQL, at: SQL): SQL {
  return sql`select held.user_id, 'events.room_assignment'::text as source,
      held.slot_id::text as source_id, held.starts_at, held.ends_at as until
    from ${from}
    join (${roomSlotsInForce('gestionnaire_des_salles', at)}) as held
      on held.org_id = ${link.orgId} and held.room_id = ${link.roomId}
    where ${linked}`;
}

/** The `column` of the link rows (of `from`) whose room `userId` holds as room manager at `at`. */
function linkedToHeldRooms(
  from: SQL,
  link: typeof stage | typeof screen,
  column: SQL,
  userId: SQL,
  at: SQL,
): SQL {
  return sql`select ${column} from ${from}
    join (${roomSlotsInForce('gestionnaire_des_salles', at)}) as held
      on held.org_id = ${link.orgId} and held.room_id = ${link.roomId}
    where held.user_id = ${userId}`;
}

/** "The user holds a room manager slot at `at` in some active room that has a link row of `from`." */
function holdsRoomSlot(from: SQL, link: typeof stage | typeof screen, userId: SQL, at: SQL): SQL {
  return sql`exists (select 1 from (${roomManagerSlots(from, link, sql`true`, at)}) as linked_slot
    where linked_slot.user_id = ${userId})`;
}

/**
 * The room manager (gestionnaire des salles) holding a room, during their slot, sees the stage
 * linked to that room — its performers, wireless units, telemetry and critical alerts — read-only,
 * without being a member of any monitoring group. The slot is the room assignment itself, so the
 * grant starts and ends with it (end exclusive: at 16:00 a 14:00–16:00 slot grants nothing).
 */
export const roomSlotStageGrant: DerivedGrant = {
  name: 'venue.room_slot_stage',
  target: 'monitoring.location',
  summary: "room manager's slot in the room this location is the stage of (read-only)",
  sources: (locationId: SQL, at: SQL) =>
    roomManagerSlots(sql`${roomStages} ${stage}`, stage, sql`${stage.locationId} = ${locationId}`, at),
  heldAnywhere: (userId: SQL, at: SQL) => holdsRoomSlot(sql`${roomStages} ${stage}`, stage, userId, at),
  reached: (userId: SQL, at: SQL) =>
    linkedToHeldRooms(sql`${roomStages} ${stage}`, stage, sql`${stage.locationId}`, userId, at),
};

/**
 * The room manager holding a room, during their slot, sees the room's screens (door and in-room):
 * their state and last screenshot on the room page. Sight only: managing screens stays an admin's.
 */
export const roomSlotScreenGrant: DerivedGrant = {
  name: 'venue.room_slot_screen',
  target: 'signage.screen',
  summary: "room manager's slot in the room this screen serves (read-only)",
  sources: (deviceId: SQL, at: SQL) =>
    roomManagerSlots(sql`${roomScreens} ${screen}`, screen, sql`${screen.deviceId} = ${deviceId}`, at),
  heldAnywhere: (userId: SQL, at: SQL) => holdsRoomSlot(sql`${roomScreens} ${screen}`, screen, userId, at),
  reached: (userId: SQL, at: SQL) =>
    linkedToHeldRooms(sql`${roomScreens} ${screen}`, screen, sql`${screen.deviceId}`, userId, at),
};

/**
 * An event tied to an org unit is seen by the people assigned to that unit (and, when the event
 * names a department, to that department or to the whole unit), as unit-owned data is elsewhere.
 */
export const eventUnitGrant: DerivedGrant = {
  name: 'venue.event_unit',
  target: 'events.event',
  summary: 'assignment to the org unit (and department) the event belongs to',
  sources: (eventId: SQL, at: SQL) => sql`select member.user_id,
      'org.user_unit'::text as source, member.assignment_id::text as source_id,
      member.starts_at, member.ends_at as until
    from ${eventUnits} ${eventUnit}
    cross join lateral (${unitAssignmentsCovering(eventUnit.unitId, eventUnit.departmentId, at)}) as member
    where ${eventUnit.eventId} = ${eventId}`,
  heldAnywhere: (userId: SQL, at: SQL) => holdsAnyUnit(userId, at),
  reached: (userId: SQL, at: SQL) => sql`select ${eventUnit.eventId} from ${eventUnits} ${eventUnit}
    where exists (select 1 from (${unitAssignmentsCovering(eventUnit.unitId, eventUnit.departmentId, at)}) as member
      where member.user_id = ${userId})`,
};

/** Contributes the venue's grants to the access registry (idempotent: grants are keyed by name). */
export function registerVenueGrants(): void {
  registerDerivedGrant(roomSlotStageGrant);
  registerDerivedGrant(roomSlotScreenGrant);
  registerDerivedGrant(eventUnitGrant);
}
