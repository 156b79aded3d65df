import { eq, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { isOrgAdmin, type Actor } from '../../core/access/actor.ts';
import { assignmentInForce } from '../../core/access/assignment.ts';
import { allOf, anyOf, definePolicy, toSql, type Condition } from '../../core/access/policy.ts';
import { memberships, users } from '../../core/db/platform-schema.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import {
  departments,
  orgUserProfiles,
  sections,
  units,
  userUnitDepartments,
  userUnits,
  type OrgUserRole,
} from './schema.ts';
import { coversDepartment, unitScope } from './scope.ts';

/*
 * Role matrix (also in docs/org.md):
 *  - Admin (org owner/admin membership): everything in the org.
 *  - Unit Head: sees the users of their units; manages those users (never Admins, never raising
 *    anyone to Admin, only with units they hold) and the departments of their units.
 *  - Section Head: sees the users of their units/departments; manages nothing.
 *  - User: sees themselves; manages nothing.
 * Units, departments and sections are reference data: every member may list them.
 */

const actorProfile = alias(orgUserProfiles, 'org_actor_profile');

/** The actor's org-module role is one of `roles` (Admin comes from the membership, not from here). */
function actorRoleIn(actor: Actor, roles: OrgUserRole[]): Condition {
  if (actor.userId === null) return false;
  const p = actorProfile;
  const list = sql.join(
    roles.map((r) => sql`${r}`),
    sql`, `,
  );
  return sql`exists (select 1 from ${orgUserProfiles} ${p}
    where ${p.userId} = ${actor.userId} and ${p.role} in (${list}))`;
}

const theirAssignment = alias(userUnits, 'org_their_uu');
const theirDepartment = alias(userUnitDepartments, 'org_their_uud');

/**
 * The user (row of `users`) holds an assignment in force whose unit and departments overlap the
 * actor's assignments — expressed through unitScope, so users are scoped exactly like any other
 * unit-owned data. A target assigned to all departments overlaps anyone holding the unit.
 */
function sharesUnitWith(actor: Actor): Condition {
  const a = theirAssignment;
  const d = theirDepartment;
  const unitWide = unitScope(actor, { unitId: a.unitId });
  if (typeof unitWide === 'boolean') return unitWide;
  const department = toSql(unitScope(actor, { unitId: d.unitId, departmentId: d.departmentId }));
  const covered = coversDepartment(a, d, department);
  return sql`exists (select 1 from ${userUnits} ${a}
    where ${a.userId} = ${users.id} and ${assignmentInForce(a)} and ${unitWide} and ${covered})`;
}

const targetMembership = alias(memberships, 'org_target_membership');
const targetIsAdmin: SQL = sql`exists (select 1 from ${memberships} ${targetMembership}
  where ${targetMembership.userId} = ${users.id} and ${targetMembership.role} in ('owner', 'admin'))`;

export const userPolicy = definePolicy({
  entity: 'User',
  table: users,
  see: (actor) => {
    if (isOrgAdmin(actor)) return true;
    if (actor.userId === null) return false;
    return anyOf(
      eq(users.id, actor.userId),
      allOf(actorRoleIn(actor, ['Unit Head', 'Section Head']), sharesUnitWith(actor)),
    );
  },
  actions: {
    manage: (actor) =>
      isOrgAdmin(actor) ? true : allOf(actorRoleIn(actor, ['Unit Head']), sql`not ${targetIsAdmin}`),
  },
});

export const unitPolicy = definePolicy({
  entity: 'Unit',
  table: units,
  see: () => true,
  actions: {
    manage: (actor) => isOrgAdmin(actor),
    manageDepartments: (actor) =>
      isOrgAdmin(actor)
        ? true
        : allOf(actorRoleIn(actor, ['Unit Head']), unitScope(actor, { unitId: units.id })),
  },
});

export const departmentPolicy = definePolicy({
  entity: 'Department',
  table: departments,
  see: () => true,
  actions: {
    manage: (actor) =>
      isOrgAdmin(actor)
        ? true
        : allOf(actorRoleIn(actor, ['Unit Head']), unitScope(actor, { unitId: departments.unitId })),
  },
});

export const sectionPolicy = definePolicy({
  entity: 'Section',
  table: sections,
  see: () => true,
  actions: { manage: (actor) => isOrgAdmin(actor) },
});

/**
 * The actor's effective org-module role. An owner/admin membership is Admin whatever the profile
 * says; a profile saying Admin without that membership (demoted through the identity API) is User.
 */
export async function actorRole(t: TenantTx): Promise<OrgUserRole> {
  if (isOrgAdmin(t.actor)) return 'Admin';
  if (t.actor.userId === null) return 'User';
  const [profile] = await t.tx
    .select({ role: orgUserProfiles.role })
    .from(orgUserProfiles)
    .where(eq(orgUserProfiles.userId, t.actor.userId));
  return !profile || profile.role === 'Admin' ? 'User' : profile.role;
}

/** SQL form of the same rule, over a query joining memberships and org_user_profiles. */
export const effectiveRole: SQL<OrgUserRole> = sql`(case
  when ${memberships.role} in ('owner', 'admin') then 'Admin'
  when ${orgUserProfiles.role} is null or ${orgUserProfiles.role} = 'Admin' then 'User'
  else ${orgUserProfiles.role} end)`;

/** Units in which the actor holds an assignment in force (what a Unit Head may hand out). */
export async function heldUnitIds(t: TenantTx): Promise<Set<number>> {
  if (t.actor.userId === null) return new Set();
  const rows = await t.tx
    .select({ unitId: userUnits.unitId })
    .from(userUnits)
    .where(sql`${userUnits.userId} = ${t.actor.userId} and ${assignmentInForce(userUnits)}`);
  return new Set(rows.map((r) => r.unitId));
}
