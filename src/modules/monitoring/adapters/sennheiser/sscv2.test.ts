import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { configureOutbound } from '../../../../core/net/outbound.ts';
import type { ChannelReading } from '../types.ts';
import { chassisRow, recorder } from '../test-support.ts';
import { DeviceState, toReading } from './protocol.ts';
import { loadConfig } from '../../../../core/config.ts';
import { configureSscv2, sscv2Adapter } from './sscv2.ts';
import { errorMessageOf, EventStreamReader, messageOf } from './sscv2-protocol.ts';
import { startSscv2Receiver, type SimulatedSscv2Receiver } from './sscv2-simulator.ts';

describe('SSCv2 resources and event streams', () => {
  test('resources become SSC messages; error bodies say which transmitter is missing', () => {
    const state = new DeviceState();
    state.apply(
      messageOf('/api/device/identity', { product: 'EW-DX EM 2', serial: 'S1', version: '4.0.1' })!,
    );
    state.apply(messageOf('/api/device/site', { deviceName: 'Rack 2', location: '' })!);
    state.apply(messageOf('/api/rx1', { name: 'VOX', frequency: 520100, mute: false })!);
    state.apply(
      messageOf('/api/mates/tx1', { battery: { gauge: 45, lifetime: 200 }, device_type: 'HANDHELD' })!,
    );
    state.apply(messageOf('/api/m/rx1', { rssi: -60, divi: 1, af: -30 })!);
    state.apply(errorMessageOf({ path: '/api/mates/tx2/battery/gauge', error: 424 })!);
    assert.deepEqual(state.device, { product: 'EW-DX EM 2', serial: 'S1', version: '4.0.1', name: 'Rack 2' });
    const ch1 = toReading(1, state.channel(1));
    assert.deepEqual(
      [ch1.online, ch1.battery?.percent, ch1.rf?.level_dbm, ch1.rf?.antenna, ch1.audio?.level_dbfs, ch1.name],
      [true, 45, -60, 'A', -30, 'VOX'],
    );
    assert.equal(toReading(2, state.channel(2)).online, false);
    assert.equal(messageOf('/other/thing', 1), null);
    assert.equal(errorMessageOf({ path: 3 }), null);
  });

  test('an event stream split anywhere; comments skipped; multi-line data joined; a flood dropped', () => {
    const r = new EventStreamReader(100);
    assert.deepEqual(r.push('event: open\r\ndata: {"sessionUUID"').events, []);
    assert.deepEqual(r.push(':"a"}\r\n\r\n: keep-alive\n\ndata: 1\ndata: 2\n\n').events, [
      { event: 'open', data: '{"sessionUUID":"a"}' },
      { event: 'message', data: '1\n2' },
    ]);
    assert.equal(r.push('data: ' + 'x'.repeat(200)).overflow, true);
  });

  test('settings from the environment: HTTPS accepting self-signed certificates unless told', () => {
    const sscv2SettingsFromEnv = (env: NodeJS.ProcessEnv) =>
      loadConfig({ ROSTER_SECRET: 'test', ...env }).sennheiserSscv2;
    assert.deepEqual(sscv2SettingsFromEnv({}), { password: null, tls: 'self-signed', ca: null });
    assert.deepEqual(
      sscv2SettingsFromEnv({ SENNHEISER_SSCV2_TLS: 'verify', SENNHEISER_SSCV2_PASSWORD: 'pw' }),
      { password: 'pw', tls: 'verify', ca: null },
    );
    assert.throws(
      () => sscv2SettingsFromEnv({ SENNHEISER_SSCV2_TLS: 'maybe' }),
      /self-signed, verify or off/,
    );
  });
});

