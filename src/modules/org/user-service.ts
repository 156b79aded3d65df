import { and, asc, eq, inArray, sql, type AnyColumn, type SQL, type SQLWrapper } from 'drizzle-orm';
import { alias, type PgSelect } from 'drizzle-orm/pg-core';
import { isOrgAdmin } from '../../core/access/actor.ts';
import { assignmentInForce } from '../../core/access/assignment.ts';
import { audit } from '../../core/audit/service.ts';
import { memberships, users } from '../../core/db/platform-schema.ts';
import { containsPattern, matchesPattern } from '../../core/db/search.ts';
import {
  actorOfShape,
  isAnyOf,
  policyShapeOf,
  statement,
  type Placeholders,
  type PolicyShape,
} from '../../core/db/statements.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { liveEvent, orgAdminsAnd } from '../../core/events/bus.ts';
import { definedOnly } from '../../core/util/objects.ts';
import { keyset, type PageQuery } from '../../core/http/pagination.ts';
import {
  forbidden,
  invalidRequest,
  notFound,
  unprocessable,
  type FieldProblem,
} from '../../core/http/problem.ts';
import { phrase } from '../../core/http/problem-texts.ts';
import {
  assertMayEditIdentity,
  assertUsernameFree,
  createUser,
  getMember,
  setMemberRole,
} from '../identity/service.ts';
import { actorRole, effectiveRole, heldUnitIds, userPolicy } from './policy.ts';
import { coversDepartment } from './scope.ts';
import {
  departments,
  orgUserProfiles,
  sections,
  units,
  userUnitDepartments,
  userUnits,
  type OrgUserRole,
} from './schema.ts';

/** One unit assignment as a client sends it; no departments means all departments of the unit. */
export interface UnitAssignmentInput {
  unitId: number;
  departmentIds: number[];
}

export interface NewOrgUser {
  username: string;
  email?: string | null;
  fullName?: string;
  role?: OrgUserRole;
  /** Legacy single unit / section (kept for existing clients; access never comes from them). */
  unitId?: number | null;
  sectionId?: number | null;
  assignments?: UnitAssignmentInput[];
  title?: string;
  roleDescription?: string;
  displayWidthPx?: number | null;
}

/** Only the given fields change; `assignments` present = replace every one (`[]` removes them all). */
export type OrgUserPatch = Partial<NewOrgUser> & { isActive?: boolean };

export interface UnitRef {
  id: number;
  unitName: string;
  unitCode: string;
}

/** A user of the org module: account, effective role, legacy unit/section and unit assignments. */
export interface OrgUser {
  id: number;
  username: string;
  email: string | null;
  fullName: string;
  role: OrgUserRole;
  isActive: boolean;
  mustChangePassword: boolean;
  /** Legacy single unit / section: shown and editable, but access never comes from them. */
  unit: UnitRef | null;
  section: { id: number; sectionName: string } | null;
  title: string;
  roleDescription: string;
  displayWidthPx: number | null;
  assignments: Array<{
    id: number;
    unit: UnitRef;
    /** Empty: the assignment covers every department of the unit. */
    departments: Array<{ id: number; departmentName: string }>;
  }>;
}

const legacyUnit = alias(units, 'org_legacy_unit');

