import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { asc, eq, sql } from 'drizzle-orm';
import { bigint, pgTable } from 'drizzle-orm/pg-core';
import { describeEachBackend } from '../../../test/support/env.ts';
import type { Actor } from '../../core/access/actor.ts';
import { toSql } from '../../core/access/policy.ts';
import { queryRows } from '../../core/db/client.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { Organization } from '../identity/service.ts';
import { departments, userUnits } from './schema.ts';
import { unitScope } from './scope.ts';
import { createPlants, type Plants } from './test-plants.ts';

/** Stands for another module's unit-owned rows; created as a temporary table inside each check. */
const probe = pgTable('unit_scope_probe', {
  unitId: bigint('unit_id', { mode: 'number' }).notNull(),
  departmentId: bigint('department_id', { mode: 'number' }),
});

describeEachBackend('org: unitScope, the reusable unit-based data filter', (env) => {
  let org: Organization;
  let p: Plants;
  const ids: Record<string, number> = {};
  const actor = (userId: number | null, orgRole: Actor['orgRole'] = 'member'): Actor => ({
    userId,
    label: 'probe',
    orgId: org.id,
    orgRole,
    via: userId === null ? 'api_key' : 'session',
  });

  before(async () => {
    const made = await env().makeOrg('scope');
    org = made.org;
    p = await createPlants(made.admin);
    const assign = async (username: string, data: Array<{ unit_id: number; department_ids: number[] }>) => {
      const { id } = await env().makeUser(org, username);
      assert.equal(
        (await made.admin.put(`/api/auth/users/${id}/`, { unit_assignments_data: data })).status,
        200,
      );
      ids[username] = id;
    };
    await assign('qc.mumbai', [{ unit_id: p.unit.MUM, department_ids: [p.dept.MUM.QC] }]);
    await assign('all.mumbai', [{ unit_id: p.unit.MUM, department_ids: [] }]);
    await assign('mixed', [
      { unit_id: p.unit.MUM, department_ids: [] },
      { unit_id: p.unit.PUN, department_ids: [p.dept.PUN.QC, p.dept.PUN.Production] },
    ]);
    await assign('expired', [{ unit_id: p.unit.BLR, department_ids: [] }]);
    await assign('nothing', []);
  });

  /** Department ids the actor may see, evaluated through RLS as the app role. */
  const visibleDepartments = (a: Actor, unitOnly = false) =>
    withTenant({ db: env().database.db }, a, async (t) => {
      const cond = unitOnly
        ? unitScope(a, { unitId: departments.unitId })
        : unitScope(a, { unitId: departments.unitId, departmentId: departments.id });
      const rows = await t.tx
        .select({ id: departments.id })
        .from(departments)
        .where(toSql(cond))
        .orderBy(asc(departments.id));
      return rows.map((r) => r.id);
    });

  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

  test('org owners and admins get the constant true; actors without a user get false', () => {
    assert.equal(unitScope(actor(ids['qc.mumbai'], 'owner'), { unitId: departments.unitId }), true);
    assert.equal(unitScope(actor(ids['qc.mumbai'], 'admin'), { unitId: departments.unitId }), true);
    assert.equal(unitScope(actor(null), { unitId: departments.unitId }), false);
  });

  test('a department-restricted assignment sees only its departments; unit-wide data of the unit too', async () => {
    assert.deepEqual(await visibleDepartments(actor(ids['qc.mumbai'])), [p.dept.MUM.QC]);
    assert.deepEqual(
      await visibleDepartments(actor(ids['qc.mumbai']), true),
      sorted(Object.values(p.dept.MUM)),
    );
  });

  test('an empty department list means every department of the unit', async () => {
    assert.deepEqual(await visibleDepartments(actor(ids['all.mumbai'])), sorted(Object.values(p.dept.MUM)));
    assert.deepEqual(
      await visibleDepartments(actor(ids.mixed)),
      sorted([...Object.values(p.dept.MUM), p.dept.PUN.QC, p.dept.PUN.Production]),
    );
  });

  test('no assignment, or one no longer in force, sees nothing; admins see everything', async () => {
    assert.deepEqual(await visibleDepartments(actor(ids.nothing)), []);
    assert.deepEqual(await visibleDepartments(actor(ids.expired)), sorted(Object.values(p.dept.BLR)));
    await withTenant({ db: env().database.db }, actor(null, 'owner'), (t) =>
      t.tx
        .update(userUnits)
        .set({ endsAt: new Date(Date.now() - 1000) })
        .where(eq(userUnits.userId, ids.expired)),
    );
    assert.deepEqual(await visibleDepartments(actor(ids.expired)), []);
    const all = await visibleDepartments(actor(ids.nothing, 'admin'));
    assert.equal(all.length, Object.values(p.dept).flatMap((d) => Object.values(d)).length);
  });

  test('rows with no department are unit-wide: visible to anyone holding the unit', async () => {
    const rows = [
      { unitId: p.unit.MUM, departmentId: null },
      { unitId: p.unit.MUM, departmentId: p.dept.MUM.QC },
      { unitId: p.unit.MUM, departmentId: p.dept.MUM['R&D'] },
      { unitId: p.unit.PUN, departmentId: null },
    ];
    const seen = (a: Actor) =>
      withTenant({ db: env().database.db }, a, async (t) => {
        await t.tx.execute(
          sql`create temp table unit_scope_probe (unit_id bigint not null, department_id bigint) on commit drop`,
        );
        await t.tx.insert(probe).values(rows);
        const where = toSql(unitScope(a, { unitId: probe.unitId, departmentId: probe.departmentId }));
        return queryRows<{ unit_id: string; department_id: string | null }>(
          t.tx,
          sql`select unit_id, department_id from ${probe} where ${where} order by unit_id, department_id nulls first`,
        );
      });
    const asPairs = (r: Array<{ unit_id: string; department_id: string | null }>) =>
      r.map((x) => [Number(x.unit_id), x.department_id === null ? null : Number(x.department_id)]);
    assert.deepEqual(asPairs(await seen(actor(ids['qc.mumbai']))), [
      [p.unit.MUM, null],
      [p.unit.MUM, p.dept.MUM.QC],
    ]);
    assert.deepEqual(asPairs(await seen(actor(ids.nothing))), []);
  });

  test('another org’s assignments never count (RLS), even for the same user id', async () => {
    const other = await env().makeOrg('scope-other');
    const otherActor: Actor = {
      userId: ids['all.mumbai'],
      label: 'x',
      orgId: other.org.id,
      orgRole: 'member',
      via: 'session',
    };
    const rows = await withTenant({ db: env().database.db }, otherActor, (t) =>
      t.tx
        .select({ id: departments.id })
        .from(departments)
        .where(toSql(unitScope(otherActor, { unitId: departments.unitId }))),
    );
    assert.deepEqual(rows, []);
  });
});
