import { sql, type SQL } from 'drizzle-orm';
import { canWrite, isOrgAdmin, type Actor } from '../../core/access/actor.ts';
import { derivedReach } from '../../core/access/derived.ts';
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

/**
 * Sight other modules' assignments derive onto a location (the room slot of the room whose stage it
 * is): the location and what stands there, read-only — actions still need the actor's own reach.
 */
const derivedOnLocation = (actor: Actor, locationId: SQL): Condition =>
  derivedReach('monitoring.location', actor, locationId);

/** The location of a wireless unit (through its chassis). */
const locationOfUnit = (unitId: SQL) =>
  sql`(select dc.location_id from wireless_chassis dc join wireless_units du
    on du.org_id = dc.org_id and du.chassis_id = dc.id where du.id = ${unitId})`;

/** Some active assignment of the performer is on a unit that a derived grant reaches. */
const derivedOnPerformer = (actor: Actor): Condition =>
  allOf(
    sql`${performers.isActive}`,
    derivedOnLocation(
      actor,
      sql`any (select dpc.location_id from performer_assignments dpa
        join wireless_units dpu on dpu.org_id = dpa.org_id and dpu.id = dpa.wireless_unit_id
        join wireless_chassis dpc on dpc.org_id = dpu.org_id and dpc.id = dpu.chassis_id
        where dpa.performer_id = ${performers.id} and dpa.is_active)`,
    ),
  );

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
  see: (actor) => anyOf(reaches(actor, sql`a.performer_id = ${performers.id}`), derivedOnPerformer(actor)),
  actions: {
    manage: adminOnly,
    assign: (actor) => allOf(canWrite(actor), reaches(actor, sql`a.performer_id = ${performers.id}`)),
  },
});

export const unitPolicy = definePolicy({
  entity: 'Wireless unit',
  table: wirelessUnits,
  see: (actor) =>
    anyOf(
      reaches(actor, sql`a.wireless_unit_id = ${wirelessUnits.id}`),
      derivedOnLocation(actor, locationOfUnit(sql`${wirelessUnits.id}`)),
    ),
  actions: {
    manage: adminOnly,
    assign: (actor) => allOf(canWrite(actor), reaches(actor, sql`a.wireless_unit_id = ${wirelessUnits.id}`)),
  },
});

export const chassisPolicy = definePolicy({
  entity: 'Chassis',
  table: chassis,
  see: (actor) =>
    anyOf(
      reaches(
        actor,
        sql`a.wireless_unit_id in (select u.id from wireless_units u where u.chassis_id = ${chassis.id})`,
      ),
      derivedOnLocation(actor, sql`${chassis.locationId}`),
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
  see: (actor) =>
    anyOf(
      sql`${locations.unitId} is null`,
      unitScope(actor, { unitId: locations.unitId }),
      derivedOnLocation(actor, sql`${locations.id}`),
    ),
  actions: { manage: adminOnly },
});

/**
 * An alert is seen by whoever reaches its unit (the same reach as `unitPolicy`); writers among them
 * may acknowledge it. A derived grant shows only the critical ones, and acknowledges nothing.
 */
export const alertPolicy = definePolicy({
  entity: 'Alert',
  table: alerts,
  see: (actor) =>
    anyOf(
      reaches(actor, sql`a.wireless_unit_id = ${alerts.unitId}`),
      allOf(
        sql`${alerts.severity} = 'critical'`,
        derivedOnLocation(actor, locationOfUnit(sql`${alerts.unitId}`)),
      ),
    ),
  actions: {
    acknowledge: (actor) =>
      allOf(canWrite(actor), reaches(actor, sql`a.wireless_unit_id = ${alerts.unitId}`)),
  },
});