describe('the SSCv2 adapter against the simulator (REST and SSE over local HTTP)', () => {
  let rx: SimulatedSscv2Receiver;
  const row = () => chassisRow(rx, 'sennheiser-sscv2', 'EW-DX EM 2');
  before(async () => {
    configureOutbound({ allowNetworks: ['127.0.0.0/8'] });
    configureSscv2({ tls: 'off', password: 'stage-secret' });
    rx = await startSscv2Receiver({
      model: 'EW-DX EM 2',
      deviceName: 'Rack_2',
      batteries: [70, 30],
      password: 'stage-secret',
    });
  });
  after(async () => {
    configureOutbound({ allowNetworks: [] });
    configureSscv2({ tls: 'self-signed', password: null });
    await rx.close();
  });

  test('identify: product, channels, name, serial, firmware', async () => {
    const id = await sscv2Adapter.identify(rx.host, rx.port, { timeoutMs: 5000 });
    assert.deepEqual(
      [id.protocol, id.model, id.channels, id.name, id.serial],
      ['sennheiser-sscv2', 'EW-DX EM 2', 2, 'Rack_2', rx.state.serial],
    );
  });

  test('read: battery, RF, audio, mute, name; a transmitter off is offline', async () => {
    rx.control({ channel: 2, online: false });
    const reading = await sscv2Adapter.read(row(), { orgId: 'o', timeoutMs: 5000 });
    rx.control({ channel: 2, online: true });
    assert.equal(reading.kind, 'ok');
    if (reading.kind !== 'ok') return;
    const ch1 = reading.channels.get(1) as ChannelReading;
    assert.deepEqual(
      [
        ch1.online,
        ch1.muted,
        ch1.battery?.percent,
        ch1.rf?.level_percent,
        ch1.audio?.level_percent,
        ch1.name,
      ],
      [true, false, 70, 80, 40, 'CH1'],
    );
    assert.equal((reading.channels.get(2) as ChannelReading).online, false);
  });

  test('a wrong password, garbled answers and a receiver without power', async () => {
    configureSscv2({ password: 'wrong' });
    const refused = await sscv2Adapter.read(row(), { orgId: 'o', timeoutMs: 5000 });
    configureSscv2({ password: 'stage-secret' });
    assert.match(refused.kind === 'unreachable' ? refused.error : refused.kind, /401/);
    rx.control({ garbled: true });
    const seen: string[] = [];
    const garbled = await sscv2Adapter.read(row(), {
      orgId: 'o',
      timeoutMs: 5000,
      onMalformed: (_, m) => seen.push(m),
    });
    rx.control({ garbled: false });
    assert.equal(garbled.kind, 'ok');
    assert.ok(seen.includes('SSCv2 answer that is not JSON'));
    rx.control({ offline: true });
    const off = await sscv2Adapter.read(row(), { orgId: 'o', timeoutMs: 1000 });
    rx.control({ offline: false });
    assert.equal(off.kind, 'unreachable');
  });

  test('subscribe: values first, then pushed changes and meters; garbled events counted; power off ends it', async () => {
    const r = recorder();
    const stream = sscv2Adapter.subscribe(row(), { orgId: 'o', stallMs: 3000, sampleMs: 250 }, r.handlers);
    await r.next((e) => e.type === 'open');
    await r.next((e) => e.type === 'channel' && e.slot === 2);
    assert.equal(rx.subscriptions(), 1);
    rx.control({ channel: 1, battery: 5 });
    await r.next((e) => e.type === 'channel' && e.slot === 1 && e.reading?.battery?.percent === 5);
    rx.control({ channel: 2, rf: 5 });
    await r.next((e) => e.type === 'channel' && e.slot === 2 && (e.reading?.rf?.level_percent ?? 100) <= 10);
    rx.control({ garbled: true });
    await r.next((e) => e.type === 'malformed' && e.reason === 'SSCv2 data that is not JSON');
    rx.control({ garbled: false });
    assert.equal(r.events.filter((e) => e.type === 'closed').length, 0);
    rx.control({ offline: true });
    await r.next((e) => e.type === 'closed');
    rx.control({ offline: false });
    stream.close();
  });
});

