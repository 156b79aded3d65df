import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import fc from 'fast-check';
import { and, eq, sql } from 'drizzle-orm';
import { describeEachBackend, type Client } from '../support/env.ts';
import { changedTables, databaseChecksum, orgChecksum } from '../support/routes.ts';
import { queryRows } from '../../src/core/db/client.ts';
import { memberships } from '../../src/core/db/platform-schema.ts';
import type { TenantTx } from '../../src/core/db/tenant.ts';
import type { Organization } from '../../src/modules/identity/service.ts';
import {
  orgUserProfiles,
  userUnitDepartments,
  userUnits,
  type OrgUserRole,
} from '../../src/modules/org/schema.ts';
import { createDepartment, createUnit } from '../../src/modules/org/service.ts';

/**
 * Generated actors for the org module (issue 8, "Isolation and authorization suite"). fast-check
 * draws, for the users of org A, a role (Admin / Unit Head / Section Head / User, plus a profile
 * saying Admin without the admin membership), a read-only `viewer` membership, and unit
 * assignments over 3 units × 2–3 departments (a department subset, empty = all departments) that
 * are in force, deactivated, ended or not yet started. The state is written straight into the
 * database, every actor calls the user, unit and department routes with ids of both orgs, and each
 * answer is compared with a model written here from docs/org.md (role matrix, "overlap", unitScope),
 * not from the code under test:
 *
 * - effective role: an owner/admin membership is Admin; a profile saying Admin without it is User;
 * - "their units" = assignments in force (active, started, not ended);
 * - overlap(x, y): both hold an assignment in force to one unit and either covers all departments
 *   or they share a department;
 * - sees(u, v): u is Admin, or v is u, or u is Unit Head / Section Head and overlaps v;
 * - PUT /users/{v}: viewer → 403 (read-only whatever the role); not seen → 404; Admin → 200;
 *   not Unit Head → 403; target Admin, role Admin asked, or an assignment of a unit u does not
 *   hold added/changed/removed → 403; else 200;
 * - units and departments: everyone lists all; `assigned=true` = unitScope; changing a unit is
 *   Admin-only, a department Admin or Unit Head holding its unit;
 * - org B: every id is 404 (a viewer's write is 403 first: read-only is checked before the id).
 * Reads and refused writes must leave the whole database unchanged; allowed writes are undone by
 * rewriting the drawn state.
 */
const USERS = 5;
const OWNER = USERS; // index of org A's owner among the targets
const DEPARTMENTS_PER_UNIT = [2, 3, 2];
const UNITS = DEPARTMENTS_PER_UNIT.length;
const NUM_RUNS = Number(process.env.ISOLATION_RUNS ?? 5);

const ROLES = ['Admin', 'Unit Head', 'Section Head', 'User', 'Admin profile only'] as const;
type DrawnRole = (typeof ROLES)[number];
type Effective = 'Admin' | 'Unit Head' | 'Section Head' | 'User';
const WINDOWS = ['in force', 'in force', 'in force', 'inactive', 'ended', 'not started'] as const;
type Window = (typeof WINDOWS)[number];
interface Assignment {
  departments: number[];
  window: Window;
}
interface Draw {
  roles: DrawnRole[];
  viewer: boolean[];
  /** [user][unit]: null = not assigned; departments are indexes into the unit's departments. */
  assignments: (Assignment | null)[][];
  /** [actor][target]: the unit whose assignment a PUT adds or removes. */
  toggle: number[][];
}
interface Plant {
  units: number[];
  departments: number[][];
}

async function buildPlant(
  inOrg: <T>(fn: (t: TenantTx) => Promise<T>) => Promise<T>,
  tag: string,
): Promise<Plant> {
  return inOrg(async (t) => {
    const units: number[] = [];
    const departments: number[][] = [];
    for (const [u, n] of DEPARTMENTS_PER_UNIT.entries()) {
      const unit = await createUnit(t, { unitName: `Plant ${tag}${u}`, unitCode: `${tag}${u}` });
      units.push(unit.id);
      const ds: number[] = [];
      for (let d = 0; d < n; d++)
        ds.push((await createDepartment(t, { unitId: unit.id, departmentName: `Dept ${tag}${u}.${d}` })).id);
      departments.push(ds);
    }
    return { units, departments };
  });
}

