import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { describeEachBackend, type Client } from '../../../test/support/env.ts';
import type { LiveEvent } from '../../core/events/bus.ts';
import { startReceiver, type SimulatedReceiver } from './simulator.ts';
import { createPoller, type Poller } from './poller.ts';
import type { AlertView, chassisOut, unitOut } from './views.ts';
import type { z } from 'zod';

const M = '/api/monitoring';

type UnitJson = z.infer<typeof unitOut>;
/** One line of the receiver's NDJSON stream, as far as these tests read it. */
type ChannelLine = { slot: number; battery: { bars: number; percent: number; runtime_minutes: number } };

/**
 * Waits for something pushed over a socket to have happened (no fixed sleeps). The ceiling is
 * generous: on a busy machine the event may take long, but it must come.
 */
async function until<T>(
  what: string,
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describeEachBackend(
  'monitoring telemetry subscriptions: pushed samples → unit state, alerts; fallback to polling',
  (env) => {
    let admin: Client;
    let rx: SimulatedReceiver;
    let poller: Poller;
    let rack: z.infer<typeof chassisOut>;
    const units: UnitJson[] = [];
    const events: LiveEvent[] = [];
    let unsubscribe = () => {};
    // Each tick a poll interval (1 s) after the previous one, or now if that is later: no sleeping
    // for the interval.
    let clock = 0;
    const tick = () => {
      clock = Math.max(clock + 1000, Date.now());
      return poller.poll(new Date(clock), { subscribe: true });
    };
    const unit = async (i: number) => (await admin.get(`${M}/units/${units[i].id}`)).body;
    const openAlerts = async () => (await admin.get(`${M}/alerts?state=open`)).body.items;
    const raisedFor = (unitId: string) =>
      events.find((e) => e.type === 'monitoring.alert.raised' && (e.data as AlertView).unit.id === unitId);
    const unitUpdates = (unitId: string) =>
      events.filter((e) => e.type === 'monitoring.unit.updated' && (e.data as UnitJson).id === unitId).length;
    /**
     * Resolves once the receiver has pushed `count` periodic samples after now, read from a
     * subscription of the test's own: the poller's stream got the same samples at the same moment.
     */
    const pushedSamples = async (count: number) => {
      const res = await fetch(`http://${rx.host}:${rx.port}/api/v1/subscribe`);
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      const lines = () => text.split('\n').length - 1;
      let text = '';
      // The opening snapshot (one line per channel), then `count` pushes of every channel.
      const wanted = rx.state.channels.length * (1 + count);
      await until(`${count} pushed samples`, async () => {
        text += decoder.decode((await reader.read()).value);
        return lines() >= wanted;
      });
      await reader.cancel();
      await until('the sample reader gone', () => rx.subscribers() === 1);
    };
    const malformedCount = async () => {
      const metric = env().app.metrics.registry.getSingleMetric(
        'roster_monitoring_malformed_telemetry_total',
      );
      return ((await metric?.get())?.values ?? []).reduce((sum, v) => sum + v.value, 0);
    };

    after(async () => {
      unsubscribe();
      poller?.close();
      await poller?.settled();
      await rx?.close();
    });

    test('setup: a streaming receiver, its chassis and units, an assignment on CH1', async () => {
      // Samples every 100 ms instead of 1 s: the same protocol, a faster test.
      rx = await startReceiver({ channels: 2, serial: 'SIM-S1', batteries: [90, 90], sampleIntervalMs: 100 });
      ({ admin } = await env().makeOrg('stream-stage'));
      rack = (
        await admin.post(`${M}/chassis`, { name: 'Rack S', serial: 'SIM-S1', ip: rx.host, port: rx.port })
      ).body;
      for (let slot = 1; slot <= 2; slot++)
        units.push((await admin.post(`${M}/units`, { chassis_id: rack.id, name: `CH${slot}`, slot })).body);
      const group = (await admin.post(`${M}/groups`, { name: 'Stage' })).body;
      const performer = (await admin.post(`${M}/performers`, { name: 'Sam' })).body;
      const a = await admin.post(`${M}/assignments`, {
        performer_id: performer.id,
        wireless_unit_id: units[0].id,
        monitoring_group_id: group.id,
        priority: 'high',
      });
      assert.equal(a.status, 201, JSON.stringify(a.body));
      poller = createPoller({
        db: env().app.deps.database.db,
        bus: env().bus,
        log: env().app.log,
        registry: env().app.metrics.registry,
        // No test here waits for a stall (a stopped stream is ended by the receiver), and on a busy
        // machine this process may not read its socket for seconds: a short stall limit would drop
        // a healthy stream that only a tick could reopen.
        subscriptions: { reconnectBaseMs: 20, unsupportedRetryMs: 50, stallMs: 120_000 },
      });
      unsubscribe = env().bus.subscribe((e) => void events.push(e));
    });

    test('the receiver pushes NDJSON samples: all channels on connect, a scripted change at once', async () => {
      const res = await fetch(`http://${rx.host}:${rx.port}/api/v1/subscribe`);
      assert.equal(res.headers.get('content-type'), 'application/x-ndjson');
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      while (text.split('\n').length < 3) text += decoder.decode((await reader.read()).value);
      const [first, second] = text
        .split('\n')
        .slice(0, 2)
        .map((l) => JSON.parse(l) as ChannelLine);
      assert.deepEqual(
        [first.slot, first.battery, second.slot],
        [1, { bars: 5, percent: 90, runtime_minutes: 540 }, 2],
      );
      rx.control({ channel: 2, battery: 33 });
      await until('the pushed change', async () => {
        text += decoder.decode((await reader.read()).value);
        return text.includes('"percent":33');
      });
      await reader.cancel();
    });

    test('the first tick polls and opens the subscription; later ticks read the stream', async () => {
      const first = await tick();
      assert.deepEqual([first.chassis, first.unreachable, first.malformed], [1, 0, 0]);
      await until('a live subscription', () => poller.streaming().includes(rack.id));
      assert.equal(rx.subscribers(), 1);
      await poller.settled();
      // Polled or pushed first (the stream's opening snapshot may win the race), the units are current.
      assert.deepEqual([(await unit(0)).battery, (await unit(0)).status], [90, 'online']);
      const second = await tick();
      assert.deepEqual([second.chassis, second.unreachable, second.malformed], [1, 0, 0]);
      assert.deepEqual([(await unit(1)).battery, (await unit(1)).status], [33, 'online']);
      assert.equal(rx.subscribers(), 1, 'one subscription per chassis, kept across ticks');
    });

    test('a pushed battery drop updates the unit and raises the alert at once, without a poll', async () => {
      rx.control({ channel: 1, battery: 5 });
      const raised = await until('monitoring.alert.raised', () => raisedFor(units[0].id));
      const data = raised.data as AlertView;
      assert.deepEqual([data.kind, data.severity, data.priority], ['battery_low', 'critical', 'high']);
      await poller.settled();
      const ch1 = await unit(0);
      assert.deepEqual([ch1.battery, ch1.battery_bars], [5, 1]);
      const open = await openAlerts();
      assert.deepEqual(
        open.map((a) => [a.unit.name, a.kind, a.value]),
        [['CH1', 'battery_low', 5]],
      );
      const updates = unitUpdates(units[0].id);
      // A few unchanged samples pushed at the sample interval; the poller must write none of them.
      await pushedSamples(3);
      await poller.settled();
      assert.equal(unitUpdates(units[0].id), updates, 'unchanged samples write nothing');
      assert.equal((await tick()).raised, 0, 'the tick does not raise it twice');
      assert.equal((await openAlerts()).length, 1);
    });

    test(
      'a malformed pushed line is counted and logged; the unit keeps its last good state; ' +
        'the stream stays open',
      async () => {
        const before = await malformedCount();
        rx.control({ channel: 2, malformed: 'schema' });
        rx.control({ channel: 2, battery: 50 });
        await until('the malformed line counted', async () => (await malformedCount()) >= before + 2);
        await poller.settled();
        assert.equal((await unit(1)).battery, 33, 'CH2 keeps its last good reading');
        rx.control({ malformed: 'json' });
        const truncated = await malformedCount();
        await until('a truncated line counted', async () => (await malformedCount()) > truncated);
        await tick();
        assert.equal((await unit(1)).battery, 33, 'a tick re-applies the last good reading, not the garbage');
        assert.ok(poller.streaming().includes(rack.id), 'garbage does not drop the subscription');
        rx.control({ malformed: null });
        await until(
          'the good reading after the garbage',
          async () => (await poller.settled(), (await unit(1)).battery === 50),
        );
      },
    );

    test('a dropped subscription falls back to polling, then reconnects after the backoff', async () => {
      rx.control({ streaming: false });
      await until('the drop noticed', () => !poller.streaming().includes(rack.id));
      rx.control({ channel: 1, battery: 100 });
      const fallback = await tick();
      assert.deepEqual(
        [fallback.chassis, fallback.unreachable, fallback.resolved],
        [1, 0, 1],
        'the poll reads the receiver while it does not stream',
      );
      assert.equal((await unit(0)).battery, 100);
      assert.deepEqual(await openAlerts(), []);

      rx.control({ streaming: true });
      // Ticks reopen the stream once its backoff has passed.
      await until('the subscription back', async () => (await tick(), poller.streaming().includes(rack.id)));
      rx.control({ channel: 1, battery: 8 });
      await until(
        'an alert over the new stream',
        async () => (await poller.settled(), (await openAlerts()).length === 1),
      );

      rx.control({ offline: true });
      await until('the drop of a receiver that lost power', () => !poller.streaming().includes(rack.id));
      const missed = await tick();
      assert.deepEqual(
        [missed.unreachable, (await admin.get(`${M}/chassis/${rack.id}`)).body.missed_polls],
        [1, 1],
        'polled, and missed',
      );
      rx.control({ offline: false });
      assert.equal((await tick()).unreachable, 0);
      await until(
        'reconnected after power came back',
        async () => (await tick(), poller.streaming().includes(rack.id)),
      );
    });

    test('removing the chassis address closes its subscription', async () => {
      assert.equal((await admin.patch(`${M}/chassis/${rack.id}`, { ip: null, port: null })).status, 200);
      await tick();
      await until('the stream closed', () => rx.subscribers() === 0 && poller.streaming().length === 0);
    });
  },
);
