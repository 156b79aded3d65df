import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { configureOutbound } from '../../../../core/net/outbound.ts';
import type { z } from 'zod';
import { describeEachBackend, type Client } from '../../../../../test/support/env.ts';
import type { AlertView, chassisOut, unitOut } from '../../views.ts';
import type { ChannelReading } from '../types.ts';
import { chassisRow, fakeClockPoller } from '../test-support.ts';
import { sennheiserAdapter } from './index.ts';
import { DeviceState, toReading } from './protocol.ts';
import { startSennheiserReceiver, type SimulatedSennheiserReceiver } from './simulator.ts';

const M = '/api/monitoring';

/** Recorded SSC answers of an EW-DX EM 2 (values as the receiver sends them). */
const TRANSCRIPT = [
  { device: { identity: { product: 'EW-DX EM 2', serial: '1234567890', version: '3.1.0' }, name: 'Rack 1' } },
  { rx1: { name: 'VOX 1', frequency: 470200, mute: false } },
  { mates: { tx1: { battery: { gauge: 65, lifetime: 312 }, device_type: 'HANDHELD', mute: false } } },
  { rx2: { name: 'VOX 2', frequency: 471800, mute: true } },
  { osc: { error: [{ mates: { tx2: { battery: { gauge: [424] } } } }] } },
  { mates: { active: ['tx1'] } },
  { osc: { state: { subscribe: [{ '#': { lifetime: 10 }, m: { rx1: { rssi: null } } }] } } },
  { m: { rx1: { rssi: -52, rsqi: 96, divi: 2, af: -18 } } },
];

describe('SSC transcripts', () => {
  test('an EW-DX EM 2: names, frequency, battery, transmitter, meters; an unlinked transmitter is offline', () => {
    const state = new DeviceState();
    for (const message of TRANSCRIPT) assert.deepEqual(state.apply(message).malformed, []);
    assert.equal(state.device.product, 'EW-DX EM 2');
    const ch1: ChannelReading = toReading(1, state.channel(1));
    assert.deepEqual(ch1, {
      slot: 1,
      kind: 'mic',
      online: true,
      muted: false,
      battery: { bars: 4, percent: 65, runtime_minutes: 312 },
      rf: { level_percent: 60, level_dbm: -52, antenna: 'B' },
      audio: { level_percent: 70, level_dbfs: -18 },
      name: 'VOX 1',
      frequency_mhz: 470.2,
      tx_type: 'HANDHELD',
    });
    const ch2 = toReading(2, state.channel(2));
    assert.deepEqual([ch2.online, ch2.muted, ch2.battery, ch2.name], [false, true, null, 'VOX 2']);
  });

  test('malformed input: wrong types are refused per channel and keep the last good value', () => {
    const state = new DeviceState();
    state.apply(TRANSCRIPT[2]);
    const bad = state.apply({ mates: { tx1: { battery: { gauge: 'lots' } } }, m: { rx1: { divi: 7 } } });
    assert.deepEqual(
      bad.malformed.map((m) => [m.channel, m.why]),
      [
        [1, 'bad battery gauge'],
        [1, 'bad divi'],
      ],
    );
    assert.equal(state.channel(1).gauge, 65);
    assert.deepEqual(state.apply([1, 2]).malformed, [{ channel: null, why: 'not a JSON object' }]);
    assert.deepEqual(
      state.apply({ mates: { active: 'tx1' } }).malformed[0].why,
      'mates/active is not a list of names',
    );
    assert.deepEqual(
      state.apply({ rx9: { unknown_thing: 1 }, vendor: { x: 1 } }).malformed,
      [],
      'unknown addresses are ignored',
    );
    state.apply({ osc: { error: [{ rx3: { name: [404] } }] } });
    assert.ok(state.missing.has(3), 'a 404 on a channel says it does not exist');
  });
});