function model(plant: Plant, d: Draw) {
  const effective = (i: number): Effective =>
    i === OWNER || d.roles[i] === 'Admin'
      ? 'Admin'
      : d.roles[i] === 'Admin profile only'
        ? 'User'
        : d.roles[i];
  const adminMember = (i: number) => i === OWNER || d.roles[i] === 'Admin';
  const viewer = (i: number) => i !== OWNER && d.viewer[i] && d.roles[i] !== 'Admin';
  /** unit index → department ids (empty = all) of the assignments in force. */
  const inForce = (i: number): Map<number, Set<number>> =>
    new Map(
      i === OWNER
        ? []
        : d.assignments[i].flatMap((a, u) =>
            a && a.window === 'in force'
              ? [[u, new Set(a.departments.map((k) => plant.departments[u][k]))] as const]
              : [],
          ),
    );
  const overlap = (x: number, y: number) => {
    const ax = inForce(x);
    const ay = inForce(y);
    return [...ax].some(([u, dx]) => {
      const dy = ay.get(u);
      return dy !== undefined && (dx.size === 0 || dy.size === 0 || [...dx].some((k) => dy.has(k)));
    });
  };
  const sees = (u: number, v: number) =>
    effective(u) === 'Admin' ||
    u === v ||
    ((effective(u) === 'Unit Head' || effective(u) === 'Section Head') && overlap(u, v));
  const put = (u: number, v: number, body: { role?: string; changedUnits?: number[] }) => {
    if (viewer(u)) return 403;
    if (!sees(u, v)) return 404;
    if (effective(u) === 'Admin') return 200;
    if (effective(u) !== 'Unit Head' || adminMember(v) || body.role === 'Admin') return 403;
    return (body.changedUnits ?? []).every((k) => inForce(u).has(k)) ? 200 : 403;
  };
  const unitAssigned = (u: number, unit: number) => effective(u) === 'Admin' || inForce(u).has(unit);
  const departmentAssigned = (u: number, unit: number, dept: number) =>
    effective(u) === 'Admin' ||
    (inForce(u).has(unit) && (inForce(u).get(unit)!.size === 0 || inForce(u).get(unit)!.has(dept)));
  const mayWrite = (u: number) => !viewer(u);
  return { effective, sees, put, inForce, unitAssigned, departmentAssigned, mayWrite, viewer };
}

const windowColumns = (w: Window) => {
  const hour = 3600_000;
  switch (w) {
    case 'in force':
      return { isActive: true, startsAt: null, endsAt: null };
    case 'inactive':
      return { isActive: false, startsAt: null, endsAt: null };
    case 'ended':
      return {
        isActive: true,
        startsAt: new Date(Date.now() - 48 * hour),
        endsAt: new Date(Date.now() - hour),
      };
    case 'not started':
      return { isActive: true, startsAt: new Date(Date.now() + hour), endsAt: null };
  }
};

const same = (a: unknown[], b: unknown[]) =>
  JSON.stringify([...a].map(String).sort()) === JSON.stringify([...b].map(String).sort());

