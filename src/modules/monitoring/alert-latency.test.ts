import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { z } from 'zod';
import { describeEachBackend, type Client } from '../../../test/support/env.ts';
import { connectLive, type LiveClient } from '../../../test/support/live.ts';
import { startShureReceiver, type SimulatedShureReceiver } from './adapters/shure/simulator.ts';
import { createPoller, type Poller } from './poller.ts';
import type { unitOut } from './views.ts';

const M = '/api/monitoring';
/** Receivers metering beside the one whose battery crosses: meter changes the crossing must not wait behind. */
const BUSY_RECEIVERS = 3;
/**
 * Battery crossing → alert on the WebSocket, with nothing but processing in between. The latency
 * target (p99 < 250 ms) is measured by `npm run bench` on a quiet machine (docs/monitoring.md); here
 * the path is proven event-driven (no poll tick runs after the setup), the figure is reported, and
 * the ceiling only catches an alert that waits for something other than processing on a machine
 * that may be very busy, where PGlite's work shares the test's one thread with everything else.
 */
const CEILING_MS = 20_000;

describeEachBackend('monitoring alert latency: Shure receiver → adapter → alert → /api/live', (env) => {
  let admin: Client;
  let poller: Poller;
  let live: LiveClient;
  const receivers: SimulatedShureReceiver[] = [];
  let watched: z.infer<typeof unitOut>;
  /** The next message the admin's socket receives from now on. */
  const nextMessage = () => {
    const seen = live.messages.length;
    return live.next(() => live.messages.length > seen).then(() => live.messages[seen]);
  };

  before(async () => {
    await env().app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(async () => {
    live?.close();
    poller?.close();
    await poller?.settled();
    await Promise.all(receivers.map((r) => r.close()));
  });

  test('setup: metering Shure receivers, the watched channel assigned, an admin on /api/live', async () => {
    ({ admin } = await env().makeOrg('latency'));
    const group = (await admin.post(`${M}/groups`, { name: 'Stage' })).body;
    const performer = (await admin.post(`${M}/performers`, { name: 'Lead' })).body;
    for (let i = 0; i <= BUSY_RECEIVERS; i++) {
      // RF and audio wobble at every sample, so every busy channel changes several times a second.
      const rx = await startShureReceiver({ model: 'ULXD4Q', batteries: [90, 90, 90, 90], jitter: true });
      receivers.push(rx);
      const rack = (
        await admin.post(`${M}/chassis`, {
          name: `Rack ${i}`,
          manufacturer: 'Shure',
          model: 'ULXD4Q',
          ip: rx.host,
          port: rx.port,
        })
      ).body;
      for (let slot = 1; slot <= 4; slot++) {
        const u = (await admin.post(`${M}/units`, { chassis_id: rack.id, name: `R${i}CH${slot}`, slot }))
          .body;
        if (i === 0 && slot === 2) watched = u;
      }
    }
    const a = await admin.post(`${M}/assignments`, {
      performer_id: performer.id,
      wireless_unit_id: watched.id,
      monitoring_group_id: group.id,
      priority: 'high',
    });
    assert.equal(a.status, 201, JSON.stringify(a.body));
    const port = (env().app.server.address() as { port: number }).port;
    live = await connectLive(port, { token: admin.token });
    poller = createPoller({
      db: env().app.deps.database.db,
      bus: env().bus,
      log: env().app.log,
      registry: env().app.metrics.registry,
      fetchTimeoutMs: 30_000,
      subscriptions: { sampleMs: 250, stallMs: 30_000 },
    });
    // One tick opens every stream; the rest of this file runs without ticks, on pushed data only.
    await poller.poll(new Date(), { subscribe: true });
    // Streams report their meters as live unit updates: each is a moment to look again.
    const streaming = () => poller.streaming().length === receivers.length;
    for (const deadline = Date.now() + 60_000; !streaming() && Date.now() < deadline;)
      await nextMessage().catch(() => {});
    assert.ok(streaming(), 'every receiver streams its telemetry');
    const metered = await nextMessage();
    assert.equal(metered.type, 'monitoring.unit.updated', 'the meters of the receivers are moving');
  });

  test("a battery crossing reaches an admin's WebSocket as an alert, pushed without a tick", async (t) => {
    const raised = live.next(
      (m) =>
        m.type === 'monitoring.alert.raised' && (m.data as { unit: { id: string } }).unit.id === watched.id,
    );
    const started = performance.now();
    receivers[0].control({ channel: 2, battery: 5 });
    const message = await raised;
    const elapsed = performance.now() - started;
    assert.deepEqual(
      [message.data.kind, message.data.severity, message.data.value],
      ['battery_low', 'critical', 5],
    );
    t.diagnostic(`battery crossing → alert on the socket: ${Math.round(elapsed)} ms`);
    assert.ok(elapsed < CEILING_MS, `the alert took ${Math.round(elapsed)} ms`);
  });
});
