import { sql, type SQL } from 'drizzle-orm';
import { canWrite, isOrgAdmin, type Actor } from '../../core/access/actor.ts';
import { anyOf, definePolicy, type Condition } from '../../core/access/policy.ts';
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
  actions: { manage: adminOnly, assign: (actor) => canWrite(actor) },
});

export const unitPolicy = definePolicy({
  entity: 'Wireless unit',
  table: wirelessUnits,
  see: (actor) => reaches(actor, sql`a.wireless_unit_id = ${wirelessUnits.id}`),
  actions: { manage: adminOnly, assign: (actor) => canWrite(actor) },
});

export const chassisPolicy = definePolicy({
  entity: 'Chassis',
  table: chassis,
  see: (actor) =>
    reaches(
      actor,
      sql`a.wireless_unit_id in (select u.id from wireless_units u where u.chassis_id = ${chassis.id})`,
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
  see: (actor) => anyOf(sql`${locations.unitId} is null`, unitScope(actor, { unitId: locations.unitId })),
  actions: { manage: adminOnly },
});

/**
 * An alert is seen by whoever reaches its unit (the same reach as `unitPolicy`); writers among them
 * may acknowledge it.
 */
export const alertPolicy = definePolicy({
  entity: 'Alert',
  table: alerts,
  see: (actor) => reaches(actor, sql`a.wireless_unit_id = ${alerts.unitId}`),
  actions: { acknowledge: (actor) => canWrite(actor) },
});
