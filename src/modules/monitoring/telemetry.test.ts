import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { describeEachBackend, type Client } from '../../../test/support/env.ts';
import { mayReceive, type LiveEvent } from '../../core/events/bus.ts';
import type { Actor } from '../../core/access/actor.ts';
import type { Organization } from '../identity/service.ts';
import { startReceiver, type SimulatedReceiver } from './simulator.ts';
import { POLL_JOB } from './index.ts';
import { fakeClockPoller, malformedCount } from './adapters/test-support.ts';
import type { z } from 'zod';
import type { AlertView, assignmentOut, chassisOut, unitOut } from './views.ts';

const M = '/api/monitoring';

type UnitJson = z.infer<typeof unitOut>;
/** The simulated receiver's device answer, as far as these tests read it. */
type DeviceAnswer = {
  channels: {
    battery: { bars: number; percent: number; runtime_minutes: number };
    rf: { level_percent: number; level_dbm: number; antenna: string };
    audio: { level_percent: number };
    muted: boolean;
    online: boolean;
  }[];
};

describeEachBackend('monitoring telemetry: simulator → poller → unit state, alerts, live delivery', (env) => {
  let org: Organization;
  let admin: Client;
  let tech: Client;
  let outsider: Client;
  let techId: number;
  let outsiderId: number;
  let rx: SimulatedReceiver;
  let rack: z.infer<typeof chassisOut>;
  const units: UnitJson[] = [];
  const assignment: Record<string, z.infer<typeof assignmentOut> & { performerId: string }> = {};
  // A poller of the test's own on a fake clock, whose receiver reads may take long on a busy machine:
  // a slow answer must not count as an unreachable receiver here (one that is off fails at once).
  const poller = fakeClockPoller(env, '2030-01-01T20:00:00Z');
  const poll = (seconds = 1) => poller.poll(seconds);
  const unit = async (i: number) => (await admin.get(`${M}/units/${units[i].id}`)).body;
  const alertsOf = async (c: Client, query = '') =>
    (await c.get<string, { items: AlertView[] }>(`${M}/alerts${query}`)).body.items;

  after(async () => {
    await poller.close();
    await rx?.close();
  });

  test('the simulator serves a receiver device API and is scriptable over HTTP', async () => {
    rx = await startReceiver({ channels: 4, serial: 'SIM-T1', batteries: [90, 90, 90, 90] });
    const device = (await (await fetch(`http://${rx.host}:${rx.port}/api/v1/device`)).json()) as DeviceAnswer;
    assert.equal(device.channels.length, 4);
    assert.deepEqual(device.channels[0].battery, { bars: 5, percent: 90, runtime_minutes: 540 });
    assert.deepEqual(device.channels[0].rf, { level_percent: 80, level_dbm: -36, antenna: 'A' });
    assert.equal(device.channels[1].rf.antenna, 'B');
    assert.deepEqual(
      [device.channels[0].audio.level_percent, device.channels[0].muted, device.channels[0].online],
      [40, false, true],
    );

    const scripted = await fetch(`http://${rx.host}:${rx.port}/control`, {
      method: 'POST',
      body: JSON.stringify({ channel: 2, battery: 30 }),
    });
    assert.equal(scripted.status, 200);
    assert.equal(rx.state.channels[1].battery, 30);
    const bad = await fetch(`http://${rx.host}:${rx.port}/control`, {
      method: 'POST',
      body: JSON.stringify({ channel: 2, battery: 300 }),
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(await bad.json(), { error: 'battery must be a number 0–100' });
    assert.equal(rx.state.channels[1].battery, 30, 'a refused command changes nothing');
    rx.control({ channel: 2, battery: 90 });
  });

  test('setup: chassis pointing at the simulator, units, performers, assignments in the technician group', async () => {
    ({ org, admin } = await env().makeOrg('live-stage'));
    ({ id: techId, client: tech } = await env().makeUser(org, 'live.tech'));
    ({ id: outsiderId, client: outsider } = await env().makeUser(org, 'live.outsider'));
    rack = (
      await admin.post(`${M}/chassis`, {
        name: 'Rack T',
        serial: 'SIM-T1',
        ip: rx.host,
        port: rx.port,
        is_online: false,
      })
    ).body;
    for (let slot = 1; slot <= 4; slot++)
      units.push((await admin.post(`${M}/units`, { chassis_id: rack.id, name: `CH${slot}`, slot })).body);
    const stage = (await admin.post(`${M}/groups`, { name: 'Stage', members: [techId] })).body;
    await admin.post(`${M}/groups`, { name: 'Side', members: [outsiderId] });
    const people = [
      ['alice', 'Alice', 'critical', {}],
      ['bob', 'Bob', 'high', { alert_on_battery_low: false }],
      ['carla', 'Carla', 'normal', {}],
      ['dave', 'Dave', 'low', {}],
    ] as const;
    for (const [i, [key, name, priority, toggles]] of people.entries()) {
      const p = (await admin.post(`${M}/performers`, { name })).body;
      const a = await admin.post(`${M}/assignments`, {
        performer_id: p.id,
        wireless_unit_id: units[i].id,
        monitoring_group_id: stage.id,
        priority,
        ...toggles,
      });
      assert.equal(a.status, 201, JSON.stringify(a.body));
      assignment[key] = { ...a.body, performerId: p.id };
    }
    assert.equal((await admin.post(`${M}/assignments/${assignment.carla.id}/deactivate`)).status, 200);
    assert.equal((await admin.post(`${M}/performers/${assignment.dave.performerId}/deactivate`)).status, 200);
  });

  test('the poller reads the receiver and updates unit state, chassis state and sampled history', async () => {
    const report = await poll();
    assert.deepEqual(
      [report.orgs, report.chassis, report.unreachable, report.malformed, report.unitsUpdated],
      [1, 1, 0, 0, 4],
    );
    const ch1 = await unit(0);
    assert.deepEqual(
      [
        ch1.battery,
        ch1.battery_bars,
        ch1.battery_runtime_minutes,
        ch1.rf_signal,
        ch1.rf_antenna,
        ch1.audio_level,
        ch1.is_muted,
        ch1.status,
        ch1.last_seen,
      ],
      [90, 5, 540, 80, 'A', 40, false, 'online', poller.now().toISOString()],
    );
    const c = (await admin.get(`${M}/chassis/${rack.id}`)).body;
    assert.deepEqual([c.is_online, c.missed_polls, c.last_polled_at], [true, 0, poller.now().toISOString()]);
    const history = (await admin.get(`${M}/units/${units[0].id}/history`)).body;
    assert.deepEqual(history.items, [
      { at: poller.now().toISOString(), battery: 90, rf_signal: 80, audio_level: 40, status: 'online' },
    ]);
    await poll();
    assert.equal(
      (await admin.get(`${M}/units/${units[0].id}/history`)).body.items.length,
      1,
      'one sample per unit per history_every_seconds (10 s)',
    );
    assert.equal((await tech.get(`${M}/units/${units[0].id}/history`)).status, 200);
    assert.equal((await outsider.get(`${M}/units/${units[0].id}/history`)).status, 404);
  });

  test(
    'battery low raises a warning then a critical alert with the assignment priority, once, ' +
      'only where the toggle is on and the assignment and performer are active',
    async () => {
      for (const ch of [1, 2, 3, 4]) rx.control({ channel: ch, battery: 20 });
      const first = await poll();
      assert.equal(first.raised, 1);
      let open = await alertsOf(admin, '?state=open');
      assert.equal(
        open.length,
        1,
        'Bob has the battery toggle off, Carla an inactive assignment, Dave is an inactive performer',
      );
      assert.deepEqual(
        [
          open[0].kind,
          open[0].severity,
          open[0].priority,
          open[0].performer,
          open[0].unit,
          open[0].value,
          open[0].assignment_id,
          open[0].message,
        ],
        [
          'battery_low',
          'warning',
          'critical',
          { id: assignment.alice.performerId, name: 'Alice' },
          { id: units[0].id, name: 'CH1' },
          20,
          assignment.alice.id,
          'Battery low on CH1: 20 %',
        ],
      );

      rx.control({ channel: 1, battery: 8 });
      const worse = await poll();
      assert.deepEqual([worse.raised, worse.escalated], [0, 1]);
      for (let i = 0; i < 5; i++) await poll();
      open = await alertsOf(admin, '?state=open');
      assert.equal(open.length, 1, 'one unresolved alert per (unit, kind), however many polls');
      assert.deepEqual(
        [open[0].severity, open[0].value, open[0].message],
        ['critical', 8, 'Battery critical on CH1: 8 %'],
      );
    },
  );

  test('the database refuses a second unresolved alert for the same unit and kind', async () => {
    const [existing] = await alertsOf(admin, '?state=open');
    await assert.rejects(
      env().inOrg(org, async (t) => {
        const { alerts } = await import('./schema.ts');
        await t.tx.insert(alerts).values({
          orgId: org.id,
          unitId: units[0].id,
          performerId: assignment.alice.performerId,
          assignmentId: assignment.alice.id,
          kind: 'battery_low',
          severity: 'warning',
          priority: 'low',
          message: 'dup',
          raisedAt: new Date(),
        });
      }),
    );
    assert.deepEqual(
      (await alertsOf(admin)).map((a) => a.id),
      [existing.id],
    );
  });

  test(
    'alerts are scoped by group: the technician sees and acknowledges; ' +
      'outside the group it is 404 and an empty list',
    async () => {
      const [alert] = await alertsOf(tech, '?state=open');
      assert.equal(alert.unit.name, 'CH1');
      assert.deepEqual(await alertsOf(outsider), []);
      assert.equal((await outsider.get(`${M}/alerts/${alert.id}`)).status, 404);
      const refused = await outsider.post(`${M}/alerts/${alert.id}/acknowledge`);
      assert.equal(refused.status, 404);
      assert.equal(
        (await admin.get(`${M}/alerts/${alert.id}`)).body.state,
        'open',
        'a refused acknowledge changes nothing',
      );

      const ack = await tech.post(`${M}/alerts/${alert.id}/acknowledge`);
      assert.equal(ack.status, 200);
      assert.deepEqual(
        [ack.body.state, ack.body.acknowledged_by, typeof ack.body.acknowledged_at],
        ['acknowledged', techId, 'string'],
      );
      const again = await tech.post(`${M}/alerts/${alert.id}/acknowledge`);
      assert.equal(again.status, 409);
      assert.match(again.body.detail, /already acknowledged/);
      assert.deepEqual(
        (await alertsOf(admin, '?state=acknowledged')).map((a) => a.id),
        [alert.id],
      );
      assert.deepEqual(await alertsOf(admin, '?state=open'), []);
      await poll();
      assert.equal(
        (await admin.get(`${M}/alerts/${alert.id}`)).body.state,
        'acknowledged',
        'polling does not reopen an acknowledged alert of the same severity',
      );
    },
  );

  test('the alert resolves itself when the battery is replaced; history keeps it and filters work', async () => {
    for (const ch of [1, 2, 3, 4]) rx.control({ channel: ch, battery: 100 });
    const report = await poll();
    assert.equal(report.resolved, 1);
    const resolved = await alertsOf(admin, '?state=resolved');
    assert.equal(resolved.length, 1);
    assert.equal(typeof resolved[0].resolved_at, 'string');
    assert.equal((await alertsOf(admin, '?kind=battery_low&priority=critical')).length, 1);
    assert.equal((await alertsOf(admin, '?priority=low')).length, 0);
    assert.equal((await alertsOf(admin, `?unit=${units[1].id}`)).length, 0);
    assert.equal(
      (await alertsOf(admin, `?from=${encodeURIComponent(poller.now().toISOString())}`)).length,
      0,
    );
    assert.equal((await alertsOf(admin, `?to=${encodeURIComponent(poller.now().toISOString())}`)).length, 1);
    const bad = await admin.get(`${M}/alerts?state=sleeping`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].path, 'query.state');
  });

  test('malformed telemetry is counted, the unit keeps its last good state and the poller keeps running', async () => {
    const before = await malformedCount(env);
    rx.control({ channel: 1, battery: 50 });
    rx.control({ channel: 2, battery: 70 });
    rx.control({ channel: 1, malformed: 'schema' });
    const report = await poll();
    assert.equal(report.malformed, 1);
    assert.equal((await unit(0)).battery, 100, 'CH1 keeps its last good reading');
    assert.equal((await unit(1)).battery, 70, 'the well-formed channels of the same receiver still update');
    assert.equal(await malformedCount(env), before + 1);

    rx.control({ malformed: 'json' });
    rx.control({ channel: 2, battery: 60 });
    await poll();
    assert.equal((await unit(1)).battery, 70, 'a truncated answer changes nothing');
    assert.equal(await malformedCount(env), before + 2);
    assert.equal(
      (await admin.get(`${M}/chassis/${rack.id}`)).body.is_online,
      true,
      'a receiver that answers is not offline',
    );

    rx.control({ malformed: null });
    await poll();
    assert.deepEqual([(await unit(0)).battery, (await unit(1)).battery], [50, 60]);
    rx.control({ battery: 100 });
    await poll();
  });

  test('signal loss needs RF below the threshold for the whole duration; audio low only while unmuted', async () => {
    rx.control({ channel: 1, rf: 5 });
    await poll();
    assert.equal((await poll(4)).raised, 0, 'four seconds of low RF is not yet a loss');
    assert.equal((await poll(1)).raised, 1);
    const [loss] = await alertsOf(admin, '?kind=signal_loss&state=open');
    assert.deepEqual([loss.severity, loss.value, loss.performer.name], ['critical', 5, 'Alice']);
    rx.control({ channel: 1, rf: 80 });
    assert.equal((await poll()).resolved, 1);

    rx.control({ channel: 1, audio: 0 });
    await poll();
    await poll(40);
    assert.deepEqual(
      await alertsOf(admin, '?kind=audio_low'),
      [],
      'audio low is off by default on an assignment',
    );
    assert.equal(
      (await admin.patch(`${M}/assignments/${assignment.alice.id}`, { alert_on_audio_low: true })).status,
      200,
    );
    assert.equal((await poll()).raised, 1);
    assert.equal((await alertsOf(admin, '?kind=audio_low&state=open')).length, 1);
    rx.control({ channel: 1, muted: true });
    const muted = await poll();
    assert.equal(muted.resolved, 1, 'a muted mic is silent on purpose');
    assert.equal((await unit(0)).status, 'muted');
    rx.control({ channel: 1, muted: false, audio: 40 });
    await poll();
  });

  test('a receiver that stops answering is marked offline after the missed polls and raises device-offline alerts', async () => {
    rx.control({ offline: true });
    await poll();
    await poll();
    let c = (await admin.get(`${M}/chassis/${rack.id}`)).body;
    assert.deepEqual([c.is_online, c.missed_polls], [true, 2]);
    assert.equal((await unit(0)).status, 'online');
    const third = await poll();
    assert.equal(third.raised, 2, 'Alice and Bob (device_offline on); Carla and Dave are not active');
    c = (await admin.get(`${M}/chassis/${rack.id}`)).body;
    assert.deepEqual([c.is_online, c.missed_polls], [false, 3]);
    assert.equal((await unit(0)).status, 'offline');
    assert.equal((await unit(0)).battery, 100, 'the last known battery stays readable');
    const offline = await alertsOf(admin, '?kind=device_offline&state=open');
    assert.deepEqual(offline.map((a) => [a.performer.name, a.priority, a.severity]).sort(), [
      ['Alice', 'critical', 'critical'],
      ['Bob', 'high', 'critical'],
    ]);

    rx.control({ offline: false });
    const back = await poll();
    assert.equal(back.resolved, 2);
    c = (await admin.get(`${M}/chassis/${rack.id}`)).body;
    assert.deepEqual([c.is_online, c.missed_polls, (await unit(0)).status], [true, 0, 'online']);
  });

  test('alerts and unit changes reach the group members and admins live, not other technicians', async () => {
    const seen: LiveEvent[] = [];
    const off = env().bus.subscribe((e) => seen.push(e));
    try {
      rx.control({ channel: 1, battery: 15 });
      await poll();
      const [alert] = await alertsOf(tech, '?state=open');
      await tech.post(`${M}/alerts/${alert.id}/acknowledge`);
      rx.control({ channel: 1, battery: 100 });
      await poll();
    } finally {
      off();
    }
    const as = (userId: number, orgRole: Actor['orgRole'] = 'member'): Actor => ({
      userId,
      label: 'x',
      orgId: org.id,
      orgRole,
      via: 'session',
    });
    const types = seen.filter((e) => e.type.startsWith('monitoring.alert.')).map((e) => e.type);
    assert.deepEqual(types, [
      'monitoring.alert.raised',
      'monitoring.alert.acknowledged',
      'monitoring.alert.resolved',
    ]);
    for (const e of seen.filter((e) => e.type.startsWith('monitoring.alert.'))) {
      assert.equal((e.data as AlertView).unit.id, units[0].id);
      assert.ok(mayReceive(as(techId), e), `${e.type} reaches the group member`);
      assert.ok(!mayReceive(as(outsiderId), e), `${e.type} does not reach a technician of another group`);
      assert.ok(mayReceive(as(999_999, 'admin'), e), `${e.type} reaches org admins`);
    }
    const unitEvent = seen.find(
      (e) => e.type === 'monitoring.unit.updated' && (e.data as UnitJson).id === units[0].id,
    );
    assert.ok(unitEvent, 'CH1 was published');
    assert.equal((unitEvent.data as UnitJson).battery, 15);
    assert.ok(mayReceive(as(techId), unitEvent) && !mayReceive(as(outsiderId), unitEvent));
  });

  test('thresholds are per org: admins read and change them; bad values are refused and change nothing', async () => {
    const defaults = await admin.get(`${M}/settings`);
    assert.deepEqual(defaults.body, {
      poll_interval_ms: 1000,
      battery_warning_percent: 25,
      battery_critical_percent: 10,
      rf_loss_below_percent: 15,
      rf_loss_seconds: 5,
      silence_below_percent: 5,
      silence_seconds: 30,
      offline_after_missed_polls: 3,
      history_every_seconds: 10,
      history_retention_hours: 48,
    });
    assert.equal((await tech.get(`${M}/settings`)).status, 403);
    assert.equal((await tech.put(`${M}/settings`, { battery_warning_percent: 50 })).status, 403);
    const inverted = await admin.put(`${M}/settings`, { battery_critical_percent: 30 });
    assert.equal(inverted.status, 422);
    assert.equal(inverted.body.errors[0].path, 'body.battery_critical_percent');
    const unknown = await admin.put(`${M}/settings`, { battery: 5 });
    assert.equal(unknown.status, 400);
    assert.deepEqual(unknown.body.errors, [{ path: 'body.battery', message: 'unknown field' }]);
    assert.deepEqual(
      (await admin.get(`${M}/settings`)).body,
      defaults.body,
      'refused changes stored nothing',
    );

    const changed = await admin.put(`${M}/settings`, { battery_warning_percent: 40 });
    assert.equal(changed.status, 200);
    assert.deepEqual([changed.body.battery_warning_percent, changed.body.battery_critical_percent], [40, 10]);
    rx.control({ channel: 1, battery: 35 });
    assert.equal((await poll()).raised, 1, '35 % is low under the new 40 % warning level');
    rx.control({ channel: 1, battery: 100 });
    await poll();
  });

  test('the poll runs as the monitoring.poll job', async () => {
    assert.ok(env().app.jobs.names().includes(POLL_JOB));
    await env().app.jobs.runNow(POLL_JOB);
  });
});