/** The users with profile, legacy unit and section, by id. */
const peopleOf = statement<{ ids: number[] }, PersonRow[]>((q, p) =>
  q
    .select({
      id: users.id,
      username: users.username,
      email: users.email,
      fullName: users.fullName,
      userActive: users.isActive,
      mustChangePassword: users.mustChangePassword,
      membershipActive: memberships.isActive,
      role: effectiveRole,
      unitId: legacyUnit.id,
      unitName: legacyUnit.unitName,
      unitCode: legacyUnit.unitCode,
      sectionId: sections.id,
      sectionName: sections.sectionName,
      title: orgUserProfiles.title,
      roleDescription: orgUserProfiles.roleDescription,
      displayWidthPx: orgUserProfiles.displayWidthPx,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .leftJoin(orgUserProfiles, eq(orgUserProfiles.userId, memberships.userId))
    .leftJoin(legacyUnit, eq(legacyUnit.id, orgUserProfiles.unitId))
    .leftJoin(sections, eq(sections.id, orgUserProfiles.sectionId))
    .where(isAnyOf(memberships.userId, p.ids)),
);

interface PersonRow {
  id: number;
  username: string;
  email: string | null;
  fullName: string;
  userActive: boolean;
  mustChangePassword: boolean;
  membershipActive: boolean;
  role: OrgUserRole;
  unitId: number | null;
  unitName: string | null;
  unitCode: string | null;
  sectionId: number | null;
  sectionName: string | null;
  title: string | null;
  roleDescription: string | null;
  displayWidthPx: number | null;
}

/** The unit assignments of these users, in the order they were made. */
const assignmentRowsOf = statement<
  { ids: number[] },
  Array<{ id: number; userId: number; unitId: number; unitName: string; unitCode: string }>
>((q, p) =>
  q
    .select({
      id: userUnits.id,
      userId: userUnits.userId,
      unitId: units.id,
      unitName: units.unitName,
      unitCode: units.unitCode,
    })
    .from(userUnits)
    .innerJoin(units, eq(units.id, userUnits.unitId))
    .where(isAnyOf(userUnits.userId, p.ids))
    .orderBy(asc(userUnits.id)),
);

/** The departments listed on these assignments, by department id. */
const departmentRowsOf = statement<
  { ids: number[] },
  Array<{ userUnitId: number; id: number; departmentName: string }>
>((q, p) =>
  q
    .select({
      userUnitId: userUnitDepartments.userUnitId,
      id: departments.id,
      departmentName: departments.departmentName,
    })
    .from(userUnitDepartments)
    .innerJoin(departments, eq(departments.id, userUnitDepartments.departmentId))
    .where(isAnyOf(userUnitDepartments.userUnitId, p.ids))
    .orderBy(asc(departments.id)),
);

/**
 * Users with profile and assignments, in the order of `ids`; three statements whatever their
 * number, each built once (`statement`), the first two sent together. They select flat columns, only those shown, and the rows
 * are grouped in one pass: on a page of
 * fifty users, nested selections and per-user scans of the assignments were a visible share of
 * the request.
 */
export async function loadOrgUsers(t: TenantTx, ids: number[]): Promise<OrgUser[]> {
  if (ids.length === 0) return [];
  const [people, assignments] = await Promise.all([
    peopleOf(t.tx, { ids }, undefined),
    assignmentsOf(t, ids),
  ]);
  const byId = new Map(people.map((p) => [p.id, p]));
  return ids.flatMap((id) => {
    const p = byId.get(id);
    if (!p) return [];
    return [
      {
        id: p.id,
        username: p.username,
        email: p.email,
        fullName: p.fullName,
        role: p.role,
        isActive: p.membershipActive && p.userActive,
        mustChangePassword: p.mustChangePassword,
        unit: p.unitId === null ? null : { id: p.unitId, unitName: p.unitName!, unitCode: p.unitCode! },
        section: p.sectionId === null ? null : { id: p.sectionId, sectionName: p.sectionName! },
        title: p.title ?? '',
        roleDescription: p.roleDescription ?? '',
        displayWidthPx: p.displayWidthPx,
        assignments: assignments.get(id) ?? [],
      },
    ];
  });
}

/**
 * The unit assignments of these users with their departments, by user, in the order they were
 * sent (departments by id). Two queries: the departments are fetched by assignment id, an index
 * lookup each, where a join from the assignments made Postgres scan every listed department.
 */
async function assignmentsOf(t: TenantTx, ids: number[]): Promise<Map<number, OrgUser['assignments']>> {
  const rows = await assignmentRowsOf(t.tx, { ids }, undefined);
  const byUser = new Map<number, OrgUser['assignments']>();
  if (rows.length === 0) return byUser;
  const byAssignment = new Map<number, OrgUser['assignments'][number]>();
  for (const r of rows) {
    const assignment = {
      id: r.id,
      unit: { id: r.unitId, unitName: r.unitName, unitCode: r.unitCode },
      departments: [],
    };
    byAssignment.set(r.id, assignment);
    const ofUser = byUser.get(r.userId);
    if (ofUser) ofUser.push(assignment);
    else byUser.set(r.userId, [assignment]);
  }
  const listed = await departmentRowsOf(t.tx, { ids: [...byAssignment.keys()] }, undefined);
  for (const d of listed)
    byAssignment.get(d.userUnitId)?.departments.push({ id: d.id, departmentName: d.departmentName });
  return byUser;
}

/**
 * Emails are for the org's admins (and the person themself): a Unit or Section Head sees who works
 * in their units, not how to reach them outside the platform.
 */
function directoryView(t: TenantTx, u: OrgUser): OrgUser {
  return isOrgAdmin(t.actor) || u.id === t.actor.userId ? u : { ...u, email: null };
}

export async function getOrgUser(t: TenantTx, id: number): Promise<OrgUser> {
  await userPolicy.authorize(t.tx, t.actor, 'see', eq(users.id, id));
  const [view] = await loadOrgUsers(t, [id]);
  if (!view) throw notFound('User');
  return directoryView(t, view);
}

export interface UserListFilter {
  unitId?: number;
  departmentId?: number;
  role?: OrgUserRole;
  q?: string;
  page: PageQuery;
}

export async function listOrgUsers(t: TenantTx, f: UserListFilter) {
  const page = keyset({ columns: [users.id], key: (r: { id: number }) => [r.id], page: f.page });
  const shape: UserListShape = {
    actor: policyShapeOf(t.actor),
    unit: f.unitId !== undefined,
    department: f.departmentId !== undefined,
    role: f.role !== undefined,
    search: f.q !== undefined,
  };
  const values: UserListValues = {
    unitId: f.unitId,
    departmentId: f.departmentId,
    role: f.role,
    pattern: f.q === undefined ? undefined : containsPattern(f.q),
    after: page.cursor?.[0] as number | undefined,
    limit: page.limit,
  };
  // Independent reads, sent together: one round trip.
  const [rows, [{ count }]] = await Promise.all([
    (page.cursor ? usersAfter : firstUsers)(t.tx, values, shape),
    countOfUsers(t.tx, values, shape),
  ]);
  const result = page.finish(rows);
  const people = await loadOrgUsers(
    t,
    result.items.map((r) => r.id),
  );
  return {
    items: people.map((u) => directoryView(t, u)),
    next_cursor: result.next_cursor,
    count,
  };
}

/** What the text of a user list depends on: who asks, and which filters are present. */
interface UserListShape {
  actor: PolicyShape;
  unit: boolean;
  department: boolean;
  role: boolean;
  search: boolean;
}

type UserListValues = {
  unitId?: number;
  departmentId?: number;
  role?: OrgUserRole;
  pattern?: string;
  after?: number;
  limit: number;
};

// The org's people are its memberships (row-level security keeps them to this org), and every
// membership's user is visible to the org. So `users` is joined only when a condition reads its
// columns — a search, or the scope of someone who is not an admin: each `users` row read is
// checked against a membership by that table's own rule, which across a thousand members costs
// more than the rest of the list.
const readsUsers = (s: UserListShape) => s.search || !isOrgAdmin(actorOfShape(s.actor));
const personOf = (s: UserListShape) => (readsUsers(s) ? users.id : memberships.userId);

function joined<Q extends PgSelect>(s: UserListShape, q: Q) {
  return (readsUsers(s) ? q.innerJoin(users, eq(users.id, memberships.userId)) : q).leftJoin(
    orgUserProfiles,
    eq(orgUserProfiles.userId, memberships.userId),
  );
}

function userListWhere(p: Placeholders<UserListValues>, s: UserListShape): SQL | undefined {
  const person = personOf(s);
  return and(
    userPolicy.visible(actorOfShape(s.actor)),
    s.unit ? assignedToUnit(person, p.unitId) : undefined,
    s.department ? assignedToDepartment(person, p.departmentId) : undefined,
    s.role ? sql`${effectiveRole} = ${p.role}` : undefined,
    s.search ? matchesPattern(p.pattern, users.username, users.fullName, users.email) : undefined,
  );
}

/** A page of the list's ids, from the start or after a cursor (by id). */
const pageOfUsers = (after: boolean) =>
  statement<UserListValues, Array<{ id: number }>, UserListShape>((q, p, s) => {
    const person = personOf(s);
    return joined(s, q.select({ id: person }).from(memberships).$dynamic())
      .where(and(userListWhere(p, s), after ? sql`${person} > ${p.after}` : undefined))
      .orderBy(asc(person))
      .limit(p.limit);
  });
const firstUsers = pageOfUsers(false);
const usersAfter = pageOfUsers(true);

const countOfUsers = statement<UserListValues, Array<{ count: number }>, UserListShape>((q, p, s) =>
  joined(
    s,
    q
      .select({ count: sql<number>`count(*)::int` })
      .from(memberships)
      .$dynamic(),
  ).where(userListWhere(p, s)),
);

const filterAssignment = alias(userUnits, 'org_filter_uu');
const filterDepartment = alias(userUnitDepartments, 'org_filter_uud');

function assignedToUnit(person: AnyColumn, unitId: SQLWrapper): SQL {
  const a = filterAssignment;
  return sql`exists (select 1 from ${userUnits} ${a}
    where ${a.userId} = ${person} and ${a.unitId} = ${unitId} and ${assignmentInForce(a)})`;
}

/** Who may work in the department: listed on an assignment, or assigned to all of its unit. */
function assignedToDepartment(person: AnyColumn, departmentId: SQLWrapper): SQL {
  const a = filterAssignment;
  const d = filterDepartment;
  const listed = coversDepartment(a, d, sql`${d.departmentId} = ${departmentId}`);
  return sql`exists (select 1 from ${userUnits} ${a}
    join ${departments} on ${departments.id} = ${departmentId} and ${departments.unitId} = ${a.unitId}
    where ${a.userId} = ${person} and ${assignmentInForce(a)} and ${listed})`;
}

// ---------------------------------------------------------------- validation of references

interface ResolvedAssignment {
  unitId: number;
  unitName: string;
  departmentIds: number[];
  departmentNames: string[];
}

const ASSIGNMENTS_PATH = 'body.unit_assignments_data';

/**
 * Checks every unit and department of the payload before anything is written, and reports all
 * offending paths at once: unknown or inactive units, departments of another unit (or of another
 * org, which RLS makes look unknown), and the same unit or department twice.
 */
async function resolveAssignments(t: TenantTx, list: UnitAssignmentInput[]): Promise<ResolvedAssignment[]> {
  const errors: FieldProblem[] = [];
  const unitIds = [...new Set(list.map((a) => a.unitId))];
  const deptIds = [...new Set(list.flatMap((a) => a.departmentIds))];
  const foundUnits = unitIds.length
    ? await t.tx
        .select()
        .from(units)
        .where(and(inArray(units.id, unitIds), eq(units.isActive, true)))
    : [];
  const foundDepts = deptIds.length
    ? await t.tx
        .select()
        .from(departments)
        .where(and(inArray(departments.id, deptIds), eq(departments.isActive, true)))
    : [];
  const unitMap = new Map(foundUnits.map((u) => [u.id, u]));
  const deptMap = new Map(foundDepts.map((d) => [d.id, d]));
  const seenUnits = new Map<number, number>();
  const resolved = list.map((a, i) => {
    const unit = unitMap.get(a.unitId);
    const first = seenUnits.get(a.unitId);
    if (first !== undefined)
      errors.push({
        path: `${ASSIGNMENTS_PATH}.${i}.unit_id`,
        message: phrase('unit.assignedTwice', { path: `${ASSIGNMENTS_PATH}.${first}` }),
      });
    else seenUnits.set(a.unitId, i);
    if (!unit) errors.push({ path: `${ASSIGNMENTS_PATH}.${i}.unit_id`, message: 'no such unit' });
    const seenDepts = new Set<number>();
    const names = a.departmentIds.map((id, j) => {
      const dept = deptMap.get(id);
      const path = `${ASSIGNMENTS_PATH}.${i}.department_ids.${j}`;
      if (seenDepts.has(id)) errors.push({ path, message: 'listed twice' });
      seenDepts.add(id);
      if (unit && (!dept || dept.unitId !== unit.id))
        errors.push({ path, message: phrase('unit.notDepartmentOf', { unit: unit.unitName }) });
      return dept?.departmentName ?? '';
    });
    return {
      unitId: a.unitId,
      unitName: unit?.unitName ?? '',
      departmentIds: a.departmentIds,
      departmentNames: names,
    };
  });
  if (errors.length) throw invalidRequest(errors);
  return resolved;
}

async function checkLegacyRefs(t: TenantTx, input: { unitId?: number | null; sectionId?: number | null }) {
  const errors: FieldProblem[] = [];
  if (input.unitId != null) {
    const [unit] = await t.tx
      .select({ id: units.id })
      .from(units)
      .where(and(eq(units.id, input.unitId), eq(units.isActive, true)));
    if (!unit) errors.push({ path: 'body.unit', message: 'no such unit' });
  }
  if (input.sectionId != null) {
    const [section] = await t.tx
      .select({ id: sections.id })
      .from(sections)
      .where(and(eq(sections.id, input.sectionId), eq(sections.isActive, true)));
    if (!section) errors.push({ path: 'body.section', message: 'no such section' });
  }
  if (errors.length) throw invalidRequest(errors);
}

// ---------------------------------------------------------------- role rules

/** A Unit Head hands out only units they hold, and never Admin. */
async function checkGrantsOfActor(
  t: TenantTx,
  role: OrgUserRole,
  change: {
    role?: OrgUserRole;
    unitId?: number | null;
    changedUnits: Array<{ unitId: number; unitName: string; path: string }>;
  },
) {
  if (role === 'Admin') return;
  if (change.role === 'Admin') throw forbidden('Only Admins may give the Admin role');
  const held = await heldUnitIds(t);
  for (const c of change.changedUnits) {
    if (!held.has(c.unitId)) throw forbidden(phrase('user.unitNotHeld', { unit: c.unitName, path: c.path }));
  }
  if (change.unitId != null && !held.has(change.unitId))
    throw forbidden('You may only set a unit you are assigned to (body.unit)');
}

// ---------------------------------------------------------------- writes

function summary(list: Array<{ unitName: string; departmentNames: string[] }>): string {
  return list
    .map(
      (a) =>
        `${a.unitName} (Departments: ${a.departmentNames.length ? a.departmentNames.join(', ') : 'All'})`,
    )
    .join('; ');
}

const assignmentSummary = (u: OrgUser) =>
  summary(
    u.assignments.map((a) => ({
      unitName: a.unit.unitName,
      departmentNames: a.departments.map((d) => d.departmentName),
    })),
  );

/** The structured side of the audit row: what changed, field by field, in the API's field names. */
function snapshot(u: OrgUser) {
  return {
    username: u.username,
    email: u.email,
    full_name: u.fullName,
    role: u.role,
    is_active: u.isActive,
    unit: u.unit?.id ?? null,
    section: u.section?.id ?? null,
    title: u.title,
    role_description: u.roleDescription,
    display_width_px: u.displayWidthPx,
    unit_assignments: u.assignments.map((a) => ({
      unit_id: a.unit.id,
      department_ids: a.departments.map((d) => d.id),
    })),
  };
}

function announceUser(t: TenantTx, type: string, id: number) {
  t.publish(liveEvent(t.orgId, type, { id }, orgAdminsAnd([id])));
}

/**
 * Replaces every assignment of the user by `wanted`, keeping the rows (and their history) of
 * units that stay. A kept row keeps its activation and time window too: the payload names units
 * and departments only, so sending back what GET returned changes nothing — in particular it never
 * puts an ended or deactivated assignment back in force (that would grant access nobody granted).
 */
async function replaceAssignments(t: TenantTx, userId: number, wanted: ResolvedAssignment[]) {
  const existing = await t.tx.select().from(userUnits).where(eq(userUnits.userId, userId));
  const wantedUnits = new Set(wanted.map((w) => w.unitId));
  const gone = existing.filter((e) => !wantedUnits.has(e.unitId)).map((e) => e.id);
  if (gone.length) await t.tx.delete(userUnits).where(inArray(userUnits.id, gone));
  const now = new Date();
  for (const w of wanted) {
    const kept = existing.find((e) => e.unitId === w.unitId);
    let id: number;
    if (kept) {
      id = kept.id;
      await t.tx.delete(userUnitDepartments).where(eq(userUnitDepartments.userUnitId, id));
      await t.tx
        .update(userUnits)
        .set({ assignedBy: t.actor.userId, updatedAt: now })
        .where(eq(userUnits.id, id));
    } else {
      [{ id }] = await t.tx
        .insert(userUnits)
        .values({ orgId: t.orgId, userId, unitId: w.unitId, assignedBy: t.actor.userId })
        .returning({ id: userUnits.id });
    }
    if (w.departmentIds.length) {
      await t.tx.insert(userUnitDepartments).values(
        w.departmentIds.map((departmentId) => ({
          orgId: t.orgId,
          userUnitId: id,
          unitId: w.unitId,
          departmentId,
        })),
      );
    }
  }
}

export async function createOrgUser(
  t: TenantTx,
  input: NewOrgUser,
): Promise<{ user: OrgUser; temporaryPassword: string }> {
  const role = input.role ?? 'User';
  const mine = await actorRole(t);
  if (mine !== 'Admin' && mine !== 'Unit Head')
    throw forbidden('Only Admins and Unit Heads may create users');
  await checkLegacyRefs(t, input);
  const assignments = input.assignments ? await resolveAssignments(t, input.assignments) : [];
  await checkGrantsOfActor(t, mine, {
    role,
    unitId: input.unitId,
    changedUnits: assignments.map((a, i) => ({
      unitId: a.unitId,
      unitName: a.unitName,
      path: `${ASSIGNMENTS_PATH}.${i}.unit_id`,
    })),
  });
  // Otherwise the new user would vanish from the creating Unit Head's own scope at once.
  if (mine === 'Unit Head' && assignments.length === 0)
    throw unprocessable('A Unit Head must assign the new user to at least one of their units', [
      { path: ASSIGNMENTS_PATH, message: 'at least one unit' },
    ]);

  const created = await createUser(t, {
    username: input.username,
    email: input.email,
    fullName: input.fullName,
    orgRole: role === 'Admin' ? 'admin' : 'member',
  });
  const id = created.user.id;
  await t.tx.insert(orgUserProfiles).values({
    orgId: t.orgId,
    userId: id,
    role,
    unitId: input.unitId ?? null,
    sectionId: input.sectionId ?? null,
    ...profileFields(input),
  });
  await replaceAssignments(t, id, assignments);
  const [user] = await loadOrgUsers(t, [id]);
  const assigned = input.assignments?.length ? `, Unit Assignments: [${assignmentSummary(user)}]` : '';
  await audit(t, {
    action: 'create',
    entityType: 'user',
    entityId: id,
    message:
      `User created: ${user.username} (${user.fullName}) with role ${user.role}, ` +
      `Unit: ${user.unit?.unitName ?? 'None'}, Section: ${user.section?.sectionName ?? 'None'}${assigned}. ` +
      'Temporary password assigned.',
    after: snapshot(user),
  });
  announceUser(t, 'org.user.created', id);
  return { user, temporaryPassword: created.temporaryPassword! };
}

/** The presentation fields of a profile that an input gives. */
function profileFields(input: Pick<NewOrgUser, 'title' | 'roleDescription' | 'displayWidthPx'>) {
  return definedOnly({
    title: input.title,
    roleDescription: input.roleDescription,
    displayWidthPx: input.displayWidthPx,
  });
}

/**
 * Writes the given profile fields, creating the profile (with the user's current role) for a user
 * who has none yet; nothing when no field is given.
 */
async function saveProfile(
  t: TenantTx,
  userId: number,
  role: OrgUserRole,
  set: Partial<typeof orgUserProfiles.$inferInsert>,
) {
  if (!Object.keys(set).length) return;
  await t.tx
    .insert(orgUserProfiles)
    .values({ orgId: t.orgId, userId, role, ...set })
    .onConflictDoUpdate({
      target: [orgUserProfiles.orgId, orgUserProfiles.userId],
      set: { ...set, updatedAt: new Date() },
    });
}

/**
 * Everyone keeps their own title, role description and screen width, whatever their role: these
 * describe the person, they grant nothing.
 */
export async function updateOwnProfile(
  t: TenantTx,
  patch: Pick<NewOrgUser, 'title' | 'roleDescription' | 'displayWidthPx'>,
): Promise<OrgUser> {
  const id = t.actor.userId;
  if (id === null) throw forbidden('Only a person has a profile');
  const [before] = await loadOrgUsers(t, [id]);
  if (!before) throw notFound('User');
  const set = profileFields(patch);
  await saveProfile(t, id, before.role, set);
  const [after] = await loadOrgUsers(t, [id]);
  await audit(t, {
    action: 'update',
    entityType: 'user',
    entityId: id,
    message: `User ${after.username} updated their profile`,
    before: snapshot(before),
    after: snapshot(after),
  });
  return after;
}

/** Partial update (PUT too sends only what changes); one transaction, so a refusal changes nothing. */
export async function updateOrgUser(t: TenantTx, id: number, patch: OrgUserPatch): Promise<OrgUser> {
  await userPolicy.authorize(t.tx, t.actor, 'manage', eq(users.id, id));
  const mine = await actorRole(t);
  const [before] = await loadOrgUsers(t, [id]);
  const member = await getMember(t, id);
  await checkLegacyRefs(t, patch);
  const assignments = patch.assignments ? await resolveAssignments(t, patch.assignments) : undefined;

  const changedUnits: Array<{ unitId: number; unitName: string; path: string }> = [];
  if (assignments) {
    const old = new Map(before.assignments.map((a) => [a.unit.id, a]));
    assignments.forEach((a, i) => {
      const prior = old.get(a.unitId);
      const same =
        prior &&
        prior.departments
          .map((d) => d.id)
          .sort()
          .join() === [...a.departmentIds].sort().join();
      if (!same)
        changedUnits.push({
          unitId: a.unitId,
          unitName: a.unitName,
          path: `${ASSIGNMENTS_PATH}.${i}.unit_id`,
        });
    });
    for (const prior of before.assignments) {
      if (!assignments.some((a) => a.unitId === prior.unit.id))
        changedUnits.push({ unitId: prior.unit.id, unitName: prior.unit.unitName, path: ASSIGNMENTS_PATH });
    }
  }
  await checkGrantsOfActor(t, mine, { role: patch.role, unitId: patch.unitId, changedUnits });
  if (patch.role !== undefined && patch.role !== 'Admin' && member.role === 'owner') {
    throw unprocessable(phrase('user.ownerIsAdmin', { username: before.username }), [
      { path: 'body.role', message: 'owners are Admin' },
    ]);
  }

  // Sending back what GET showed changes nothing: someone who sees no email (see directoryView)
  // sends null for it.
  const seesEmail = isOrgAdmin(t.actor) || t.actor.userId === id;
  const email =
    patch.email === undefined || (patch.email === null && !seesEmail)
      ? before.email
      : patch.email?.trim().toLowerCase() || null;
  const username = patch.username?.trim() ?? before.username;
  const fullName = patch.fullName ?? before.fullName;
  if (username !== before.username || email !== before.email || fullName !== before.fullName) {
    await assertMayEditIdentity(t, id);
    await assertUsernameFree(t.tx, username, email, id);
    await t.tx
      .update(users)
      .set({ username, email, fullName, updatedAt: new Date() })
      .where(eq(users.id, id));
  }
  const set = definedOnly({
    role: patch.role,
    unitId: patch.unitId,
    sectionId: patch.sectionId,
    ...profileFields(patch),
  });
  await saveProfile(t, id, before.role, set);
  const wantsAdmin = patch.role === undefined ? undefined : patch.role === 'Admin';
  const isAdmin = member.role === 'owner' || member.role === 'admin';
  const membershipRole =
    wantsAdmin === true && !isAdmin
      ? 'admin'
      : wantsAdmin === false && member.role === 'admin'
        ? 'member'
        : undefined;
  if (
    membershipRole !== undefined ||
    (patch.isActive !== undefined && patch.isActive !== member.membershipActive)
  ) {
    await setMemberRole(t, id, { role: membershipRole, isActive: patch.isActive });
  }
  if (assignments) await replaceAssignments(t, id, assignments);

  const [after] = await loadOrgUsers(t, [id]);
  const changes: string[] = [];
  const change = (label: string, a: string | null | undefined, b: string | null | undefined) => {
    if (a !== b) changes.push(`${label}: ${a ?? 'None'} → ${b ?? 'None'}`);
  };
  change('Username', before.username, after.username);
  change('Email', before.email, after.email);
  change('Full name', before.fullName, after.fullName);
  change('Role', before.role, after.role);
  change('Unit', before.unit?.unitName, after.unit?.unitName);
  change('Section', before.section?.sectionName, after.section?.sectionName);
  change('Status', before.isActive ? 'active' : 'inactive', after.isActive ? 'active' : 'inactive');
  if (assignments) changes.push(`Unit Assignments: [${assignmentSummary(after) || 'None'}]`);
  await audit(t, {
    action: 'update',
    entityType: 'user',
    entityId: id,
    message: `User updated: ${after.username} (${after.fullName}) - ${changes.join(', ') || 'No changes'}`,
    before: snapshot(before),
    after: snapshot(after),
  });
  announceUser(t, 'org.user.updated', id);
  return directoryView(t, after);
}
