import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { describeEachBackend, type Client } from './support/env.ts';
import type { ProblemBody } from './support/api-types.ts';
import { connectLive as connect, frameText, type LiveClient, type LiveMessage } from './support/live.ts';
import {
  createRedisBus,
  liveEvent,
  type Audience,
  type EventBus,
  type LiveEvent,
} from '../src/core/events/bus.ts';
import { createMemoryRateLimiter } from '../src/core/http/rate-limit.ts';
import type { RosterApp } from '../src/core/http/app.ts';
import { createServer } from '../src/server.ts';
import type { Organization } from '../src/modules/identity/service.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describeEachBackend('live events over WebSocket', (env) => {
  let port: number;
  let alpha: Organization;
  let beta: Organization;
  const users: Record<string, { id: number; client: Client }> = {};
  const live: Record<string, LiveClient> = {};

  before(async () => {
    const { app } = env();
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as { port: number }).port;
    let alphaAdmin: Client;
    ({ org: alpha, admin: alphaAdmin } = await env().makeOrg('alpha'));
    ({ org: beta } = await env().makeOrg('beta'));
    const owner = (await alphaAdmin.get('/api/auth/me')).body.user;
    assert.ok(owner);
    users.owner = { id: owner.id, client: alphaAdmin };
    users.ada = await env().makeUser(alpha, 'ada', 'admin');
    users.xena = await env().makeUser(alpha, 'xena', 'member');
    users.yuri = await env().makeUser(alpha, 'yuri', 'member');
    users.vera = await env().makeUser(alpha, 'vera', 'viewer');
    users.bob = await env().makeUser(beta, 'bob', 'member');
    users.bea = await env().makeUser(beta, 'bea', 'owner');
    for (const name of Object.keys(users))
      live[name] = await connect(port, { token: users[name].client.token });
  });

  after(() => {
    for (const c of Object.values(live)) c.close();
  });

  /**
   * Publishes `event`, then an everyone-marker in each org. The bus keeps order per connection,
   * so once a client has its marker it has had every chance to receive the event: no sleeps.
   */
  async function receivers(audience: Audience, orgId = alpha.id): Promise<string[]> {
    const tag = crypto.randomUUID();
    await env().bus.publish(liveEvent(orgId, 'test.event', { tag }, audience));
    for (const org of [alpha, beta])
      await env().bus.publish(liveEvent(org.id, 'test.marker', { tag }, { everyone: true }));
    const got: string[] = [];
    for (const [name, c] of Object.entries(live)) {
      await c.next((m) => m.type === 'test.marker' && m.data.tag === tag);
      if (c.messages.some((m) => m.type === 'test.event' && m.data.tag === tag)) got.push(name);
    }
    return got.sort();
  }

  test('an upgrade without credentials, or with unknown ones, is refused with 401', async () => {
    await assert.rejects(
      connect(port, {}),
      (e: { status?: number; body?: string }) =>
        e.status === 401 && (JSON.parse(e.body!) as ProblemBody).detail === 'Authentication required',
    );
    await assert.rejects(
      connect(port, { token: 'rs_nope' }),
      (e: { status?: number; body?: string }) =>
        e.status === 401 &&
        (JSON.parse(e.body!) as ProblemBody).detail === 'Invalid, expired or revoked credentials',
    );
    await assert.rejects(connect(port, { bearer: 'rs_nope' }), (e: { status?: number }) => e.status === 401);
  });

  test('?token= and the Bearer header are both accepted; hello tells org, user and role', async () => {
    for (const auth of [{ token: users.xena.client.token }, { bearer: users.xena.client.token }]) {
      const c = await connect(port, auth);
      const hello = await c.next((m) => m.type === 'hello');
      assert.deepEqual(hello.data, { org_id: alpha.id, user_id: users.xena.id, role: 'member' });
      assert.ok(!Number.isNaN(Date.parse(hello.at)));
      c.close();
    }
  });

  test('ping is answered with pong', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/live?token=${users.yuri.client.token}`);
    const pong = await new Promise<LiveMessage>((resolve, reject) => {
      ws.on('message', (raw) => {
        const m = JSON.parse(frameText(raw)) as LiveMessage;
        if (m.type === 'hello') ws.send('ping');
        if (m.type === 'pong') resolve(m);
      });
      ws.on('error', reject);
    });
    assert.equal(pong.type, 'pong');
    ws.close();
  });

  test('{userIds:[x]} reaches x and nobody else, not even other members of the org', async () => {
    assert.deepEqual(await receivers({ userIds: [users.xena.id] }), ['xena']);
  });

  test('{everyone:true} reaches every member of the org and nobody in another org', async () => {
    assert.deepEqual(await receivers({ everyone: true }), ['ada', 'owner', 'vera', 'xena', 'yuri']);
    assert.deepEqual(await receivers({ everyone: true }, beta.id), ['bea', 'bob']);
  });

  test('{orgRoles:[admin, owner]} reaches only the org’s admins and owners', async () => {
    assert.deepEqual(await receivers({ orgRoles: ['admin', 'owner'] }), ['ada', 'owner']);
  });

  test('a user id of another org does not open that org’s events', async () => {
    assert.deepEqual(await receivers({ userIds: [users.bob.id] }), []);
  });

  test('the delivered message carries type, data and time only', async () => {
    const tag = crypto.randomUUID();
    await env().bus.publish(liveEvent(alpha.id, 'test.shape', { tag, n: 1 }, { userIds: [users.xena.id] }));
    const m = await live.xena.next((x) => x.type === 'test.shape' && x.data.tag === tag);
    assert.deepEqual(Object.keys(m).sort(), ['at', 'data', 'type']);
    assert.deepEqual(m.data, { tag, n: 1 });
  });

  test('t.publish inside withTenant is delivered after commit, and not at all when the transaction throws', async () => {
    const seen: LiveEvent[] = [];
    const unsubscribe = env().bus.subscribe((e) => seen.push(e));
    try {
      const duringTx = await env().inOrg(alpha, (t) => {
        t.publish(liveEvent(alpha.id, 'test.committed', { n: 1 }, { everyone: true }));
        t.publish(liveEvent(alpha.id, 'test.committed', { n: 2 }, { everyone: true }));
        return Promise.resolve(seen.length);
      });
      assert.equal(duringTx, 0, 'nothing is published while the transaction is open');
      assert.deepEqual(
        seen.map((e) => [e.type, e.data]),
        [
          ['test.committed', { n: 1 }],
          ['test.committed', { n: 2 }],
        ],
      );

      await assert.rejects(
        env().inOrg(alpha, (t) => {
          t.publish(liveEvent(alpha.id, 'test.rolled-back', {}, { everyone: true }));
          return Promise.reject(new Error('refused'));
        }),
        /refused/,
      );
      assert.deepEqual(
        seen.map((e) => e.type),
        ['test.committed', 'test.committed'],
        'a rolled-back change announces nothing',
      );
      const c = await live.yuri.next((m) => m.type === 'test.committed' && m.data.n === 2);
      assert.equal(c.type, 'test.committed');
      assert.ok(!live.yuri.messages.some((m) => m.type === 'test.rolled-back'));
    } finally {
      unsubscribe();
    }
  });

  test(
    'two processes on one Redis: an event published by another process reaches this one’s sockets',
    {
      skip:
        !process.env.REDIS_URL &&
        'REDIS_URL is not set: start Redis and set REDIS_URL to run the multi-process test',
    },
    async () => {
      const url = process.env.REDIS_URL!;
      const bus: EventBus = await createRedisBus(url);
      let app: RosterApp | undefined;
      let socket: LiveClient | undefined;
      try {
        const { database, config } = env();
        app = await createServer(config, {
          database,
          bus,
          rateLimiter: createMemoryRateLimiter(),
          close: async () => {},
        });
        await app.listen({ port: 0, host: '127.0.0.1' });
        socket = await connect((app.server.address() as { port: number }).port, {
          token: users.xena.client.token,
        });
        const received: LiveEvent[] = [];
        const tag = crypto.randomUUID();
        bus.subscribe((e) => {
          if ((e.data as { tag?: string })?.tag === tag) received.push(e);
        });

        // Other tests may share this Redis: the tag keeps this run's events apart.
        const events = [
          liveEvent(beta.id, 'redis.other-org', { tag }, { everyone: true }),
          liveEvent(alpha.id, 'redis.for-yuri', { tag }, { userIds: [users.yuri.id] }),
          liveEvent(alpha.id, 'redis.for-xena', { tag, from: 'child' }, { userIds: [users.xena.id] }),
        ];
        const { stdout } = await promisify(execFile)(
          process.execPath,
          [
            '--import',
            'tsx',
            path.join(root, 'test/support/publish-live-event.ts'),
            url,
            JSON.stringify(events),
          ],
          { cwd: root, timeout: 20_000 },
        );
        const child = Number(/published from pid (\d+)/.exec(stdout)?.[1]);
        assert.ok(child && child !== process.pid, 'published by another process');

        const m = await socket.next((x) => x.type === 'redis.for-xena' && x.data.tag === tag);
        assert.deepEqual(m.data, { tag, from: 'child' });
        assert.deepEqual(received, events, 'the parent’s bus received every event unchanged and in order');
        assert.deepEqual(
          socket.messages.filter((x) => x.data?.tag === tag).map((x) => x.type),
          ['redis.for-xena'],
          'the socket got only what its user may see',
        );
        assert.deepEqual(
          (await env().client().get<'/readyz', { bus: string }>('/readyz')).body.bus,
          'memory',
        );
        const ready = await app.inject({ method: 'GET', url: '/readyz' });
        assert.equal(ready.json<{ bus: string }>().bus, 'redis');
      } finally {
        socket?.close();
        await app?.close();
        await bus.close();
      }
    },
  );
});