describeEachBackend('isolation and authorization: generated org-module actors against docs/org.md', (env) => {
  let alpha: Organization;
  let beta: Organization;
  let a: Plant;
  let b: Plant;
  /** ids of org A's users; index OWNER is the owner. */
  const ids: number[] = [];
  const clients: Client[] = [];
  const betaUsers: number[] = [];
  let betaOwner: Client;

  before(async () => {
    let alphaOwner: Client;
    ({ org: alpha, admin: alphaOwner } = await env().makeOrg('iso-org-a'));
    ({ org: beta, admin: betaOwner } = await env().makeOrg('iso-org-b'));
    a = await buildPlant((fn) => env().inOrg(alpha, fn), 'A');
    b = await buildPlant((fn) => env().inOrg(beta, fn), 'B');
    for (let u = 0; u < USERS; u++) {
      const made = await env().makeUser(alpha, `iso-org-a-${u}`, 'member');
      ids.push(made.id);
      clients.push(made.client);
    }
    const me = await alphaOwner.get('/api/auth/users/?limit=200');
    ids.push(
      (me.body.items as { id: number; username: string }[]).find((x) => x.username === 'iso-org-a.admin')!.id,
    );
    // Org B: a Unit Head and a User sharing all of B's first unit, so B's ids are real, overlapping users.
    for (const [i, role] of (['Unit Head', 'User'] as const).entries()) {
      const made = await env().makeUser(beta, `iso-org-b-${i}`, 'member');
      betaUsers.push(made.id);
      const res = await betaOwner.put(`/api/auth/users/${made.id}/`, {
        role,
        unit_assignments_data: [{ unit_id: b.units[0], department_ids: [] }],
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }
  });

  /** Writes the drawn roles, memberships and assignments of org A (and nothing of org B). */
  const apply = async (d: Draw) => {
    await env().database.db.transaction(async (tx) => {
      for (let u = 0; u < USERS; u++) {
        const role = d.roles[u] === 'Admin' ? 'admin' : d.viewer[u] ? 'viewer' : 'member';
        await tx
          .update(memberships)
          .set({ role })
          .where(and(eq(memberships.orgId, alpha.id), eq(memberships.userId, ids[u])));
        const profile: OrgUserRole =
          d.roles[u] === 'Admin profile only' ? 'Admin' : (d.roles[u] as OrgUserRole);
        await tx
          .insert(orgUserProfiles)
          .values({ orgId: alpha.id, userId: ids[u], role: profile })
          .onConflictDoUpdate({
            target: [orgUserProfiles.orgId, orgUserProfiles.userId],
            set: { role: profile },
          });
      }
      await tx.delete(userUnits).where(eq(userUnits.orgId, alpha.id));
      for (let u = 0; u < USERS; u++) {
        for (const [k, as] of d.assignments[u].entries()) {
          if (!as) continue;
          const [row] = await tx
            .insert(userUnits)
            .values({ orgId: alpha.id, userId: ids[u], unitId: a.units[k], ...windowColumns(as.window) })
            .returning({ id: userUnits.id });
          if (as.departments.length) {
            await tx.insert(userUnitDepartments).values(
              as.departments.map((i) => ({
                orgId: alpha.id,
                userUnitId: row.id,
                unitId: a.units[k],
                departmentId: a.departments[k][i],
              })),
            );
          }
        }
      }
    });
  };

  /** What is stored for org A's user `v`: unit index → department ids, split by "in force". */
  const stored = async (v: number) => {
    const rows = await queryRows<{ unit_id: number; in_force: boolean; departments: number[] | null }>(
      env().database.db,
      sql`select uu.unit_id::int as unit_id,
                 (uu.is_active and (uu.starts_at is null or uu.starts_at <= now()) and (uu.ends_at is null or uu.ends_at > now())) as in_force,
                 (select array_agg(d.department_id::int order by d.department_id) from user_unit_departments d where d.org_id = uu.org_id and d.user_unit_id = uu.id) as departments
          from user_units uu where uu.org_id = ${alpha.id} and uu.user_id = ${ids[v]} order by uu.unit_id`,
    );
    return rows.map((r) => ({
      unit: a.units.indexOf(Number(r.unit_id)),
      inForce: r.in_force,
      departments: (r.departments ?? []).map(Number),
    }));
  };

  const departmentSubset = (u: number) => fc.subarray([...Array(DEPARTMENTS_PER_UNIT[u]).keys()]);
  const draw = (): fc.Arbitrary<Draw> =>
    fc.record({
      roles: fc.array(fc.constantFrom(...ROLES), { minLength: USERS, maxLength: USERS }),
      viewer: fc.array(fc.constantFrom(false, false, true), { minLength: USERS, maxLength: USERS }),
      assignments: fc.array(
        fc.tuple(
          ...DEPARTMENTS_PER_UNIT.map((_, u) =>
            fc.option(fc.record({ departments: departmentSubset(u), window: fc.constantFrom(...WINDOWS) }), {
              nil: null,
              freq: 3,
            }),
          ),
        ),
        { minLength: USERS, maxLength: USERS },
      ),
      toggle: fc.array(fc.array(fc.nat(UNITS - 1), { minLength: USERS + 1, maxLength: USERS + 1 }), {
        minLength: USERS,
        maxLength: USERS,
      }),
    });

  test('users, units and departments answer as docs/org.md says; org B is never reachable', async (t) => {
    const db = env().database.db;
    const betaBefore = await orgChecksum(db, beta.id);
    let calls = 0;
    let allowedWrites = 0;
    await fc.assert(
      fc.asyncProperty(draw(), async (d) => {
        await apply(d);
        const m = model(a, d);
        const failures: string[] = [];
        const expect = (what: string, got: number, want: number, body?: unknown) => {
          calls++;
          if (got !== want)
            failures.push(
              `${what}: got ${got}, docs say ${want}${got >= 400 || got === 200 ? ` (${JSON.stringify(body).slice(0, 200)})` : ''}`,
            );
        };
        const expectSet = (what: string, got: unknown[], want: unknown[]) => {
          calls++;
          if (!same(got, want))
            failures.push(
              `${what}: got ${JSON.stringify([...got].sort())}, docs say ${JSON.stringify([...want].sort())}`,
            );
        };
        const who = (u: number) => `user ${u} (${d.roles[u]}${m.viewer(u) ? ', viewer' : ''})`;
        const allDepartments = a.departments.flatMap((ds, unit) => ds.map((dept) => ({ unit, dept })));

        // ---- reads and refused writes: the database must not change at all
        const quiet = await databaseChecksum(db);
        const allowed: { u: number; v: number; body: Record<string, unknown>; what: string }[] = [];
        const okWrites: { c: Client; method: 'put'; url: string; body: unknown; what: string }[] = [];
        for (let u = 0; u < USERS; u++) {
          const c = clients[u];
          const list = await c.get('/api/auth/users/?limit=200');
          expect(`${who(u)} GET users status`, list.status, 200, list.body);
          const wantIds = ids.filter((_, v) => m.sees(u, v));
          expectSet(
            `${who(u)} GET users ids`,
            (list.body.items ?? []).map((x: { id: number }) => x.id),
            wantIds,
          );
          calls++;
          if (list.body.count !== wantIds.length)
            failures.push(`${who(u)} GET users count: got ${list.body.count}, docs say ${wantIds.length}`);
          for (const x of list.body.items ?? []) {
            const v = ids.indexOf(x.id);
            calls++;
            if (v >= 0 && x.role !== m.effective(v))
              failures.push(`${who(u)} sees user ${v} with role ${x.role}, docs say ${m.effective(v)}`);
          }
          for (let k = 0; k < UNITS; k++) {
            const byUnit = await c.get(`/api/auth/users/?limit=200&unit=${a.units[k]}`);
            expectSet(
              `${who(u)} GET users?unit=${k}`,
              (byUnit.body.items ?? []).map((x: { id: number }) => x.id),
              ids.filter((_, v) => m.sees(u, v) && m.inForce(v).has(k)),
            );
          }
          const { unit: du, dept } = allDepartments[(u * 3) % allDepartments.length];
          const byDept = await c.get(`/api/auth/users/?limit=200&department=${dept}`);
          expectSet(
            `${who(u)} GET users?department=${dept}`,
            (byDept.body.items ?? []).map((x: { id: number }) => x.id),
            ids.filter(
              (_, v) =>
                m.sees(u, v) &&
                m.inForce(v).has(du) &&
                (m.inForce(v).get(du)!.size === 0 || m.inForce(v).get(du)!.has(dept)),
            ),
          );
          for (let v = 0; v <= USERS; v++) {
            const one = await c.get(`/api/auth/users/${ids[v]}/`);
            expect(`${who(u)} GET user ${v}`, one.status, m.sees(u, v) ? 200 : 404, one.body);
            if (one.status === 200) {
              calls++;
              if (one.body.role !== m.effective(v))
                failures.push(`${who(u)} GET user ${v}: role ${one.body.role}, docs say ${m.effective(v)}`);
            }
          }

          const units = await c.get('/api/auth/units/?limit=200');
          expectSet(
            `${who(u)} GET units`,
            (units.body.items ?? []).map((x: { id: number }) => x.id),
            a.units,
          );
          const mine = await c.get('/api/auth/units/?limit=200&assigned=true');
          expectSet(
            `${who(u)} GET units?assigned=true`,
            (mine.body.items ?? []).map((x: { id: number }) => x.id),
            a.units.filter((_, k) => m.unitAssigned(u, k)),
          );
          const depts = await c.get('/api/auth/departments/?limit=200&assigned=true');
          expectSet(
            `${who(u)} GET departments?assigned=true`,
            (depts.body.items ?? []).map((x: { id: number }) => x.id),
            allDepartments.filter((x) => m.departmentAssigned(u, x.unit, x.dept)).map((x) => x.dept),
          );

          // Writes on users of A. Bodies are no-ops for the access state unless they are refused.
          for (let v = 0; v <= USERS; v++) {
            const target = ids[v];
            const current =
              v === OWNER
                ? []
                : d.assignments[v].flatMap((as, k) =>
                    as
                      ? [
                          {
                            unit_id: a.units[k],
                            department_ids: as.departments.map((i) => a.departments[k][i]),
                          },
                        ]
                      : [],
                  );
            const k = d.toggle[u][v];
            const has = current.some((x) => x.unit_id === a.units[k]);
            const toggled = has
              ? current.filter((x) => x.unit_id !== a.units[k])
              : [...current, { unit_id: a.units[k], department_ids: [] }];
            const cases: { body: Record<string, unknown>; want: number; what: string }[] = [
              { body: { full_name: `iso-org-a-${v}` }, want: m.put(u, v, {}), what: 'full_name' },
              {
                body: { unit_assignments_data: toggled },
                want: m.put(u, v, { changedUnits: [k] }),
                what: `${has ? 'remove' : 'add'} unit ${k}`,
              },
            ];
            // Raising to Admin is only tried where it is refused (an Admin would really promote).
            if (m.effective(u) !== 'Admin')
              cases.push({
                body: { role: 'Admin' },
                want: m.put(u, v, { role: 'Admin' }),
                what: 'role Admin',
              });
            for (const cs of cases) {
              if (cs.want === 200) {
                allowed.push({ u, v, body: cs.body, what: cs.what });
                continue;
              }
              const res = await c.put(`/api/auth/users/${target}/`, cs.body);
              expect(`${who(u)} PUT user ${v} (${cs.what})`, res.status, cs.want, res.body);
            }
          }

          // Units (Admin only) and departments (Admin, or Unit Head holding the unit): same-value bodies.
          for (let k = 0; k < UNITS; k++) {
            const unitWant = !m.mayWrite(u) ? 403 : m.effective(u) === 'Admin' ? 200 : 403;
            if (unitWant === 200)
              okWrites.push({
                c,
                method: 'put',
                url: `/api/auth/units/${a.units[k]}/`,
                body: { unit_code: `A${k}` },
                what: `${who(u)} PUT unit ${k}`,
              });
            else {
              const res = await c.put(`/api/auth/units/${a.units[k]}/`, { unit_code: `A${k}` });
              expect(`${who(u)} PUT unit ${k}`, res.status, unitWant, res.body);
            }
            const dept = a.departments[k][0];
            const deptWant = !m.mayWrite(u)
              ? 403
              : m.effective(u) === 'Admin' || (m.effective(u) === 'Unit Head' && m.inForce(u).has(k))
                ? 200
                : 403;
            if (deptWant === 200)
              okWrites.push({
                c,
                method: 'put',
                url: `/api/auth/departments/${dept}/`,
                body: { department_name: `Dept A${k}.0` },
                what: `${who(u)} PUT department of unit ${k}`,
              });
            else {
              const res = await c.put(`/api/auth/departments/${dept}/`, { department_name: `Dept A${k}.0` });
              expect(`${who(u)} PUT department of unit ${k}`, res.status, deptWant, res.body);
            }
          }

          // Org B: whatever u is in A, B's ids are "not found" (a viewer's write: read-only first).
          const writeB = m.mayWrite(u) ? 404 : 403;
          for (const id of betaUsers) {
            expect(`${who(u)} GET B user`, (await c.get(`/api/auth/users/${id}/`)).status, 404);
            const r = await c.put(`/api/auth/users/${id}/`, { full_name: 'from A' });
            expect(`${who(u)} PUT B user`, r.status, writeB, r.body);
            const r2 = await c.put(`/api/auth/users/${id}/`, {
              unit_assignments_data: [{ unit_id: a.units[0], department_ids: [] }],
            });
            expect(`${who(u)} PUT B user (assign A unit)`, r2.status, writeB, r2.body);
          }
          for (const x of (await c.get(`/api/auth/users/?limit=200&unit=${b.units[0]}`)).body.items ?? [])
            failures.push(`${who(u)} listed B user ${x.id} via ?unit=`);
          for (const k of [0, 2]) {
            expect(`${who(u)} GET B unit`, (await c.get(`/api/auth/units/${b.units[k]}/`)).status, 404);
            const r = await c.put(`/api/auth/units/${b.units[k]}/`, { location: 'from A' });
            expect(`${who(u)} PUT B unit`, r.status, writeB, r.body);
            expect(
              `${who(u)} GET B department`,
              (await c.get(`/api/auth/departments/${b.departments[k][0]}/`)).status,
              404,
            );
            const r2 = await c.put(`/api/auth/departments/${b.departments[k][0]}/`, {
              department_name: 'from A',
            });
            expect(`${who(u)} PUT B department`, r2.status, writeB, r2.body);
          }
          // A B unit or department in A's own writes is unknown (400), never assigned.
          if (m.put(u, u, { changedUnits: [] }) === 200) {
            const r = await c.put(`/api/auth/users/${ids[u]}/`, {
              unit_assignments_data: [{ unit_id: b.units[1], department_ids: [] }],
            });
            expect(`${who(u)} PUT self with a B unit`, r.status, 400, r.body);
          }
        }
        const changed = changedTables(quiet, await databaseChecksum(db));
        calls++;
        if (changed.length)
          failures.push(`reads and refused writes changed the database: ${changed.join('; ')}`);

        // ---- allowed writes: each must answer 200; state-changing ones are undone by re-applying the draw
        for (const w of okWrites) {
          const res = await w.c.put(w.url, w.body);
          expect(w.what, res.status, 200, res.body);
          allowedWrites++;
        }
        for (const w of allowed) {
          const res = await clients[w.u].put(`/api/auth/users/${ids[w.v]}/`, w.body);
          expect(`${who(w.u)} PUT user ${w.v} (${w.what})`, res.status, 200, res.body);
          allowedWrites++;
          if (res.status === 200 && 'unit_assignments_data' in w.body) await apply(d);
        }
        if (failures.length)
          throw new Error(
            `${failures.length} answers differ from docs/org.md:\n${failures.slice(0, 30).join('\n')}`,
          );
      }),
      { numRuns: NUM_RUNS, endOnFailure: true, includeErrorInReport: true },
    );
    t.diagnostic(`${NUM_RUNS} generated states, ${calls} checked answers, ${allowedWrites} allowed writes`);
    assert.deepEqual(await orgChecksum(db, beta.id), betaBefore, 'org B is unchanged');
    // B's owner still sees B's people: the refusals above were isolation, not breakage.
    const own = await betaOwner.get('/api/auth/users/?limit=200');
    assert.deepEqual(
      own.body.items
        .map((x: { id: number }) => x.id)
        .filter((id: number) => betaUsers.includes(id))
        .sort(),
      [...betaUsers].sort(),
    );
  });

  // Re-sending an assignment that is not in force puts it back in force, so for a Unit Head it is a
  // change of that unit: refused for units they do not hold, including their own ended ones.
  test('a Unit Head re-sending unchanged unit_assignments_data does not bring an assignment back into force', async () => {
    const none = [null, null, null];
    const d: Draw = {
      // user 0: Unit Head holding unit 0 only (unit 1 ended); user 1: User in unit 0, deactivated in unit 2.
      roles: ['Unit Head', 'User', 'User', 'User', 'User'],
      viewer: [false, false, false, false, false],
      assignments: [
        [{ departments: [], window: 'in force' }, { departments: [], window: 'ended' }, null],
        [{ departments: [0], window: 'in force' }, null, { departments: [], window: 'inactive' }],
        none,
        none,
        none,
      ],
      toggle: Array.from({ length: USERS }, () => new Array<number>(USERS + 1).fill(0)),
    };
    await apply(d);
    const problems: string[] = [];
    for (const v of [0, 1]) {
      const before = await stored(v);
      const unchanged = d.assignments[v].flatMap((as, k) =>
        as ? [{ unit_id: a.units[k], department_ids: as.departments.map((i) => a.departments[k][i]) }] : [],
      );
      const res = await clients[0].put(`/api/auth/users/${ids[v]}/`, { unit_assignments_data: unchanged });
      const after = await stored(v);
      if (res.status === 200 && JSON.stringify(after) !== JSON.stringify(before))
        problems.push(`user ${v}: ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
    }
    await apply(d);
    assert.deepEqual(
      problems,
      [],
      'Unit Head (holding only unit 0) revived assignments of units it does not hold',
    );
  });
});
