import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { configureOutbound } from '../../../../core/net/outbound.ts';
import type { ChannelReading } from '../types.ts';
import { chassisRow, recorder } from '../test-support.ts';
import { shureAdapter } from './index.ts';
import { startShureReceiver, type SimulatedShureReceiver } from './simulator.ts';

/** The real adapter against the simulator over loopback TCP, the code path real receivers take. */

const chassisOf = (rx: SimulatedShureReceiver, model = rx.model) => chassisRow(rx, 'shure', model);

describe('Shure adapter ↔ simulated receivers over TCP', () => {
  const receivers: SimulatedShureReceiver[] = [];
  before(() => configureOutbound({ allowNetworks: ['127.0.0.0/8'] }));
  after(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    configureOutbound({ allowNetworks: [] });
  });
  const start = async (model: string, batteries?: number[]) => {
    const rx = await startShureReceiver({ model, batteries });
    receivers.push(rx);
    return rx;
  };

  for (const [model, channels, percentExact] of [
    ['ULXD4Q', 4, true],
    ['QLXD4', 1, true],
    ['SLXD4D', 2, false],
    ['AD4Q', 4, true],
    ['UR4D', 2, false],
  ] as const) {
    test(`${model}: one read gives every channel's battery, RF, name and frequency`, async () => {
      const rx = await start(model, [62, 100, 100, 100]);
      if (channels > 1) rx.control({ channel: 2, online: false });
      const reading = await shureAdapter.read(chassisOf(rx), { orgId: 'o', timeoutMs: 2000 });
      assert.equal(reading.kind, 'ok');
      if (reading.kind !== 'ok') return;
      assert.equal(reading.channels.size, channels);
      const ch1 = reading.channels.get(1) as ChannelReading;
      assert.equal(ch1.online, true);
      assert.equal(ch1.battery?.bars, 4);
      assert.equal(ch1.battery?.percent, percentExact ? 62 : 80);
      if (model !== 'UR4D') assert.equal(ch1.frequency_mhz, 470.125);
      assert.equal(ch1.name, 'CH1');
      if (channels > 1) assert.equal((reading.channels.get(2) as ChannelReading).online, false);
    });
  }

  test('PSM 1000: in-ear transmitter channels', async () => {
    const rx = await start('P10T');
    const reading = await shureAdapter.read(chassisOf(rx), { orgId: 'o', timeoutMs: 2000 });
    assert.equal(reading.kind, 'ok');
    if (reading.kind === 'ok') assert.equal((reading.channels.get(2) as ChannelReading).kind, 'iem');
  });

  test('identify: the model from MODEL, or from the family and the channels that answer', async () => {
    const ad = await start('AD4D');
    assert.deepEqual(
      await shureAdapter.identify(ad.host, ad.port, { timeoutMs: 2000 }).then((i) => [i.model, i.channels]),
      ['AD4D', 2],
    );
    const ulx = await start('ULXD4Q');
    const id = await shureAdapter.identify(ulx.host, ulx.port, { timeoutMs: 2000, modelHint: 'ULXD' });
    assert.deepEqual([id.model, id.channels, id.serial], ['ULXD4Q', 4, ulx.state.serial]);
  });

  test('subscription: values, then SAMPLE meters; a scripted change is reported at once', async () => {
    const rx = await start('ULXD4D');
    const r = recorder();
    const stream = shureAdapter.subscribe(
      chassisOf(rx),
      { orgId: 'o', stallMs: 2000, sampleMs: 100 },
      r.handlers,
    );
    await r.next((e) => e.type === 'open');
    await r.next((e) => e.type === 'channel' && e.slot === 2);
    rx.control({ channel: 1, battery: 8 });
    await r.next((e) => e.type === 'channel' && e.slot === 1 && e.reading?.battery?.percent === 8);
    rx.control({ channel: 2, rf: 5 });
    await r.next((e) => e.type === 'channel' && e.slot === 2 && (e.reading?.rf?.level_percent ?? 100) <= 6);
    rx.control({ channel: 1, muted: true });
    await r.next((e) => e.type === 'channel' && e.slot === 1 && e.reading?.muted === true);
    // Garbled lines: counted as malformed, the connection and the values survive.
    rx.control({ garbled: true });
    await r.next((e) => e.type === 'malformed');
    rx.control({ garbled: false, channel: 1, battery: 50 });
    await r.next((e) => e.type === 'channel' && e.slot === 1 && e.reading?.battery?.percent === 50);
    assert.equal(r.events.filter((e) => e.type === 'closed').length, 0);
    // Receiver power off: the stream ends (the owner polls and reconnects with back-off).
    rx.control({ offline: true });
    await r.next((e) => e.type === 'closed');
    stream.close();
  });

  test('slow responses within the timeout are read; beyond it the receiver is unreachable', async () => {
    const rx = await start('ULXD4');
    rx.control({ slow_ms: 200 });
    assert.equal((await shureAdapter.read(chassisOf(rx), { orgId: 'o', timeoutMs: 1500 })).kind, 'ok');
    const slow = await shureAdapter.read(chassisOf(rx), { orgId: 'o', timeoutMs: 100 });
    assert.equal(slow.kind, 'unreachable');
  });

  test('an address the outbound rule refuses is never connected to', async () => {
    const rx = await start('ULXD4');
    configureOutbound({ allowNetworks: [] });
    try {
      const r = await shureAdapter.read(chassisOf(rx), { orgId: 'o', timeoutMs: 500 });
      assert.equal(r.kind, 'unreachable');
      assert.match(r.kind === 'unreachable' ? r.error : '', /loopback/);
      assert.equal(rx.connections(), 0);
    } finally {
      configureOutbound({ allowNetworks: ['127.0.0.0/8'] });
    }
  });
});

