import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { describeEachBackend, type Client } from '../../../test/support/env.ts';
import type { Organization } from '../identity/service.ts';
import { createPlants, type Plants } from './test-plants.ts';

/** The role matrix of docs/org.md, cell by cell. */
describeEachBackend('org: role matrix (Admin, Unit Head, Section Head, User)', (env) => {
  let org: Organization;
  let owner: Client;
  let p: Plants;
  const ids: Record<string, number> = {};
  const as: Record<string, Client> = {};

  async function person(
    username: string,
    role: string,
    assignments: Array<{ unit_id: number; department_ids: number[] }>,
    orgRole: 'member' | 'admin' = 'member',
  ) {
    const { id, client } = await env().makeUser(org, username, orgRole);
    const res = await owner.put(`/api/auth/users/${id}/`, { role, unit_assignments_data: assignments });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    ids[username] = id;
    as[username] = client;
  }
  const names = async (c: Client) =>
    (await c.get('/api/auth/users/')).body.items.map((u) => u.username).sort();

  before(async () => {
    ({ org, admin: owner } = await env().makeOrg('matrix'));
    p = await createPlants(owner);
    await person('adm', 'Admin', [{ unit_id: p.unit.MUM, department_ids: [] }]);
    await person('head', 'Unit Head', [{ unit_id: p.unit.MUM, department_ids: [] }]);
    await person('sect', 'Section Head', [{ unit_id: p.unit.MUM, department_ids: [p.dept.MUM.QC] }]);
    await person('worker', 'User', [{ unit_id: p.unit.MUM, department_ids: [p.dept.MUM.QC] }]);
    await person('rnd', 'User', [{ unit_id: p.unit.MUM, department_ids: [p.dept.MUM['R&D']] }]);
    await person('twoplants', 'User', [
      { unit_id: p.unit.MUM, department_ids: [] },
      { unit_id: p.unit.PUN, department_ids: [p.dept.PUN.QA] },
    ]);
    await person('outsider', 'User', [{ unit_id: p.unit.BLR, department_ids: [] }]);
  });

  // ---------------------------------------------------------------- who sees which users

  test('Admin: the Admin role gives an admin membership and sees every user', async () => {
    const me = await as.adm.get('/api/auth/me');
    assert.equal(me.body.role, 'admin');
    assert.deepEqual(await names(as.adm), [
      'adm',
      'head',
      'matrix.admin',
      'outsider',
      'rnd',
      'sect',
      'twoplants',
      'worker',
    ]);
    assert.equal((await as.adm.get(`/api/auth/users/${ids.outsider}/`)).status, 200);
  });

  test('an org owner counts as Admin', async () => {
    const list = await owner.get('/api/auth/users/?role=Admin');
    assert.deepEqual(list.body.items.map((u) => u.username).sort(), ['adm', 'matrix.admin']);
  });

  test('Unit Head sees the users of their unit, not the outsider (404)', async () => {
    assert.deepEqual(await names(as.head), ['adm', 'head', 'rnd', 'sect', 'twoplants', 'worker']);
    const out = await as.head.get(`/api/auth/users/${ids.outsider}/`);
    assert.equal(out.status, 404);
    assert.equal(out.body.detail, 'User not found');
  });

  test('Section Head sees users of their unit whose departments overlap theirs', async () => {
    // worker shares QC; twoplants and head hold all of Mumbai; rnd (R&D only) does not overlap.
    assert.deepEqual(await names(as.sect), ['adm', 'head', 'sect', 'twoplants', 'worker']);
    assert.equal((await as.sect.get(`/api/auth/users/${ids.rnd}/`)).status, 404);
  });

  test('User sees only themselves', async () => {
    assert.deepEqual(await names(as.worker), ['worker']);
    assert.equal((await as.worker.get(`/api/auth/users/${ids.worker}/`)).status, 200);
    assert.equal((await as.worker.get(`/api/auth/users/${ids.sect}/`)).status, 404);
  });

  // ---------------------------------------------------------------- who creates users

  const newUser = (username: string, extra: object = {}) => ({
    username,
    role: 'User',
    unit_assignments_data: [{ unit_id: p.unit.MUM, department_ids: [p.dept.MUM.QC] }],
    ...extra,
  });

  test('create: Admin yes; Unit Head within their units; Section Head and User 403', async () => {
    assert.equal(
      (
        await as.adm.post(
          '/api/auth/users/',
          newUser('by.admin', { unit_assignments_data: [{ unit_id: p.unit.BLR, department_ids: [] }] }),
        )
      ).status,
      201,
    );
    const byHead = await as.head.post('/api/auth/users/', newUser('by.head', { unit: p.unit.MUM }));
    assert.equal(byHead.status, 201);
    assert.equal((await as.head.get(`/api/auth/users/${byHead.body.id}/`)).body.username, 'by.head');
    for (const who of ['sect', 'worker']) {
      const res = await as[who].post('/api/auth/users/', newUser(`by.${who}`));
      assert.equal(res.status, 403);
      assert.equal(res.body.detail, 'Only Admins and Unit Heads may create users');
    }
    assert.equal((await owner.get('/api/auth/users/?q=by.')).body.items.length, 2);
  });

  test('create: a Unit Head cannot assign a unit they do not hold, make an Admin, or leave the user unassigned', async () => {
    const pune = await as.head.post(
      '/api/auth/users/',
      newUser('x1', {
        unit_assignments_data: [
          { unit_id: p.unit.MUM, department_ids: [] },
          { unit_id: p.unit.PUN, department_ids: [] },
        ],
      }),
    );
    assert.equal(pune.status, 403);
    assert.match(
      pune.body.detail,
      /Pune Plant is not one of them \(body\.unit_assignments_data\.1\.unit_id\)/,
    );
    const admin = await as.head.post('/api/auth/users/', newUser('x2', { role: 'Admin' }));
    assert.equal(admin.status, 403);
    assert.equal(admin.body.detail, 'Only Admins may give the Admin role');
    assert.equal((await as.head.post('/api/auth/users/', newUser('x3', { unit: p.unit.BLR }))).status, 403);
    const none = await as.head.post('/api/auth/users/', newUser('x4', { unit_assignments_data: [] }));
    assert.equal(none.status, 422);
    assert.equal(
      (await owner.get('/api/auth/users/?q=x')).body.items.filter((u) => /^x\d$/.test(u.username)).length,
      0,
    );
  });

  // ---------------------------------------------------------------- who updates users

  async function unchangedAfter(actor: Client, id: number, body: object, status: number) {
    const before = (await owner.get(`/api/auth/users/${id}/`)).body;
    const res = await actor.put(`/api/auth/users/${id}/`, body);
    assert.equal(res.status, status, JSON.stringify(res.body));
    assert.deepEqual((await owner.get(`/api/auth/users/${id}/`)).body, before);
    return res;
  }

  test('update: Admin changes anyone, including their role to and from Admin (membership follows)', async () => {
    const up = await as.adm.put(`/api/auth/users/${ids.outsider}/`, { role: 'Admin' });
    assert.equal(up.body.role, 'Admin');
    const members = (await owner.get('/api/members?q=outsider')).body.items;
    assert.equal(members[0].role, 'admin');
    const down = await as.adm.put(`/api/auth/users/${ids.outsider}/`, { role: 'User' });
    assert.equal(down.body.role, 'User');
    assert.equal((await owner.get('/api/members?q=outsider')).body.items[0].role, 'member');
  });

  test('update: the owner stays Admin (422) and nothing changes', async () => {
    const me = (await owner.get('/api/auth/me')).body.user;
    assert.ok(me);
    const res = await unchangedAfter(as.adm, me.id, { role: 'User', full_name: 'Demoted' }, 422);
    assert.equal(res.body.errors[0].path, 'body.role');
  });

  test('update: Unit Head manages users of their unit', async () => {
    const res = await as.head.put(`/api/auth/users/${ids.worker}/`, {
      role: 'Section Head',
      unit_assignments_data: [
        { unit_id: p.unit.MUM, department_ids: [p.dept.MUM.QC, p.dept.MUM.Production] },
      ],
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.role, 'Section Head');
    assert.equal((await as.head.put(`/api/auth/users/${ids.worker}/`, { role: 'User' })).status, 200);
  });

  test('update: a Unit Head gets 404 outside their units, 403 for Admins, raising to Admin, units not held', async () => {
    await unchangedAfter(as.head, ids.outsider, { full_name: 'x' }, 404);
    await unchangedAfter(as.head, ids.adm, { full_name: 'x' }, 403);
    await unchangedAfter(as.head, ids.worker, { role: 'Admin' }, 403);
    await unchangedAfter(
      as.head,
      ids.worker,
      {
        unit_assignments_data: [
          { unit_id: p.unit.MUM, department_ids: [] },
          { unit_id: p.unit.BLR, department_ids: [] },
        ],
      },
      403,
    );
    // Dropping twoplants' Pune assignment would change a unit the Unit Head does not hold.
    const res = await unchangedAfter(
      as.head,
      ids.twoplants,
      { unit_assignments_data: [{ unit_id: p.unit.MUM, department_ids: [] }] },
      403,
    );
    assert.match(res.body.detail, /Pune Plant/);
    // Resending Pune unchanged is fine: only Mumbai changes.
    const ok = await as.head.put(`/api/auth/users/${ids.twoplants}/`, {
      unit_assignments_data: [
        { unit_id: p.unit.MUM, department_ids: [p.dept.MUM.QC] },
        { unit_id: p.unit.PUN, department_ids: [p.dept.PUN.QA] },
      ],
    });
    assert.equal(ok.status, 200);
  });

  test('update: Section Head and User manage nobody (403 when visible, 404 otherwise), not even themselves', async () => {
    await unchangedAfter(as.sect, ids.worker, { full_name: 'x' }, 403);
    await unchangedAfter(as.sect, ids.rnd, { full_name: 'x' }, 404);
    await unchangedAfter(as.worker, ids.worker, { role: 'Unit Head' }, 403);
    await unchangedAfter(as.worker, ids.sect, { full_name: 'x' }, 404);
  });

  // ---------------------------------------------------------------- reference data

  test('units: everyone lists them; assigned=true gives mine; only Admins create, change and delete', async () => {
    for (const who of ['head', 'sect', 'worker', 'outsider']) {
      assert.equal((await as[who].get('/api/auth/units/')).body.items.length, 4);
      assert.equal(
        (await as[who].post('/api/auth/units/', { unit_name: 'X', unit_code: `X${who}` })).status,
        403,
      );
      assert.equal((await as[who].put(`/api/auth/units/${p.unit.MUM}/`, { unit_name: 'X' })).status, 403);
      assert.equal((await as[who].delete(`/api/auth/units/${p.unit.MUM}/`)).status, 403);
    }
    assert.deepEqual(
      (await as.twoplants.get('/api/auth/units/?assigned=true')).body.items.map((u) => u.unit_code),
      ['MUM', 'PUN'],
    );
    assert.deepEqual(
      (await as.outsider.get('/api/auth/units/?assigned=true')).body.items.map((u) => u.unit_code),
      ['BLR'],
    );
    assert.equal(
      (await as.adm.get('/api/auth/units/?assigned=true')).body.items.length,
      4,
      'Admins are in every unit',
    );
    const created = await as.adm.post('/api/auth/units/', { unit_name: 'Kochi Plant', unit_code: 'KOC' });
    assert.equal(created.status, 201);
    assert.equal((await owner.get(`/api/auth/units/${p.unit.MUM}/`)).body.unit_name, 'Mumbai Plant');
  });

  test('departments: Unit Heads manage those of their units only; Section Heads and Users none', async () => {
    const mine = await as.head.post('/api/auth/departments/', {
      unit_id: p.unit.MUM,
      department_name: 'Stores',
    });
    assert.equal(mine.status, 201);
    assert.equal(
      (await as.head.put(`/api/auth/departments/${mine.body.id}/`, { department_name: 'Main Stores' })).body
        .department_name,
      'Main Stores',
    );
    const theirs = await as.head.post('/api/auth/departments/', {
      unit_id: p.unit.PUN,
      department_name: 'Stores',
    });
    assert.equal(theirs.status, 403);
    assert.equal((await as.head.delete(`/api/auth/departments/${p.dept.PUN.QA}/`)).status, 403);
    for (const who of ['sect', 'worker']) {
      assert.equal(
        (await as[who].post('/api/auth/departments/', { unit_id: p.unit.MUM, department_name: `D${who}` }))
          .status,
        403,
      );
      assert.equal(
        (await as[who].put(`/api/auth/departments/${p.dept.MUM.QC}/`, { department_name: 'x' })).status,
        403,
      );
    }
    assert.equal((await owner.get(`/api/auth/departments/${p.dept.MUM.QC}/`)).body.department_name, 'QC');
    assert.equal((await owner.get(`/api/auth/departments/${p.dept.PUN.QA}/`)).body.is_active, true);
    // A User restricted to R&D sees only R&D among Mumbai's departments.
    assert.deepEqual(
      (await as.rnd.get('/api/auth/departments/?assigned=true')).body.items.map((d) => d.department_name),
      ['R&D'],
    );
  });

  test('sections: everyone lists them, only Admins create', async () => {
    assert.equal((await as.worker.get('/api/auth/sections/')).body.items.length, 2);
    assert.equal((await as.head.post('/api/auth/sections/', { section_name: 'Stores' })).status, 403);
    assert.equal((await as.adm.post('/api/auth/sections/', { section_name: 'Stores' })).status, 201);
  });

  test('a viewer membership is read-only whatever the org-module role', async () => {
    const { id, client } = await env().makeUser(org, 'viewer.head', 'viewer');
    await owner.put(`/api/auth/users/${id}/`, {
      role: 'Unit Head',
      unit_assignments_data: [{ unit_id: p.unit.MUM, department_ids: [] }],
    });
    const res = await client.put(`/api/auth/users/${ids.worker}/`, { full_name: 'x' });
    assert.equal(res.status, 403);
    assert.equal(res.body.detail, 'Your role is read-only');
  });
});
