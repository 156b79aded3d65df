import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { z } from 'zod';
import { describeEachBackend, type Client } from '../../../test/support/env.ts';
import { connectLive, type LiveClient, type LiveMessage } from '../../../test/support/live.ts';
import type { Organization } from '../identity/service.ts';
import { evaluateAlerts } from './alerts.ts';
import type { assignmentOut, groupOut, performerOut, unitOut } from './views.ts';

const M = '/api/monitoring';
type UnitJson = z.infer<typeof unitOut>;
type GroupJson = z.infer<typeof groupOut>;
type PerformerJson = z.infer<typeof performerOut>;
type AssignmentJson = z.infer<typeof assignmentOut>;

/** A stage: a location, a receiver with `channels` units, a group with `tech` in it. */
async function buildStage(admin: Client, techId: number, name: string, channels: number) {
  const location = (await admin.post(`${M}/locations`, { building: name, room: 'Stage' })).body;
  const rack = (await admin.post(`${M}/chassis`, { name: `${name} rack`, location_id: location.id })).body;
  const units: UnitJson[] = [];
  for (let slot = 1; slot <= channels; slot++) {
    const res = await admin.post(`${M}/units`, {
      chassis_id: rack.id,
      name: `CH${slot}`,
      slot,
      battery: 80,
      rf_signal: 70,
      audio_level: 30,
      status: 'online',
      last_seen: new Date().toISOString(),
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    units.push(res.body);
  }
  const group: GroupJson = (await admin.post(`${M}/groups`, { name, members: [techId] })).body;
  return { location, units, group };
}

async function assign(admin: Client, performer: PerformerJson, unit: UnitJson, group: GroupJson) {
  const res = await admin.post(`${M}/assignments`, {
    performer_id: performer.id,
    wireless_unit_id: unit.id,
    monitoring_group_id: group.id,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body as AssignmentJson;
}

describeEachBackend('monitoring: boards, display links, counts and filters', (env) => {
  let org: Organization;
  let admin: Client;
  let tech: Client;
  let viewer: Client;
  let techId: number;

  test('a board keeps its arranged order and spacers; bad slots are a 400 naming the slot and change nothing', async () => {
    ({ org, admin } = await env().makeOrg('wall'));
    ({ id: techId, client: tech } = await env().makeUser(org, 'wall.tech'));
    ({ client: viewer } = await env().makeUser(org, 'wall.viewer', 'viewer'));
    const { units, group } = await buildStage(admin, techId, 'Board stage', 3);
    const people: PerformerJson[] = [];
    for (const name of ['Ann', 'Bea', 'Cid'])
      people.push((await admin.post(`${M}/performers`, { name })).body);
    const [a, b, c] = [
      await assign(admin, people[0], units[0], group),
      await assign(admin, people[1], units[1], group),
      await assign(admin, people[2], units[2], group),
    ];
    const board = `${M}/groups/${group.id}/board` as const;

    const initial = await tech.get(board);
    assert.equal(initial.status, 200);
    assert.equal(initial.body.arranged, false);
    assert.equal(initial.body.slots.length, 3);

    const saved = await tech.put(board, {
      slots: [
        { kind: 'assignment', assignment_id: c.id },
        { kind: 'spacer' },
        { kind: 'assignment', assignment_id: a.id },
      ],
    });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    const order = (slots: typeof saved.body.slots) =>
      slots.map((s) => (s.kind === 'spacer' ? '—' : s.performer.name));
    // Bea was not placed: she follows the arranged part instead of dropping off the wall.
    assert.deepEqual(order(saved.body.slots), ['Cid', '—', 'Ann', 'Bea']);
    assert.deepEqual(order((await admin.get(board)).body.slots), ['Cid', '—', 'Ann', 'Bea']);

    const twice = await tech.put(board, {
      slots: [
        { kind: 'assignment', assignment_id: b.id },
        { kind: 'assignment', assignment_id: b.id },
      ],
    });
    assert.equal(twice.status, 400);
    assert.deepEqual(twice.body.errors, [{ path: 'body.slots.1.assignment_id', message: 'listed twice' }]);
    const foreign = await tech.put(board, {
      slots: [{ kind: 'assignment', assignment_id: '0190f1f4-0000-7000-8000-000000000000' }],
    });
    assert.equal(foreign.status, 400);
    assert.equal(foreign.body.errors[0].path, 'body.slots.0.assignment_id');
    assert.equal((await viewer.put(board, { slots: [] })).status, 404, 'outside the group: not found');
    assert.deepEqual(order((await tech.get(board)).body.slots), ['Cid', '—', 'Ann', 'Bea'], 'unchanged');

    // A deactivated assignment leaves the wall without leaving a hole.
    await admin.post(`${M}/assignments/${c.id}/deactivate`);
    assert.deepEqual(order((await tech.get(board)).body.slots), ['—', 'Ann', 'Bea']);
    // An empty arrangement returns the wall to its default order.
    assert.equal((await tech.put(board, { slots: [] })).body.arranged, false);
  });

  test('a display link shows its group wall without a login, reaches nothing else, and stops when revoked', async () => {
    const { units, group, location } = await buildStage(admin, techId, 'Display stage', 2);
    const dana = (await admin.post(`${M}/performers`, { name: 'Dana', title: 'Host' })).body;
    const eli = (await admin.post(`${M}/performers`, { name: 'Eli' })).body;
    const onCh1 = await assign(admin, dana, units[0], group);
    const onCh2 = await assign(admin, eli, units[1], group);
    await admin.put(`${M}/groups/${group.id}/board`, {
      slots: [
        { kind: 'assignment', assignment_id: onCh2.id },
        { kind: 'spacer' },
        { kind: 'assignment', assignment_id: onCh1.id },
      ],
    });
    // CH1 was last heard from a minute ago: older than the link's 10 s, so shown as stale.
    await admin.patch(`${M}/units/${units[0].id}`, {
      last_seen: new Date(Date.now() - 60_000).toISOString(),
    });

    assert.equal(
      (await tech.post(`${M}/display-links`, { name: 'TV', monitoring_group_id: group.id })).status,
      403,
    );
    const both = await admin.post(`${M}/display-links`, {
      name: 'TV',
      monitoring_group_id: group.id,
      location_id: location.id,
    });
    assert.equal(both.status, 400);
    assert.equal(both.body.errors[0].path, 'body.monitoring_group_id');
    const created = await admin.post(`${M}/display-links`, {
      name: 'Side of stage',
      monitoring_group_id: group.id,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.match(created.body.token, /^rdl_/);
    assert.equal(created.body.url, `/display#${created.body.token}`);
    assert.deepEqual(created.body.scope, { kind: 'group', id: group.id, name: 'Display stage' });
    const listed = await admin.get(`${M}/display-links`);
    assert.ok(listed.body.items.some((l) => l.id === created.body.id));
    assert.ok(!('token' in listed.body.items[0]), 'the token is shown only once');

    const screen = env().client(created.body.token);
    const wall = await screen.get(`${M}/display`);
    assert.equal(wall.status, 200, JSON.stringify(wall.body));
    assert.equal(wall.body.scope.name, 'Display stage');
    const slots = wall.body.slots.map((s) =>
      s.kind === 'spacer' ? '—' : `${s.performers[0].name}:${s.unit.name}:${s.stale ? 'stale' : 'fresh'}`,
    );
    assert.deepEqual(slots, ['Eli:CH2:fresh', '—', 'Dana:CH1:stale']);
    assert.equal(wall.body.thresholds.battery_warning_percent, 25);

    // Read-only and nothing else: every other route refuses the display credential.
    assert.equal((await screen.get(`${M}/performers`)).status, 403);
    assert.equal((await screen.get(`${M}/groups/${group.id}/board`)).status, 403);
    assert.equal(
      (await screen.post(`${M}/display-links`, { name: 'x', location_id: location.id })).status,
      403,
    );
    assert.equal((await screen.get('/api/auth/users')).status, 403);
    // And a person's session is not a display.
    assert.equal((await admin.get(`${M}/display`)).status, 403);

    const revoked = await admin.post(`${M}/display-links/${created.body.id}/revoke`);
    assert.equal(revoked.status, 200);
    assert.ok(revoked.body.revoked_at);
    assert.equal((await screen.get(`${M}/display`)).status, 401);
    assert.ok(!(await admin.get(`${M}/display-links`)).body.items.some((l) => l.id === created.body.id));
    assert.ok(
      (await admin.get(`${M}/display-links?include_revoked=true`)).body.items.some(
        (l) => l.id === created.body.id,
      ),
    );
  });

  test('a location display shows every active channel of its receivers, worn or not', async () => {
    const { units, group, location } = await buildStage(admin, techId, 'Location stage', 2);
    const fay = (await admin.post(`${M}/performers`, { name: 'Fay' })).body;
    await assign(admin, fay, units[1], group);
    const link = (await admin.post(`${M}/display-links`, { name: 'Rack TV', location_id: location.id })).body;
    const wall = await env().client(link.token).get(`${M}/display`);
    assert.equal(wall.status, 200, JSON.stringify(wall.body));
    const channels = wall.body.slots.flatMap((s) => (s.kind === 'channel' ? [s] : []));
    assert.deepEqual(
      channels.map((s) => [s.unit.name, s.performers.map((p) => p.name)]),
      [
        ['CH1', []],
        ['CH2', ['Fay']],
      ],
    );
    assert.equal(channels[1].alert, null);
  });

  test('filters and counts: unassigned performers, assignments updated after, counts per group and unit', async () => {
    const { units, group } = await buildStage(admin, techId, 'Count stage', 2);
    const gil = (await admin.post(`${M}/performers`, { name: 'Gil (spare)' })).body;
    const hal = (await admin.post(`${M}/performers`, { name: 'Hal' })).body;
    const before = new Date();
    const onCh1 = await assign(admin, hal, units[0], group);

    const unassigned = await admin.get(`${M}/performers?assigned=false&limit=200`);
    assert.equal(unassigned.status, 200);
    const names = unassigned.body.items.map((p) => p.name);
    assert.ok(names.includes('Gil (spare)') && !names.includes('Hal'));
    const assigned = (await admin.get(`${M}/performers?assigned=true&limit=200`)).body.items.map((p) => p.id);
    assert.ok(assigned.includes(hal.id) && !assigned.includes(gil.id));

    const since = encodeURIComponent(before.toISOString());
    const recent = await admin.get(`${M}/assignments?updated_after=${since}&limit=200`);
    assert.deepEqual(
      recent.body.items.map((a) => a.id),
      [onCh1.id],
    );
    const later = encodeURIComponent(new Date(Date.now() + 60_000).toISOString());
    assert.equal(
      (await admin.get(`${M}/groups/${group.id}/assignments?updated_after=${later}`)).body.items.length,
      0,
    );
    const badInstant = await admin.get(`${M}/assignments?updated_after=yesterday`);
    assert.equal(badInstant.status, 400);
    assert.equal(badInstant.body.errors[0].path, 'query.updated_after');

    const byGroup = await tech.get(`${M}/counts?by=group&limit=200`);
    assert.equal(byGroup.status, 200);
    const mine = byGroup.body.items.find((g) => g.id === group.id);
    assert.deepEqual(mine && [mine.performers, mine.active_assignments, mine.open_alerts], [1, 1, 0]);
    const byUnit = await tech.get(`${M}/counts?by=unit&limit=200`);
    const ch1 = byUnit.body.items.find((u) => u.id === units[0].id);
    assert.deepEqual(ch1 && [ch1.performers, ch1.active_assignments], [1, 1]);
    assert.ok(!byUnit.body.items.some((u) => u.id === units[1].id), 'CH2 is in nobody’s reach');
    assert.equal((await tech.get(`${M}/counts?by=chassis`)).body.errors[0].path, 'query.by');
  });

  test('an unknown query parameter is a 400 naming it, and nothing changes', async () => {
    const count = (await admin.get(`${M}/performers/count`)).body.count;
    const misspelt = await admin.get(`${M}/performers?asigned=false`);
    assert.equal(misspelt.status, 400);
    assert.deepEqual(misspelt.body.errors, [{ path: 'query.asigned', message: 'unknown parameter' }]);
    // A route that takes no parameters takes none.
    const none = await admin.get(`${M}/settings?verbose=1`);
    assert.equal(none.status, 400);
    assert.deepEqual(none.body.errors, [{ path: 'query.verbose', message: 'unknown parameter' }]);
    // And a write with one is refused before anything is stored.
    const write = await admin.post(`${M}/performers?dry_run=true`, { name: 'Nobody' });
    assert.equal(write.status, 400);
    assert.equal((await admin.get(`${M}/performers/count`)).body.count, count);
  });

  test('title, role description and screen width: on the user for admins, and on me for the person', async () => {
    const mine = await tech.get('/api/auth/me/profile');
    assert.equal(mine.status, 200);
    assert.deepEqual(
      [mine.body.title, mine.body.role_description, mine.body.display_width_px],
      ['', '', null],
    );
    const changed = await tech.patch('/api/auth/me/profile', {
      title: 'RF technician',
      role_description: 'Watches stage left',
      display_width_px: 1366,
    });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal(changed.body.display_width_px, 1366);
    const bad = await tech.patch('/api/auth/me/profile', { display_width_px: 10, role: 'Admin' });
    assert.equal(bad.status, 400);
    const paths = bad.body.errors.map((e) => e.path);
    assert.ok(paths.includes('body.role') && paths.includes('body.display_width_px'), paths.join());
    assert.equal((await tech.get('/api/auth/me/profile')).body.display_width_px, 1366, 'unchanged');
    const seen = await admin.get(`/api/auth/users/${techId}`);
    assert.deepEqual(
      [seen.body.title, seen.body.role_description, seen.body.display_width_px],
      ['RF technician', 'Watches stage left', 1366],
    );
    const edited = await admin.patch(`/api/auth/users/${techId}`, {
      title: 'Lead RF',
      display_width_px: null,
    });
    assert.equal(edited.status, 200, JSON.stringify(edited.body));
    assert.deepEqual(
      [edited.body.title, edited.body.role_description, edited.body.display_width_px],
      ['Lead RF', 'Watches stage left', null],
    );
  });
});

describeEachBackend('monitoring: display links on the live stream', (env) => {
  const sockets: LiveClient[] = [];
  before(async () => {
    await env().app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(() => sockets.forEach((s) => s.close()));

  test("a display link hears only its own scope live: never another group's telemetry or alerts", async () => {
    const { org, admin } = await env().makeOrg('live-scope');
    const { id: techId } = await env().makeUser(org, 'live.tech');
    const a = await buildStage(admin, techId, 'Live A', 1);
    const b = await buildStage(admin, techId, 'Live B', 1);
    for (const [stage, name] of [
      [a, 'Ann'],
      [b, 'Bob'],
    ] as const)
      await assign(admin, (await admin.post(`${M}/performers`, { name })).body, stage.units[0], stage.group);
    const link = async (body: object) => (await admin.post(`${M}/display-links`, body)).body;
    const port = (env().app.server.address() as { port: number }).port;
    const screen = async (body: object) => {
      const socket = await connectLive(port, { token: (await link(body)).token });
      sockets.push(socket);
      return socket;
    };
    const groupA = await screen({ name: 'A side', monitoring_group_id: a.group.id });
    const placeB = await screen({ name: 'B place', location_id: b.location.id });

    const battery = { severity: 'critical' as const, value: 5, message: 'Battery critical' };
    for (const stage of [b, a]) {
      const unit = stage.units[0];
      assert.equal((await admin.patch(`${M}/units/${unit.id}`, { battery: 40 })).status, 200);
      await env().inOrg(org, (t) =>
        evaluateAlerts(
          t,
          new Map([[unit.id, { name: unit.name, conditions: { battery_low: battery } }]]),
          new Date(),
        ),
      );
    }
    const unitOf = (m: LiveMessage) =>
      m.type.startsWith('monitoring.alert.') ? (m.data as { unit: { id: string } }).unit.id : m.data.id;
    // One bus delivers in order: once A's alert is in, everything published before it is too.
    await groupA.next((m) => m.type === 'monitoring.alert.raised' && unitOf(m) === a.units[0].id);
    await placeB.next((m) => m.type === 'monitoring.alert.raised' && unitOf(m) === b.units[0].id);
    await placeB.next((m) => m.type === 'monitoring.unit.updated' && unitOf(m) === b.units[0].id);
    const heard = (s: LiveClient) =>
      s.messages.filter((m) => m.type !== 'hello').map((m) => `${m.type} ${String(unitOf(m))}`);
    assert.deepEqual(heard(groupA), [
      `monitoring.unit.updated ${a.units[0].id}`,
      `monitoring.alert.raised ${a.units[0].id}`,
    ]);
    assert.deepEqual(heard(placeB), [
      `monitoring.unit.updated ${b.units[0].id}`,
      `monitoring.alert.raised ${b.units[0].id}`,
    ]);
  });
});