describe('UHF-R ↔ simulated receiver over UDP', () => {
  let rx: SimulatedShureReceiver;
  before(async () => {
    configureOutbound({ allowNetworks: ['127.0.0.0/8'] });
    rx = await startShureReceiver({ model: 'UR4D', batteries: [70, 30] });
  });
  after(async () => {
    await rx.close();
    configureOutbound({ allowNetworks: [] });
  });
  const read = (timeoutMs = 3000, onMalformed?: (c: Record<string, unknown>, m: string) => void) =>
    shureAdapter.read(chassisOf(rx), { orgId: 'o', timeoutMs, onMalformed });

  test('datagrams lost on the way are asked again within the timeout', async () => {
    rx.control({ drop_next: 3 });
    const reading = await read();
    assert.equal(reading.kind, 'ok');
    if (reading.kind !== 'ok') return;
    assert.deepEqual(
      [...reading.channels.values()].map((c) => (c === 'malformed' ? c : [c.name, c.battery?.bars])),
      [
        ['CH1', 4],
        ['CH2', 2],
      ],
    );
    assert.equal(rx.faults.drop_next, 0, 'the lost questions were the first ones');
  });

  test('garbled and cut-short datagrams are reported as malformed; the read succeeds', async () => {
    rx.control({ garbled: true });
    const seen: unknown[] = [];
    const reading = await read(3000, (context) => seen.push(context.line));
    rx.control({ garbled: false });
    assert.equal(reading.kind, 'ok');
    assert.ok(seen.includes('* REPORT 1 TX_BAT'), JSON.stringify(seen));
  });

  test('metering: SAMPLE datagrams carry RF, battery and audio; a silent receiver ends the stream', async () => {
    const r = recorder();
    const stream = shureAdapter.subscribe(
      chassisOf(rx),
      { orgId: 'o', stallMs: 1500, sampleMs: 100 },
      r.handlers,
    );
    await r.next((e) => e.type === 'open');
    rx.control({ channel: 2, rf: 5 });
    await r.next((e) => e.type === 'channel' && e.slot === 2 && (e.reading?.rf?.level_percent ?? 100) <= 6);
    rx.control({ channel: 1, battery: 15 });
    await r.next((e) => e.type === 'channel' && e.slot === 1 && e.reading?.battery?.bars === 1);
    assert.equal(r.events.filter((e) => e.type === 'closed').length, 0);
    // No connection to lose over UDP: a receiver that loses power is known by its silence.
    rx.control({ offline: true });
    await r.next((e) => e.type === 'closed');
    assert.match(r.events.find((e) => e.type === 'closed')?.reason ?? '', /no telemetry for 1500 ms/);
    stream.close();
    const off = await read(300);
    rx.control({ offline: false });
    assert.equal(off.kind, 'unreachable');
    assert.match(off.kind === 'unreachable' ? off.error : '', /no answer within 300 ms/);
  });

  test('identify over UDP: the model from the family hint and the channels that answer', async () => {
    const id = await shureAdapter.identify(rx.host, rx.port, { timeoutMs: 3000, modelHint: 'UHFR' });
    assert.deepEqual([id.model, id.channels, id.serial], ['UR4D', 2, rx.state.serial]);
  });
});
