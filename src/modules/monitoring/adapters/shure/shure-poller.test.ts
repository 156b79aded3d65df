import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { z } from 'zod';
import { describeEachBackend, type Client } from '../../../../../test/support/env.ts';
import type { AlertView, chassisOut, unitOut } from '../../views.ts';
import { fakeClockPoller, malformedCount } from '../test-support.ts';
import { startShureReceiver, type SimulatedShureReceiver } from './simulator.ts';

const M = '/api/monitoring';

describeEachBackend(
  'monitoring with a Shure receiver: simulator → Shure adapter → poller → alerts',
  (env) => {
    let admin: Client;
    let rx: SimulatedShureReceiver;
    let rack: z.infer<typeof chassisOut>;
    const units: z.infer<typeof unitOut>[] = [];
    const poller = fakeClockPoller(env);
    const poll = () => poller.poll();
    const unit = async (i: number) => (await admin.get(`${M}/units/${units[i].id}`)).body;
    const malformed = () => malformedCount(env);

    after(async () => {
      await poller.close();
      await rx?.close();
    });

    test('setup: a Shure AD4D chassis (protocol chosen from the manufacturer), units, an assignment', async () => {
      rx = await startShureReceiver({ model: 'AD4D', batteries: [70, 90] });
      let org;
      ({ org, admin } = await env().makeOrg('shure-stage'));
      const { id: techId } = await env().makeUser(org, 'shure.tech');
      const created = await admin.post(`${M}/chassis`, {
        name: 'Rack AD',
        manufacturer: 'Shure',
        model: 'AD4D',
        ip: rx.host,
        port: rx.port,
      });
      assert.equal(created.status, 201);
      rack = created.body;
      assert.equal(rack.protocol, 'shure');
      const other = (await admin.post(`${M}/chassis`, { name: 'Own API', ip: '203.0.113.9', port: 80 })).body;
      assert.equal(other.protocol, 'roster-json', 'other receivers keep the JSON device API');
      assert.equal((await admin.delete(`${M}/chassis/${other.id}`)).status, 204);
      for (let slot = 1; slot <= 2; slot++)
        units.push((await admin.post(`${M}/units`, { chassis_id: rack.id, name: `CH${slot}`, slot })).body);
      const group = (await admin.post(`${M}/groups`, { name: 'Studio', members: [techId] })).body;
      const p = (await admin.post(`${M}/performers`, { name: 'Farah' })).body;
      const a = await admin.post(`${M}/assignments`, {
        performer_id: p.id,
        wireless_unit_id: units[0].id,
        monitoring_group_id: group.id,
      });
      assert.equal(a.status, 201);
    });

    test('a poll reads battery, RF and antenna over the Shure protocol', async () => {
      const report = await poll();
      assert.deepEqual(
        [report.chassis, report.unreachable, report.malformed, report.unitsUpdated],
        [1, 0, 0, 2],
      );
      const ch1 = await unit(0);
      assert.deepEqual(
        [ch1.status, ch1.battery, ch1.battery_bars, ch1.rf_signal, ch1.rf_antenna],
        ['online', 70, 4, 80, 'A'],
      );
      assert.equal((await admin.get(`${M}/chassis/${rack.id}`)).body.is_online, true);
    });

    test('battery drain on the receiver raises a critical alert; a transmitter switched off goes offline', async () => {
      rx.control({ channel: 1, battery: 8 });
      await poll();
      const alerts = (await admin.get<string, { items: AlertView[] }>(`${M}/alerts?state=open`)).body.items;
      assert.deepEqual(
        alerts.map((a) => [a.kind, a.severity, a.value]),
        [['battery_low', 'critical', 8]],
      );
      rx.control({ channel: 2, online: false });
      await poll();
      assert.equal((await unit(1)).status, 'offline');
    });

    test('garbled lines are counted; the units keep their state and the next read is fine', async () => {
      const before = await malformed();
      rx.control({ garbled: true });
      const report = await poll();
      assert.equal(report.unreachable, 0);
      assert.ok((await malformed()) > before, 'counted');
      assert.equal((await unit(0)).battery, 8);
      rx.control({ garbled: false, channel: 1, battery: 95 });
      await poll();
      assert.equal((await unit(0)).battery, 95);
    });

    test('a receiver that loses power misses polls and goes offline', async () => {
      rx.control({ offline: true });
      for (let i = 0; i < 3; i++) assert.equal((await poll()).unreachable, 1);
      assert.equal((await admin.get(`${M}/chassis/${rack.id}`)).body.is_online, false);
    });
  },
);
