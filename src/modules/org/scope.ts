import { sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { alias, type PgTable } from 'drizzle-orm/pg-core';
import { isOrgAdmin, type Actor } from '../../core/access/actor.ts';
import { assignmentInForce, type AssignmentWindowColumns } from '../../core/access/assignment.ts';
import type { Condition } from '../../core/access/policy.ts';
import { userUnitDepartments, userUnits } from './schema.ts';

// Aliases of their own so the condition can sit inside any query, even one over user_units.
const scopeAssignment = alias(userUnits, 'unit_scope_uu');
const scopeDepartment = alias(userUnitDepartments, 'unit_scope_uud');

/** An alias of user_unit_departments: each query nesting the rule below needs a name of its own. */
type DepartmentRows = PgTable & { orgId: AnyColumn; userUnitId: AnyColumn };

/**
 * "Assignment `a` covers a department that `match` accepts": an assignment listing no departments
 * covers every department of its unit; otherwise one of its listed departments (rows of `d`,
 * which `match` may refer to) must be accepted.
 */
export function coversDepartment(a: { orgId: AnyColumn; id: AnyColumn }, d: DepartmentRows, match: SQL): SQL {
  const ofAssignment = sql`${d.orgId} = ${a.orgId} and ${d.userUnitId} = ${a.id}`;
  return sql`(not exists (select 1 from ${userUnitDepartments} ${d} where ${ofAssignment})
    or exists (select 1 from ${userUnitDepartments} ${d} where ${ofAssignment} and ${match}))`;
}

/**
 * "Assignment `a` covers a row of `unitId` (and `departmentId`) at `at`": in force, of that unit,
 * and the row has no department (unit-wide data), or `a` lists none (all departments), or lists it.
 */
function coversRow(
  a: { orgId: AnyColumn; id: AnyColumn; unitId: AnyColumn } & AssignmentWindowColumns,
  d: DepartmentRows & { departmentId: AnyColumn },
  cols: { unitId: AnyColumn | SQL; departmentId?: AnyColumn | SQL },
  at?: SQL,
): SQL {
  const unit = sql`${a.unitId} = ${cols.unitId} and ${assignmentInForce(a, at)}`;
  if (!cols.departmentId) return unit;
  const listed = coversDepartment(a, d, sql`${d.departmentId} = ${cols.departmentId}`);
  return sql`${unit} and (${cols.departmentId} is null or ${listed})`;
}

/**
 * "Rows of the units (and departments) the actor is assigned to" — unit-based data filtering, for
 * any module whose rows belong to a unit. Use it in a policy's `see` rule:
 *
 *   see: (actor) => unitScope(actor, { unitId: locations.unitId, departmentId: locations.departmentId })
 *
 * Org admins and owners see every unit. Otherwise a row counts when an assignment in force links
 * the actor to the row's unit and either the row has no department (unit-wide data), the
 * assignment lists no departments (all departments), or the row's department is listed.
 * Actors without a user (API keys, devices) hold no assignment, so they see nothing unit-owned.
 * `at` asks about another instant than now (explain's "who could see this at 15:00 yesterday?").
 */
export function unitScope(
  actor: Actor,
  cols: { unitId: AnyColumn; departmentId?: AnyColumn },
  at?: SQL,
): Condition {
  if (isOrgAdmin(actor)) return true;
  if (actor.userId === null) return false;
  const a = scopeAssignment;
  return sql`exists (select 1 from ${userUnits} ${a}
    where ${a.userId} = ${actor.userId} and ${coversRow(a, scopeDepartment, cols, at)})`;
}

const memberAssignment = alias(userUnits, 'unit_member_uu');
const memberDepartment = alias(userUnitDepartments, 'unit_member_uud');

/**
 * The same rule read the other way, for another module's grants: the unit assignments in force at
 * `at` that cover a row of `unitId` and `departmentId` (which may refer to an outer query: join it
 * laterally), as rows `(user_id, assignment_id, starts_at, ends_at)`.
 */
export function unitAssignmentsCovering(
  unitId: AnyColumn | SQL,
  departmentId: AnyColumn | SQL,
  at: SQL,
): SQL {
  const a = memberAssignment;
  return sql`select ${a.userId} as user_id, ${a.id} as assignment_id,
      ${a.startsAt} as starts_at, ${a.endsAt} as ends_at
    from ${userUnits} ${a}
    where ${coversRow(a, memberDepartment, { unitId, departmentId }, at)}`;
}

/** "The user holds some unit assignment in force at `at`." */
export function holdsAnyUnit(userId: SQL, at: SQL): SQL {
  const a = memberAssignment;
  return sql`exists (select 1 from ${userUnits} ${a}
    where ${a.userId} = ${userId} and ${assignmentInForce(a, at)})`;
}