describe('the Sennheiser adapter against the simulator (SSC over UDP)', () => {
  let rx: SimulatedSennheiserReceiver;
  const row = () => chassisRow(rx, 'sennheiser', 'EW-DX EM 2');
  before(() => configureOutbound({ allowNetworks: ['127.0.0.0/8'] }));
  after(async () => {
    configureOutbound({ allowNetworks: [] });
    await rx?.close();
  });

  test('identify: product, channels, name, serial, firmware', async () => {
    rx = await startSennheiserReceiver({ model: 'EW-DX EM 2', deviceName: 'Rack_1', batteries: [70, 30] });
    const id = await sennheiserAdapter.identify(rx.host, rx.port, { timeoutMs: 5000 });
    assert.deepEqual(
      [id.protocol, id.model, id.channels, id.name, id.serial],
      ['sennheiser', 'EW-DX EM 2', 2, 'Rack_1', rx.state.serial],
    );
  });

  test('read: every channel with battery, RF, audio and the transmitter off as offline', async () => {
    rx.control({ channel: 2, online: false });
    const reading = await sennheiserAdapter.read(row(), { orgId: 'o', timeoutMs: 5000 });
    assert.equal(reading.kind, 'ok');
    if (reading.kind !== 'ok') return;
    const ch1 = reading.channels.get(1) as ChannelReading;
    assert.deepEqual(
      [ch1.online, ch1.battery?.percent, ch1.rf?.level_percent, ch1.audio?.level_percent, ch1.tx_type],
      [true, 70, 80, 40, 'HANDHELD'],
    );
    assert.equal((reading.channels.get(2) as ChannelReading).online, false);
    rx.control({ channel: 2, online: true });
  });

  test('garbled datagrams are reported as malformed; the read still succeeds', async () => {
    rx.control({ garbled: true });
    const seen: string[] = [];
    const reading = await sennheiserAdapter.read(row(), {
      orgId: 'o',
      timeoutMs: 5000,
      onMalformed: (_, message) => seen.push(message),
    });
    rx.control({ garbled: false });
    assert.equal(reading.kind, 'ok');
    assert.ok(seen.includes('SSC datagram that is not JSON'));
  });

  test('a receiver without power is unreachable within the timeout', async () => {
    rx.control({ offline: true });
    const reading = await sennheiserAdapter.read(row(), { orgId: 'o', timeoutMs: 300 });
    rx.control({ offline: false });
    assert.equal(reading.kind, 'unreachable');
  });

  test('subscribe: values at once, then a scripted battery drop is pushed', async () => {
    const readings: [number, ChannelReading][] = [];
    let opened = false;
    let dropped: () => void = () => {};
    const sawDrop = new Promise<void>((resolve) => (dropped = resolve));
    const stream = sennheiserAdapter.subscribe(
      row(),
      { orgId: 'o', stallMs: 10_000, sampleMs: 200 },
      {
        open: () => {
          opened = true;
          rx.control({ channel: 1, battery: 5 });
        },
        channel: (n, r) => {
          readings.push([n, r]);
          if (n === 1 && r.battery?.percent === 5) dropped();
        },
        malformed: () => {},
        closed: () => {},
      },
    );
    await sawDrop;
    stream.close();
    assert.ok(opened);
    assert.equal(readings[0][1].battery?.percent, 70, 'the first values are the ones read before metering');
  });
});

describeEachBackend(
  'monitoring with a Sennheiser receiver: simulator → SSC adapter → poller → alerts',
  (env) => {
    let admin: Client;
    let rx: SimulatedSennheiserReceiver;
    let rack: z.infer<typeof chassisOut>;
    const units: z.infer<typeof unitOut>[] = [];
    const poller = fakeClockPoller(env);
    const poll = () => poller.poll();
    after(async () => {
      await poller.close();
      await rx?.close();
    });

    test('a Sennheiser chassis speaks SSC; a poll reads its channels; a low battery raises an alert', async () => {
      rx = await startSennheiserReceiver({ model: 'EW-DX EM 2', batteries: [80, 90] });
      ({ admin } = await env().makeOrg('ssc-stage'));
      const created = await admin.post(`${M}/chassis`, {
        name: 'EW-DX rack',
        manufacturer: 'Sennheiser',
        model: 'EW-DX EM 2',
        ip: rx.host,
        port: rx.port,
      });
      assert.equal(created.status, 201);
      rack = created.body;
      assert.equal(rack.protocol, 'sennheiser');
      for (let slot = 1; slot <= 2; slot++)
        units.push((await admin.post(`${M}/units`, { chassis_id: rack.id, name: `CH${slot}`, slot })).body);
      const p = (await admin.post(`${M}/performers`, { name: 'Nadia' })).body;
      const group = (await admin.post(`${M}/groups`, { name: 'Hall' })).body;
      const assigned = await admin.post(`${M}/assignments`, {
        performer_id: p.id,
        wireless_unit_id: units[0].id,
        monitoring_group_id: group.id,
      });
      const report = await poll();
      assert.deepEqual([report.chassis, report.unreachable, report.unitsUpdated], [1, 0, 2]);
      const ch1 = (await admin.get(`${M}/units/${units[0].id}`)).body;
      assert.deepEqual([ch1.status, ch1.battery, ch1.rf_signal], ['online', 80, 80]);
      assert.deepEqual(
        [ch1.channel_name, ch1.frequency, ch1.tx_type],
        ['CH1', 470.125, 'HANDHELD'],
        'what the receiver says of the channel is kept on the unit',
      );
      rx.control({ channel: 1, battery: 6 });
      await poll();
      const alerts = (await admin.get<string, { items: AlertView[] }>(`${M}/alerts?state=open`)).body.items;
      assert.deepEqual(
        alerts.map((a) => [a.kind, a.severity]),
        [['battery_low', 'critical']],
      );
      assert.equal(assigned.status, 201);
    });

    test("a unit's assignments filtered by updated_after; a malformed instant is a 400 naming it", async () => {
      const of = (q: string) =>
        admin.get<string, { items: unknown[] }>(`${M}/units/${units[0].id}/assignments${q}`);
      assert.equal((await of('?updated_after=2000-01-01T00:00:00Z')).body.items.length, 1);
      assert.equal((await of('?updated_after=2999-01-01T00:00:00Z')).body.items.length, 0);
      const bad = await admin.get<string, { errors: { path: string }[] }>(
        `${M}/units/${units[0].id}/assignments?updated_after=yesterday`,
      );
      assert.equal(bad.status, 400);
      assert.equal(bad.body.errors[0].path, 'query.updated_after');
    });
  },
);
