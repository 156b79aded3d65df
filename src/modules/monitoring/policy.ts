import { sql, type SQL } from 'drizzle-orm';
import { canWrite, isOrgAdmin, type Actor } from '../../core/access/actor.ts';
import { allOf, anyOf, definePolicy, type Condition } from '../../core/access/policy.ts';
import { unitScope } from '../org/scope.ts';
import {
  alerts,
  chassis,
  locations,
  monitoringGroups,
  performerAssignments,
  performers,
  wirelessUnits,
} from './schema.ts';

/**
 * Monitoring access follows group membership: a technician reaches what the active
 * assignments of their active monitoring groups reach — those performers, those wireless units,
 * their chassis. Org owners/admins reach everything. Every list filter and every single-row check
 * below is built from `reaches`, so "what I can list" and "what I can open" never disagree.
 */
export function myGroupIds(actor: Actor): SQL {
  return sql`select m.group_id from monitoring_group_members m
    join monitoring_groups g on g.org_id = m.org_id and g.id = m.group_id
    where m.user_id = ${actor.userId} and g.is_active`;
}

/** Some active assignment of an active performer, in one of the actor's groups, matching `link`. */
function reaches(actor: Actor, link: SQL): Condition {
  if (isOrgAdmin(actor)) return true;
  if (actor.userId === null) return false;
  return sql`exists (select 1 from performer_assignments a
    join performers p on p.org_id = a.org_id and p.id = a.performer_id
    where a.is_active and p.is_active and a.monitoring_group_id in (${myGroupIds(actor)}) and ${link})`;
}

const adminOnly = (actor: Actor): Condition => isOrgAdmin(actor);

/** The location of a wireless unit (through its chassis). */
const locationOfUnit = (unitId: SQL) =>
  sql`(select dc.location_id from wireless_chassis dc join wireless_units du
    on du.org_id = dc.org_id and du.chassis_id = dc.id where du.id = ${unitId})`;

/**
 * Sight other modules' assignments derive onto a location (the room slot of the room whose stage it
 * is) reaches the location and what stands there, read-only: actions keep needing `reaches`.
 */
const onLocation = (objectId: () => SQL, ownersOf: (locationIds: SQL) => SQL, only?: () => SQL) => ({
  target: 'monitoring.location',
  objectId,
  ownersOf,
  only,
});

/** The wireless units standing at one of `locationIds` (an array; through their chassis), as `du`. */
const unitsAt = (locationIds: SQL) => sql`wireless_units du join wireless_chassis dc
  on dc.org_id = du.org_id and dc.id = du.chassis_id and dc.location_id = any(${locationIds})`;

const GROUP_SOURCE = 'membership of a monitoring group with an active assignment on it';

export const groupPolicy = definePolicy({
  entity: 'Monitoring group',
  table: monitoringGroups,
  see: (actor) => {
    if (isOrgAdmin(actor)) return true;
    if (actor.userId === null) return false;
    return sql`${monitoringGroups.id} in (${myGroupIds(actor)})`;
  },
  // Members of a group manage the assignments inside it; the group itself is an admin matter.
  actions: { manage: adminOnly, assign: (actor) => canWrite(actor) },
});

export const performerPolicy = definePolicy({
  entity: 'Performer',
  table: performers,
  see: (actor) => reaches(actor, sql`a.performer_id = ${performers.id}`),
  // The stages where one of the performer's active assignments stands.
  derived: onLocation(
    () => sql`any (select dpc.location_id from performer_assignments dpa
      join wireless_units dpu on dpu.org_id = dpa.org_id and dpu.id = dpa.wireless_unit_id
      join wireless_chassis dpc on dpc.org_id = dpu.org_id and dpc.id = dpu.chassis_id
      where dpa.performer_id = ${performers.id} and dpa.is_active)`,
    (locationIds) => sql`select dpa.performer_id from performer_assignments dpa
      join performers dp on dp.org_id = dpa.org_id and dp.id = dpa.performer_id and dp.is_active
      join ${unitsAt(locationIds)} on du.org_id = dpa.org_id and du.id = dpa.wireless_unit_id
      where dpa.is_active`,
    () => sql`${performers.isActive}`,
  ),
  describe: {
    kind: 'monitoring.performer',
    source: GROUP_SOURCE,
    label: () => sql`${performers.name}`,
    id: () => sql`${performers.id}::text`,
    timeAware: false,
  },
  actions: {
    manage: adminOnly,
    assign: (actor) => allOf(canWrite(actor), reaches(actor, sql`a.performer_id = ${performers.id}`)),
  },
});

