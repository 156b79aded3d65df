import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { describeEachBackend, type Client } from '../support/env.ts';
import type { Organization } from '../../src/modules/identity/service.ts';
import { chassis } from '../../src/modules/monitoring/schema.ts';
import { createChassis } from '../../src/modules/monitoring/hardware.ts';
import { createPoller, type Poller } from '../../src/modules/monitoring/poller.ts';
import { startReceiver, type SimulatedReceiver } from '../../src/modules/monitoring/simulator.ts';
import type { TestEnv } from '../support/env.ts';

/**
 * Server-side request forgery through receivers: an org admin sets a chassis address, and the
 * server connects there. Addresses only the server can reach (itself, the metadata service, the
 * hosting network) must stay out of reach unless the operator allows them, and the org must learn
 * nothing beyond "unreachable".
 */

const M = '/api/monitoring';

/** A TCP listener on every local address that counts the connections it gets and answers none. */
async function connectionRecorder() {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A poller with its own clock, telemetry subscriptions included (the `monitoring.poll` job's mode). */
function testPoller(env: () => TestEnv) {
  let poller: Poller | undefined;
  let clock = Date.parse('2030-01-01T20:00:00Z');
  return {
    async poll(times = 1) {
      poller ??= createPoller({
        db: env().app.deps.database.db,
        bus: env().bus,
        log: env().app.log,
        registry: env().app.metrics.registry,
        fetchTimeoutMs: 5000,
      });
      for (let i = 0; i < times; i++) {
        clock += 10_000;
        await poller.poll(new Date(clock), { subscribe: true });
      }
      // Subscriptions resolve and connect in the background: give them time to reach anything.
      await new Promise((resolve) => setTimeout(resolve, 300));
    },
    close: () => poller?.close(),
  };
}

describeEachBackend(
  'outbound: receivers cannot point the server at loopback, link-local, private or multicast',
  (env) => {
    let org: Organization;
    let admin: Client;
    let recorder: Awaited<ReturnType<typeof connectionRecorder>>;
    const poller = testPoller(env);

    before(async () => {
      ({ org, admin } = await env().makeOrg('ssrf'));
      recorder = await connectionRecorder();
    });
    after(async () => {
      poller.close();
      await recorder.close();
    });

    test('a chassis IP in a refused range is a 400 on body.ip and nothing is stored', async () => {
      const refused = ['127.0.0.1', '169.254.169.254', '10.0.0.5', '::1', '224.0.0.1', '::ffff:127.0.0.1'];
      for (const ip of refused) {
        const res = await admin.post(`${M}/chassis`, { name: `Rack ${ip}`, ip, port: recorder.port });
        assert.equal(res.status, 400, `${ip}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.errors?.[0].path, 'body.ip');
        assert.match(res.body.detail, /does not connect to/);
      }
      assert.equal((await admin.get(`${M}/chassis`)).body.items.length, 0, 'nothing stored');
    });

    test('a chassis cannot be moved to a refused address either; it keeps its address', async () => {
      const rack = await admin.post(`${M}/chassis`, { name: 'Public rack', ip: '203.0.113.9', port: 80 });
      assert.equal(rack.status, 201);
      const moved = await admin.patch(`${M}/chassis/${rack.body.id}`, { ip: '169.254.169.254' });
      assert.equal(moved.status, 400);
      assert.equal(moved.body.errors?.[0].path, 'body.ip');
      const reread = (await admin.get(`${M}/chassis/${rack.body.id}`)).body;
      assert.deepEqual([reread.ip, reread.port], ['203.0.113.9', 80]);
      assert.equal((await admin.delete(`${M}/chassis/${rack.body.id}`)).status, 204);
    });

    test('a hostname resolving to loopback is stored, never connected to, shown as offline', async () => {
      // Hostnames are not refused when stored (they may resolve differently later): the rule
      // applies to the address each connection would go to. The API takes IPs only, so the
      // hostname and a pre-existing loopback row are written as the system would.
      const named = await env().inOrg(org, (t) =>
        createChassis(t, { name: 'Named rack', ip: 'localhost', port: recorder.port, isOnline: true }),
      );
      const [literal] = await env().inOrg(org, (t) =>
        t.tx
          .insert(chassis)
          .values({ orgId: org.id, name: 'Old rack', ip: '127.0.0.1', port: recorder.port, isOnline: true })
          .returning(),
      );
      for (const [i, c] of [named, literal].entries())
        assert.equal(
          (await admin.post(`${M}/units`, { chassis_id: c.id, name: `CH${i}`, slot: 1 })).status,
          201,
        );

      await poller.poll(4);

      assert.equal(recorder.connections(), 0, 'the server never connected to loopback');
      for (const c of [named, literal]) {
        const seen = (await admin.get(`${M}/chassis/${c.id}`)).body;
        assert.equal(seen.is_online, false, `${c.name} is reported offline`);
        assert.equal(seen.ip, c.ip, 'its stored address is untouched');
      }
      const visible = JSON.stringify([
        (await admin.get(`${M}/chassis`)).body,
        (await admin.get(`${M}/units`)).body,
        (await admin.get(`${M}/alerts`)).body,
      ]);
      assert.doesNotMatch(visible, /refused|loopback|resolves|forbidden|ECONN|timeout/i);
      assert.ok(
        (await admin.get(`${M}/units`)).body.items.every((u) => u.status === 'offline'),
        'the units behind an unreachable receiver are offline, like any receiver that does not answer',
      );
    });
  },
  { outboundAllowNetworks: [] },
);

describeEachBackend(
  'outbound: with OUTBOUND_ALLOW_NETWORKS=127.0.0.0/8 the receiver simulator on loopback is reached',
  (env) => {
    let admin: Client;
    let rx: SimulatedReceiver;
    let recorder: Awaited<ReturnType<typeof connectionRecorder>>;
    const poller = testPoller(env);

    before(async () => {
      ({ admin } = await env().makeOrg('lan'));
      rx = await startReceiver({ channels: 2, batteries: [55, 80] });
      recorder = await connectionRecorder();
    });
    after(async () => {
      poller.close();
      await rx.close();
      await recorder.close();
    });

    test('an allowed network is stored and polled; the recorder sees the connections', async () => {
      const rack = await admin.post(`${M}/chassis`, { name: 'Venue rack', ip: rx.host, port: rx.port });
      assert.equal(rack.status, 201, JSON.stringify(rack.body));
      const unit = await admin.post(`${M}/units`, { chassis_id: rack.body.id, name: 'CH1', slot: 1 });
      assert.equal(unit.status, 201);
      const probe = await admin.post(`${M}/chassis`, { name: 'Probe', ip: '127.0.0.1', port: recorder.port });
      assert.equal(probe.status, 201);

      await poller.poll(1);

      assert.equal((await admin.get(`${M}/chassis/${rack.body.id}`)).body.is_online, true);
      const seen = (await admin.get(`${M}/units/${unit.body.id}`)).body;
      assert.deepEqual([seen.status, seen.battery], ['online', 55]);
      assert.ok(recorder.connections() > 0, 'an allowed loopback address is connected to');
    });
  },
  { outboundAllowNetworks: ['127.0.0.0/8'] },
);
