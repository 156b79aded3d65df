import { sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { assignmentInForce } from '../../core/access/assignment.ts';
import { registerDerivedGrant, type DerivedGrant } from '../../core/access/derived.ts';
import { roomAssignments, rooms } from '../events/schema.ts';
import { coversDepartment } from '../org/scope.ts';
import { userUnitDepartments, userUnits } from '../org/schema.ts';
import { eventUnits, roomScreens, roomStages } from './schema.ts';

// Aliases of their own, so a grant can sit inside any query, even one over the same tables.
const slot = alias(roomAssignments, 'venue_grant_slot');
const slotRoom = alias(rooms, 'venue_grant_room');
const stage = alias(roomStages, 'venue_grant_stage');
const screen = alias(roomScreens, 'venue_grant_screen');
const eventUnit = alias(eventUnits, 'venue_grant_event_unit');
const unitAssignment = alias(userUnits, 'venue_grant_uu');
const unitDepartment = alias(userUnitDepartments, 'venue_grant_uud');

/**
 * The room manager slots in force at `at` in the active room of a link row (`from`: the link
 * table and its alias, `linked`: which row): the assignments a room slot grant stands on.
 */
function roomManagerSlots(from: SQL, link: typeof stage | typeof screen, linked: SQL, at: SQL): SQL {
  return sql`select ${slot.userId} as user_id,
      'events.room_assignment'::text as source, ${slot.id}::text as source_id,
      ${slot.startsAt} as starts_at, ${slot.endsAt} as until
    from ${from}
    join ${roomAssignments} ${slot} on ${slot.orgId} = ${link.orgId} and ${slot.roomId} = ${link.roomId}
    join ${rooms} ${slotRoom} on ${slotRoom.orgId} = ${slot.orgId} and ${slotRoom.id} = ${slot.roomId}
    where ${linked} and ${slot.role} = 'gestionnaire_des_salles'
      and ${slotRoom.isActive} and ${assignmentInForce(slot, at)}`;
}

/** "The user holds a room manager slot at `at` in some active room that has a link row of `from`." */
function holdsRoomSlot(from: SQL, link: typeof stage | typeof screen, userId: SQL, at: SQL): SQL {
  return sql`exists (select 1 from (${roomManagerSlots(from, link, sql`true`, at)}) as held
    where held.user_id = ${userId})`;
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
};

/**
 * An event tied to an org unit is seen by the people assigned to that unit (and, when the event
 * names a department, to that department or to the whole unit), as unit-owned data is elsewhere.
 */
export const eventUnitGrant: DerivedGrant = {
  name: 'venue.event_unit',
  target: 'events.event',
  summary: 'assignment to the org unit (and department) the event belongs to',
  sources: (eventId: SQL, at: SQL) => sql`select ${unitAssignment.userId} as user_id,
      'org.user_unit'::text as source, ${unitAssignment.id}::text as source_id,
      ${unitAssignment.startsAt} as starts_at, ${unitAssignment.endsAt} as until
    from ${eventUnits} ${eventUnit}
    join ${userUnits} ${unitAssignment} on ${unitAssignment.orgId} = ${eventUnit.orgId}
      and ${unitAssignment.unitId} = ${eventUnit.unitId}
    where ${eventUnit.eventId} = ${eventId} and ${assignmentInForce(unitAssignment, at)}
      and (${eventUnit.departmentId} is null or ${coversDepartment(
        unitAssignment,
        unitDepartment,
        sql`${unitDepartment.departmentId} = ${eventUnit.departmentId}`,
      )})`,
  heldAnywhere: (userId: SQL, at: SQL) => sql`exists (select 1 from ${userUnits} ${unitAssignment}
    where ${unitAssignment.userId} = ${userId} and ${assignmentInForce(unitAssignment, at)})`,
};

/** Contributes the venue's grants to the access registry (idempotent: grants are keyed by name). */
export function registerVenueGrants(): void {
  registerDerivedGrant(roomSlotStageGrant);
  registerDerivedGrant(roomSlotScreenGrant);
  registerDerivedGrant(eventUnitGrant);
}