export const unitPolicy = definePolicy({
  entity: 'Wireless unit',
  table: wirelessUnits,
  see: (actor) => reaches(actor, sql`a.wireless_unit_id = ${wirelessUnits.id}`),
  derived: onLocation(
    () => locationOfUnit(sql`${wirelessUnits.id}`),
    (locationIds) => sql`select du.id from ${unitsAt(locationIds)}`,
  ),
  describe: {
    kind: 'monitoring.unit',
    source: GROUP_SOURCE,
    label: () => sql`${wirelessUnits.name}`,
    id: () => sql`${wirelessUnits.id}::text`,
    timeAware: false,
  },
  actions: {
    manage: adminOnly,
    assign: (actor) => allOf(canWrite(actor), reaches(actor, sql`a.wireless_unit_id = ${wirelessUnits.id}`)),
  },
});

export const chassisPolicy = definePolicy({
  entity: 'Chassis',
  table: chassis,
  see: (actor) =>
    reaches(
      actor,
      sql`a.wireless_unit_id in (select u.id from wireless_units u where u.chassis_id = ${chassis.id})`,
    ),
  derived: onLocation(
    () => sql`${chassis.locationId}`,
    (locationIds) => sql`select dc.id from wireless_chassis dc where dc.location_id = any(${locationIds})`,
  ),
  actions: { manage: adminOnly },
});

export const assignmentPolicy = definePolicy({
  entity: 'Assignment',
  table: performerAssignments,
  see: (actor) => {
    if (isOrgAdmin(actor)) return true;
    if (actor.userId === null) return false;
    return sql`${performerAssignments.monitoringGroupId} in (${myGroupIds(actor)})`;
  },
  actions: { manage: (actor) => canWrite(actor) },
});

/**
 * Locations are sites, not anyone's devices: every member sees an untied location; one tied to an
 * org unit is seen by those the org module's unit scope admits (unit-based filtering).
 */
export const locationPolicy = definePolicy({
  entity: 'Location',
  table: locations,
  see: (actor, at) =>
    anyOf(sql`${locations.unitId} is null`, unitScope(actor, { unitId: locations.unitId }, at)),
  derived: onLocation(
    () => sql`${locations.id}`,
    (locationIds) => sql`select dl.id from ${locations} dl where dl.id = any(${locationIds})`,
  ),
  describe: {
    kind: 'monitoring.location',
    source: 'any membership when tied to no org unit; otherwise an assignment to its org unit',
    label: () => sql`concat_ws(' / ', ${locations.building}, nullif(${locations.room}, ''))`,
    id: () => sql`${locations.id}::text`,
    timeAware: true,
  },
  actions: { manage: adminOnly },
});

/**
 * An alert is seen by whoever reaches its unit (the same reach as `unitPolicy`); writers among them
 * may acknowledge it. A derived grant shows only the critical ones, and acknowledges nothing.
 */
export const alertPolicy = definePolicy({
  entity: 'Alert',
  table: alerts,
  see: (actor) => reaches(actor, sql`a.wireless_unit_id = ${alerts.unitId}`),
  derived: onLocation(
    () => locationOfUnit(sql`${alerts.unitId}`),
    (locationIds) => sql`select da.id from ${alerts} da join ${unitsAt(locationIds)}
      on du.org_id = da.org_id and du.id = da.unit_id where da.severity = 'critical'`,
    () => sql`${alerts.severity} = 'critical'`,
  ),
  actions: {
    acknowledge: (actor) =>
      allOf(canWrite(actor), reaches(actor, sql`a.wireless_unit_id = ${alerts.unitId}`)),
  },
});
