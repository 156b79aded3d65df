import { sql, type AnyColumn } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { isOrgAdmin, type Actor } from '../../core/access/actor.ts';
import { assignmentInForce } from '../../core/access/assignment.ts';
import type { Condition } from '../../core/access/policy.ts';
import { userUnitDepartments, userUnits } from './schema.ts';

// Aliases of their own so the condition can sit inside any query, even one over user_units.
const scopeAssignment = alias(userUnits, 'unit_scope_uu');
const scopeDepartment = alias(userUnitDepartments, 'unit_scope_uud');

/**
 * "Rows of the units (and departments) the actor is assigned to" — seed 002's unit-based data
 * filtering, for any module whose rows belong to a unit. Use it in a policy's `see` rule:
 *
 *   see: (actor) => unitScope(actor, { unitId: locations.unitId, departmentId: locations.departmentId })
 *
 * Org admins and owners see every unit. Otherwise a row counts when an assignment in force links
 * the actor to the row's unit and either the row has no department (unit-wide data), the
 * assignment lists no departments (all departments, seed 002), or the row's department is listed.
 * Actors without a user (API keys, devices) hold no assignment, so they see nothing unit-owned.
 */
export function unitScope(actor: Actor, cols: { unitId: AnyColumn; departmentId?: AnyColumn }): Condition {
  if (isOrgAdmin(actor)) return true;
  if (actor.userId === null) return false;
  const a = scopeAssignment;
  const d = scopeDepartment;
  const department = cols.departmentId
    ? sql` and (${cols.departmentId} is null
        or not exists (select 1 from ${userUnitDepartments} ${d} where ${d.orgId} = ${a.orgId} and ${d.userUnitId} = ${a.id})
        or exists (select 1 from ${userUnitDepartments} ${d} where ${d.orgId} = ${a.orgId} and ${d.userUnitId} = ${a.id} and ${d.departmentId} = ${cols.departmentId}))`
    : sql``;
  return sql`exists (select 1 from ${userUnits} ${a} where ${a.userId} = ${actor.userId} and ${a.unitId} = ${cols.unitId} and ${assignmentInForce(a)}${department})`;
}