describe('the SSCv2 adapter over HTTPS (the simulator with a test certificate)', () => {
  const fixture = (file: string) => path.join(import.meta.dirname, 'fixtures', file);
  const receiverCert = fs.readFileSync(fixture('sscv2-receiver.crt'), 'utf8');
  let rx: SimulatedSscv2Receiver;
  const row = () => chassisRow(rx, 'sennheiser-sscv2', 'EW-DX EM 2');
  before(async () => {
    configureOutbound({ allowNetworks: ['127.0.0.0/8'] });
    rx = await startSscv2Receiver({
      model: 'EW-DX EM 2',
      deviceName: 'Rack_TLS',
      batteries: [60, 40],
      tls: { cert: receiverCert, key: fs.readFileSync(fixture('sscv2-receiver.key')) },
    });
  });
  after(async () => {
    configureOutbound({ allowNetworks: [] });
    configureSscv2({ tls: 'self-signed', password: null, ca: null });
    await rx.close();
  });

  test('the CA file from the configuration: verify mode, only its certificates trusted', () => {
    const settings = (env: NodeJS.ProcessEnv) =>
      loadConfig({ ROSTER_SECRET: 'test', ...env }).sennheiserSscv2;
    const pinned = settings({ SENNHEISER_SSCV2_CA: fixture('sscv2-receiver.crt') });
    assert.deepEqual([pinned.tls, pinned.ca], ['verify', receiverCert]);
    assert.throws(
      () => settings({ SENNHEISER_SSCV2_CA: fixture('sscv2-receiver.crt'), SENNHEISER_SSCV2_TLS: 'off' }),
      /SENNHEISER_SSCV2_CA is used only with SENNHEISER_SSCV2_TLS=verify/,
    );
    assert.throws(() => settings({ SENNHEISER_SSCV2_CA: fixture('missing.crt') }), /cannot read .*ENOENT/);
    assert.throws(
      () => settings({ SENNHEISER_SSCV2_CA: fixture('sscv2-receiver.key') }),
      /no PEM certificate/,
    );
  });

  test('trusted through the pinned certificate: identify, read and a stream over TLS', async () => {
    configureSscv2({ tls: 'verify', ca: receiverCert, password: null });
    const id = await sscv2Adapter.identify(rx.host, rx.port, { timeoutMs: 5000 });
    assert.deepEqual([id.model, id.channels, id.name], ['EW-DX EM 2', 2, 'Rack_TLS']);
    const reading = await sscv2Adapter.read(row(), { orgId: 'o', timeoutMs: 5000 });
    assert.equal(reading.kind, 'ok');
    if (reading.kind === 'ok') assert.equal((reading.channels.get(2) as ChannelReading).battery?.percent, 40);
    const r = recorder();
    const stream = sscv2Adapter.subscribe(row(), { orgId: 'o', stallMs: 3000, sampleMs: 250 }, r.handlers);
    await r.next((e) => e.type === 'channel' && e.slot === 1);
    rx.control({ channel: 1, battery: 7 });
    await r.next((e) => e.type === 'channel' && e.slot === 1 && e.reading?.battery?.percent === 7);
    stream.close();
  });

  test('an untrusted certificate is refused with a clear error, pinned to another or to none', async () => {
    for (const ca of [fs.readFileSync(fixture('other-ca.crt'), 'utf8'), null]) {
      configureSscv2({ tls: 'verify', ca, password: null });
      const trust = ca ? 'SENNHEISER_SSCV2_CA' : "the system's certificate authorities";
      await assert.rejects(
        sscv2Adapter.identify(rx.host, rx.port, { timeoutMs: 5000 }),
        (err: Error) =>
          err.message.includes("the receiver's TLS certificate is not trusted") &&
          err.message.includes(trust),
      );
      const reading = await sscv2Adapter.read(row(), { orgId: 'o', timeoutMs: 5000 });
      assert.match(
        reading.kind === 'unreachable' ? reading.error : reading.kind,
        /certificate is not trusted/,
      );
      const r = recorder();
      sscv2Adapter.subscribe(row(), { orgId: 'o', stallMs: 3000, sampleMs: 250 }, r.handlers);
      await r.next((e) => e.type === 'closed');
      assert.match(r.events.find((e) => e.type === 'closed')?.reason ?? '', /certificate is not trusted/);
    }
    configureSscv2({ tls: 'self-signed', ca: null });
    const accepted = await sscv2Adapter.identify(rx.host, rx.port, { timeoutMs: 5000 });
    assert.equal(accepted.name, 'Rack_TLS', 'self-signed mode accepts the receiver’s own certificate');
  });
});
