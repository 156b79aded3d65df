import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { describeEachBackend, type Client } from '../../../test/support/env.ts';
import type { Organization } from '../identity/service.ts';
import { createPlants, type Plants } from './test-plants.ts';
import { seedDemo } from '../../seed.ts';
import { orgModule } from './index.ts';

describeEachBackend('org: users with multiple unit assignments', (env) => {
  let org: Organization;
  let admin: Client;
  let p: Plants;
  const unitRef = (code: keyof Plants['unit']) => {
    const names = { MUM: 'Mumbai Plant', PUN: 'Pune Plant', BLR: 'Bangalore Plant', DEL: 'Delhi Plant' };
    return { id: p.unit[code], unit_name: names[code], unit_code: code };
  };
  const auditOf = async (id: number) =>
    (await admin.get(`/api/audit?entity_type=user&entity_id=${id}`)).body.items;
  const assignmentsOf = async (id: number) =>
    (await admin.get(`/api/auth/users/${id}/`)).body.unit_assignments;

  before(async () => {
    ({ org, admin } = await env().makeOrg('plants'));
    p = await createPlants(admin);
  });

  test('creating a john.doe-style user with three units returns the user and a temporary password once', async () => {
    const res = await admin.post('/api/auth/users/', {
      username: 'jane.doe',
      email: 'jane@example.com',
      full_name: 'Jane Doe',
      role: 'User',
      unit: p.unit.MUM,
      section: p.section['Quality Control'],
      unit_assignments_data: [
        { unit_id: p.unit.MUM, department_ids: [p.dept.MUM.QC, p.dept.MUM.Production, p.dept.MUM['R&D']] },
        { unit_id: p.unit.PUN, department_ids: [p.dept.PUN.QA] },
        { unit_id: p.unit.BLR, department_ids: [] },
      ],
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const { temporary_password, unit_assignments, ...rest } = res.body;
    assert.match(temporary_password, /^\S{8,}$/);
    assert.deepEqual(rest, {
      id: rest.id,
      username: 'jane.doe',
      email: 'jane@example.com',
      full_name: 'Jane Doe',
      role: 'User',
      is_active: true,
      must_change_password: true,
      unit: unitRef('MUM'),
      section: { id: p.section['Quality Control'], section_name: 'Quality Control' },
      title: '',
      role_description: '',
      display_width_px: null,
      message: 'User created successfully. Temporary password generated.',
    });
    assert.deepEqual(
      unit_assignments.map((a) => ({ unit: a.unit, departments: a.departments })),
      [
        {
          unit: unitRef('MUM'),
          departments: [
            { id: p.dept.MUM.QC, department_name: 'QC' },
            { id: p.dept.MUM.Production, department_name: 'Production' },
            { id: p.dept.MUM['R&D'], department_name: 'R&D' },
          ],
        },
        { unit: unitRef('PUN'), departments: [{ id: p.dept.PUN.QA, department_name: 'QA' }] },
        { unit: unitRef('BLR'), departments: [] },
      ],
    );
    assert.ok(
      unit_assignments.every(
        (a) => Number.isInteger(a.id) && Object.keys(a).join() === 'id,unit,departments',
      ),
    );
    // The temporary password works once, and the account must change it.
    const login = await env()
      .client()
      .post('/api/auth/login', { username: 'jane.doe', password: temporary_password });
    assert.equal(login.status, 200);
    assert.equal(login.body.user.must_change_password, true);
  });

  test('the create audit text lists role, unit, section and assignments, with the structured diff', async () => {
    const res = await admin.post('/api/auth/users/', {
      username: 'john.doe',
      email: 'john@example.com',
      full_name: 'John Doe',
      role: 'User',
      unit: p.unit.MUM,
      section: p.section.QC,
      unit_assignments_data: [
        { unit_id: p.unit.MUM, department_ids: [p.dept.MUM.QC, p.dept.MUM.Production] },
        { unit_id: p.unit.PUN, department_ids: [p.dept.PUN.QA] },
      ],
    });
    assert.equal(res.status, 201);
    const [entry] = await auditOf(res.body.id);
    assert.ok(entry.diff);
    assert.equal(
      entry.message,
      'User created: john.doe (John Doe) with role User, Unit: Mumbai Plant, Section: QC, ' +
        'Unit Assignments: [Mumbai Plant (Departments: QC, Production); Pune Plant (Departments: QA)]. ' +
        'Temporary password assigned.',
    );
    assert.deepEqual(entry.diff.unit_assignments, {
      before: null,
      after: [
        { unit_id: p.unit.MUM, department_ids: [p.dept.MUM.QC, p.dept.MUM.Production] },
        { unit_id: p.unit.PUN, department_ids: [p.dept.PUN.QA] },
      ],
    });
    assert.equal(entry.action, 'create');
  });

  test('the update audit text names the role change and the new assignments', async () => {
    const [john] = (await admin.get('/api/auth/users/?q=john.doe')).body.items;
    const res = await admin.put(`/api/auth/users/${john.id}/`, {
      role: 'Section Head',
      unit_assignments_data: [
        { unit_id: p.unit.MUM, department_ids: [p.dept.MUM.QC, p.dept.MUM.Production] },
        { unit_id: p.unit.BLR, department_ids: [] },
      ],
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.role, 'Section Head');
    const [entry] = await auditOf(john.id);
    assert.ok(entry.diff);
    assert.equal(
      entry.message,
      'User updated: john.doe (John Doe) - Role: User → Section Head, ' +
        'Unit Assignments: [Mumbai Plant (Departments: QC, Production); Bangalore Plant (Departments: All)]',
    );
    assert.deepEqual(entry.diff.role, { before: 'User', after: 'Section Head' });
    assert.deepEqual(entry.diff.unit_assignments.after, [
      { unit_id: p.unit.MUM, department_ids: [p.dept.MUM.QC, p.dept.MUM.Production] },
      { unit_id: p.unit.BLR, department_ids: [] },
    ]);
  });

  let multiId: number;

  test('test case 1: create multi.user with two units', async () => {
    const res = await admin.post('/api/auth/users/', {
      username: 'multi.user',
      full_name: 'Multi Unit User',
      email: 'multi@example.com',
      role: 'User',
      unit: p.unit.MUM,
      unit_assignments_data: [
        { unit_id: p.unit.MUM, department_ids: [p.dept.MUM.QC, p.dept.MUM.Production] },
        { unit_id: p.unit.PUN, department_ids: [p.dept.PUN.QA] },
      ],
    });
    assert.equal(res.status, 201);
    multiId = res.body.id;
    assert.deepEqual(res.body.unit, unitRef('MUM'));
    assert.equal(res.body.section, null);
    assert.deepEqual(
      res.body.unit_assignments.map((a) => [a.unit.unit_code, a.departments.map((d) => d.department_name)]),
      [
        ['MUM', ['QC', 'Production']],
        ['PUN', ['QA']],
      ],
    );
    const [entry] = await auditOf(multiId);
    assert.equal(
      entry.message,
      'User created: multi.user (Multi Unit User) with role User, Unit: Mumbai Plant, Section: None, ' +
        'Unit Assignments: [Mumbai Plant (Departments: QC, Production); Pune Plant (Departments: QA)]. ' +
        'Temporary password assigned.',
    );
  });

  test('test case 2: PUT replaces all assignments; a unit that stays keeps its assignment id', async () => {
    const [mumBefore] = await assignmentsOf(multiId);
    const res = await admin.put(`/api/auth/users/${multiId}/`, {
      unit_assignments_data: [
        { unit_id: p.unit.MUM, department_ids: [p.dept.MUM.QC] },
        { unit_id: p.unit.BLR, department_ids: [] },
      ],
    });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.unit_assignments, [
      { id: mumBefore.id, unit: unitRef('MUM'), departments: [{ id: p.dept.MUM.QC, department_name: 'QC' }] },
      { id: res.body.unit_assignments[1].id, unit: unitRef('BLR'), departments: [] },
    ]);
    assert.deepEqual(res.body.unit, unitRef('MUM'), 'the legacy unit is untouched');
  });

  test('test case 3: GET the user with assignments', async () => {
    const res = await admin.get(`/api/auth/users/${multiId}/`);
    assert.equal(res.status, 200);
    assert.equal(res.body.id, multiId);
    assert.equal(res.body.username, 'multi.user');
    assert.deepEqual(res.body.unit_assignments[0].unit, unitRef('MUM'));
    assert.deepEqual(res.body.unit_assignments[0].departments, [
      { id: p.dept.MUM.QC, department_name: 'QC' },
    ]);
    assert.equal('temporary_password' in res.body, false, 'the password is shown only once');
  });

  test('the update example: keep Mumbai with fewer departments and add a new unit', async () => {
    const res = await admin.put(`/api/auth/users/${multiId}/`, {
      unit_assignments_data: [
        { unit_id: p.unit.MUM, department_ids: [p.dept.MUM.QC, p.dept.MUM.Production] },
        { unit_id: p.unit.DEL, department_ids: [p.dept.DEL.Stores, p.dept.DEL.Dispatch] },
      ],
    });
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.unit_assignments.map((a) => [a.unit.unit_code, a.departments.map((d) => d.id)]),
      [
        ['MUM', [p.dept.MUM.QC, p.dept.MUM.Production]],
        ['DEL', [p.dept.DEL.Stores, p.dept.DEL.Dispatch]],
      ],
    );
  });

  test('omitting unit_assignments_data leaves assignments untouched; [] removes them all', async () => {
    const before = await assignmentsOf(multiId);
    const renamed = await admin.put(`/api/auth/users/${multiId}/`, { full_name: 'Multi U. User' });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.full_name, 'Multi U. User');
    assert.deepEqual(renamed.body.unit_assignments, before);
    const cleared = await admin.put(`/api/auth/users/${multiId}/`, { unit_assignments_data: [] });
    assert.equal(cleared.status, 200);
    assert.deepEqual(cleared.body.unit_assignments, []);
    const [entry] = await auditOf(multiId);
    assert.equal(entry.message, 'User updated: multi.user (Multi U. User) - Unit Assignments: [None]');
  });

  // ---------------------------------------------------------------- the three example scenarios

  async function scenario(username: string, payload: Array<{ unit_id: number; department_ids: number[] }>) {
    const { id, client } = await env().makeUser(org, username);
    const res = await admin.put(`/api/auth/users/${id}/`, { unit_assignments_data: payload });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const mine = await client.get('/api/auth/departments/?assigned=true');
    return { res, visible: mine.body.items.map((d) => d.id).sort((a: number, b: number) => a - b) };
  }
  const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);

  test('scenario 1: a Quality Manager with QC in Mumbai, Pune and Bangalore sees exactly those QC departments', async () => {
    const { res, visible } = await scenario('scenario.qm', [
      { unit_id: p.unit.MUM, department_ids: [p.dept.MUM.QC] },
      { unit_id: p.unit.PUN, department_ids: [p.dept.PUN.QC] },
      { unit_id: p.unit.BLR, department_ids: [p.dept.BLR.QC] },
    ]);
    assert.deepEqual(
      res.body.unit_assignments.map((a) => a.departments.map((d) => d.department_name)),
      [['QC'], ['QC'], ['QC']],
    );
    assert.deepEqual(visible, sorted([p.dept.MUM.QC, p.dept.PUN.QC, p.dept.BLR.QC]));
  });

  test('scenario 2: a Plant Manager with an empty department list sees all Mumbai departments', async () => {
    const { res, visible } = await scenario('scenario.pm', [{ unit_id: p.unit.MUM, department_ids: [] }]);
    assert.deepEqual(res.body.unit_assignments, [
      { id: res.body.unit_assignments[0].id, unit: unitRef('MUM'), departments: [] },
    ]);
    assert.deepEqual(visible, sorted(Object.values(p.dept.MUM)));
  });

  test('scenario 3: a Cross-functional Lead sees all of Mumbai and only QC and Production in Pune', async () => {
    const { res, visible } = await scenario('scenario.lead', [
      { unit_id: p.unit.MUM, department_ids: [] },
      { unit_id: p.unit.PUN, department_ids: [p.dept.PUN.QC, p.dept.PUN.Production] },
    ]);
    assert.deepEqual(
      res.body.unit_assignments.map((a) => a.departments.length),
      [0, 2],
    );
    assert.deepEqual(visible, sorted([...Object.values(p.dept.MUM), p.dept.PUN.QC, p.dept.PUN.Production]));
  });

  test('lists filter by unit, department (all-department assignments included), role and search, with pagination', async () => {
    const names = async (query: string) =>
      (await admin.get(`/api/auth/users/?${query}`)).body.items.map((u) => u.username).sort();
    assert.deepEqual(await names(`unit=${p.unit.BLR}`), ['jane.doe', 'john.doe', 'scenario.qm']);
    assert.deepEqual(await names(`department=${p.dept.PUN.Production}`), ['scenario.lead']);
    assert.deepEqual(await names(`department=${p.dept.MUM.Regulatory}`), ['scenario.lead', 'scenario.pm']);
    assert.deepEqual(await names('role=Section%20Head'), ['john.doe']);
    assert.deepEqual(await names('role=Admin'), ['plants.admin']);
    assert.deepEqual(await names('q=doe'), ['jane.doe', 'john.doe']);
    const first = await admin.get('/api/auth/users/?limit=2');
    assert.equal(first.body.items.length, 2);
    assert.equal(first.body.count, 7);
    const second = await admin.get(`/api/auth/users/?limit=2&cursor=${first.body.next_cursor}`);
    assert.ok(second.body.items[0].id > first.body.items[1].id);
  });

  // ---------------------------------------------------------------- bad input changes nothing

  async function refused(id: number, body: unknown, status: number, path: string | null) {
    const before = await admin.get(`/api/auth/users/${id}/`);
    const res = await admin.put(`/api/auth/users/${id}/`, body);
    assert.equal(res.status, status, JSON.stringify(res.body));
    assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
    if (path)
      assert.ok(
        res.body.errors.some((e) => e.path === path),
        `${path} in ${JSON.stringify(res.body.errors)}`,
      );
    const after = await admin.get(`/api/auth/users/${id}/`);
    assert.deepEqual(after.body, before.body, 'nothing changed');
    return res;
  }

  test('bad input is a 400 naming the offending path, and the user is unchanged', async () => {
    const { id } = await env().makeUser(org, 'victim');
    const ok = await admin.put(`/api/auth/users/${id}/`, {
      unit_assignments_data: [{ unit_id: p.unit.MUM, department_ids: [p.dept.MUM.QC] }],
    });
    assert.equal(ok.status, 200);
    const good = { unit_id: p.unit.PUN, department_ids: [p.dept.PUN.QA] };
    // Also carries a valid role change: the whole update is one transaction.
    const res = await refused(
      id,
      { role: 'Section Head', unit_assignments_data: [good, { unit_id: 999999, department_ids: [] }] },
      400,
      'body.unit_assignments_data.1.unit_id',
    );
    assert.match(res.body.detail, /body\.unit_assignments_data\.1\.unit_id no such unit/);
    await refused(
      id,
      { unit_assignments_data: [good, { unit_id: p.unit.MUM, department_ids: [p.dept.PUN.QC] }] },
      400,
      'body.unit_assignments_data.1.department_ids.0',
    );
    const dupe = await refused(
      id,
      { unit_assignments_data: [good, { unit_id: p.unit.PUN, department_ids: [] }] },
      400,
      'body.unit_assignments_data.1.unit_id',
    );
    assert.match(dupe.body.detail, /already assigned at body\.unit_assignments_data\.0/);
    await refused(
      id,
      { unit_assignments_data: [{ unit_id: p.unit.PUN, department_ids: [p.dept.PUN.QA, p.dept.PUN.QA] }] },
      400,
      'body.unit_assignments_data.0.department_ids.1',
    );
    await refused(
      id,
      { unit_assignments_data: [{ unit_id: String(p.unit.PUN), department_ids: [] }] },
      400,
      'body.unit_assignments_data.0.unit_id',
    );
    await refused(
      id,
      { unit_assignments_data: [good, { unit_id: p.unit.MUM, department_ids: [1.5] }] },
      400,
      'body.unit_assignments_data.1.department_ids.0',
    );
    await refused(
      id,
      { unit_assignments_data: [{ unit_id: p.unit.MUM, departments: [] }] },
      400,
      'body.unit_assignments_data.0.departments',
    );
    await refused(id, { unit_assignments_data: { unit_id: p.unit.MUM } }, 400, 'body.unit_assignments_data');
    await refused(id, { unit: 999999 }, 400, 'body.unit');
    await refused(id, { section: -3 }, 400, 'body.section');
    await refused(id, { nickname: 'x' }, 400, 'body.nickname');
    const bad = await admin.put('/api/auth/users/abc/', { full_name: 'x' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].path, 'params.id');
  });

  test('a department or unit of another organization is refused like an unknown one', async () => {
    const other = await env().makeOrg('elsewhere');
    const otherPlants = await createPlants(other.admin);
    const [victim] = (await admin.get('/api/auth/users/?q=victim')).body.items;
    await refused(
      victim.id,
      { unit_assignments_data: [{ unit_id: p.unit.MUM, department_ids: [otherPlants.dept.MUM.QC] }] },
      400,
      'body.unit_assignments_data.0.department_ids.0',
    );
    await refused(
      victim.id,
      { unit_assignments_data: [{ unit_id: otherPlants.unit.MUM, department_ids: [] }] },
      400,
      'body.unit_assignments_data.0.unit_id',
    );
    // And the other org cannot even see our user.
    assert.equal((await other.admin.get(`/api/auth/users/${victim.id}/`)).status, 404);
    assert.equal(
      (await other.admin.put(`/api/auth/users/${victim.id}/`, { full_name: 'hacked' })).status,
      404,
    );
  });

  test('create refuses bad assignments and an existing username without creating anyone', async () => {
    const count = (await admin.get('/api/auth/users/')).body.count;
    const res = await admin.post('/api/auth/users/', {
      username: 'ghost',
      unit_assignments_data: [{ unit_id: p.unit.MUM, department_ids: [p.dept.BLR.QC] }],
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.errors[0].path, 'body.unit_assignments_data.0.department_ids.0');
    const taken = await admin.post('/api/auth/users/', { username: 'john.doe' });
    assert.equal(taken.status, 409);
    assert.equal(taken.body.errors[0].path, 'body.username');
    assert.equal((await admin.get('/api/auth/users/')).body.count, count);
    assert.equal((await admin.get('/api/auth/users/?q=ghost')).body.items.length, 0);
  });

  // ---------------------------------------------------------------- units, departments, sections

  test('units: unique code per org (409), soft delete hides them from lists, inactive units cannot be assigned', async () => {
    const dup = await admin.post('/api/auth/units/', { unit_name: 'Mumbai Two', unit_code: 'MUM' });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.errors[0].path, 'body.unit_code');
    const chennai = await admin.post('/api/auth/units/', {
      unit_name: 'Chennai Plant',
      unit_code: 'CHE',
      location: 'Chennai',
    });
    assert.deepEqual(chennai.body, {
      id: chennai.body.id,
      unit_name: 'Chennai Plant',
      unit_code: 'CHE',
      location: 'Chennai',
      is_active: true,
    });
    const search = await admin.get('/api/auth/units/?q=chen');
    assert.deepEqual(
      search.body.items.map((u) => u.unit_code),
      ['CHE'],
    );
    assert.equal((await admin.delete(`/api/auth/units/${chennai.body.id}/`)).status, 204);
    assert.deepEqual((await admin.get('/api/auth/units/?q=chen')).body.items, []);
    assert.equal(
      (await admin.get('/api/auth/units/?q=chen&include_inactive=true')).body.items[0].is_active,
      false,
    );
    const [victim] = (await admin.get('/api/auth/users/?q=victim')).body.items;
    await refused(
      victim.id,
      { unit_assignments_data: [{ unit_id: chennai.body.id, department_ids: [] }] },
      400,
      'body.unit_assignments_data.0.unit_id',
    );
    const renamed = await admin.put(`/api/auth/units/${p.unit.DEL}/`, { location: 'New Delhi' });
    assert.equal(renamed.body.location, 'New Delhi');
    const [entry] = (await admin.get(`/api/audit?entity_type=unit&entity_id=${p.unit.DEL}`)).body.items;
    assert.deepEqual(entry.diff, { location: { before: 'Delhi', after: 'New Delhi' } });
  });

  test('departments and sections: unique names, filter by unit, soft delete', async () => {
    const dup = await admin.post('/api/auth/departments/', { unit_id: p.unit.MUM, department_name: 'QC' });
    assert.equal(dup.status, 409);
    const unknownUnit = await admin.post('/api/auth/departments/', { unit_id: 999999, department_name: 'X' });
    assert.equal(unknownUnit.status, 400);
    assert.equal(unknownUnit.body.errors[0].path, 'body.unit_id');
    const list = await admin.get(`/api/auth/departments/?unit=${p.unit.BLR}`);
    assert.deepEqual(
      list.body.items.map((d) => d.department_name),
      ['QC', 'Packaging'],
    );
    assert.deepEqual(list.body.items[0], {
      id: p.dept.BLR.QC,
      unit_id: p.unit.BLR,
      department_name: 'QC',
      is_active: true,
    });
    assert.equal((await admin.delete(`/api/auth/departments/${p.dept.BLR.Packaging}/`)).status, 204);
    assert.deepEqual(
      (await admin.get(`/api/auth/departments/?unit=${p.unit.BLR}`)).body.items.map((d) => d.department_name),
      ['QC'],
    );
    const sections = await admin.get('/api/auth/sections/');
    assert.deepEqual(
      sections.body.items.map((s) => s.section_name),
      ['Quality Control', 'QC'],
    );
    assert.equal((await admin.post('/api/auth/sections/', { section_name: 'QC' })).status, 409);
    assert.equal((await admin.get('/api/auth/sections/999999/')).status, 404);
  });

  test('the demo seed has the plants, plant.user in two units and admin as Admin', async () => {
    const result = await seedDemo(env().database.db, { ...env().config, demoPassword: 'demo-password-1' }, [
      orgModule,
    ]);
    assert.equal(result.created, true);
    const plantUser = await env().login('plant.user', 'demo', 'demo-password-1');
    const me = (await plantUser.get('/api/auth/users/')).body.items;
    assert.deepEqual(
      me.map((u) => [u.username, u.role]),
      [['plant.user', 'User']],
    );
    assert.deepEqual(
      me[0].unit_assignments.map((a) => [a.unit.unit_code, a.departments.map((d) => d.department_name)]),
      [
        ['MUM', ['QC', 'Production']],
        ['PUN', ['QA']],
      ],
    );
    assert.deepEqual(
      (await plantUser.get('/api/auth/units/?assigned=true')).body.items.map((u) => u.unit_name),
      ['Mumbai Plant', 'Pune Plant'],
    );
    const demoAdmin = await env().login('admin', 'demo', 'demo-password-1');
    const everyone = (await demoAdmin.get('/api/auth/users/?limit=200')).body.items;
    assert.equal(everyone.find((u) => u.username === 'admin')?.role, 'Admin');
    assert.deepEqual(
      everyone
        .filter((u) => ['quality.manager', 'plant.manager', 'crossfunctional.lead'].includes(u.username))
        .map((u) => [u.username, u.role, u.unit_assignments.length]),
      [
        ['quality.manager', 'Section Head', 3],
        ['plant.manager', 'Unit Head', 1],
        ['crossfunctional.lead', 'User', 2],
      ],
    );
    assert.deepEqual(
      (await demoAdmin.get('/api/auth/units/')).body.items.map((u) => u.unit_code),
      ['MUM', 'PUN', 'BLR'],
    );
  });
});
