import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { loadConfig } from '../../src/core/config.ts';
import { liveEvent } from '../../src/core/events/bus.ts';
import type { RosterApp } from '../../src/core/http/app.ts';
import { createServer, modules, openRuntime, type Runtime } from '../../src/server.ts';
import { seedDemo } from '../../src/seed.ts';
import {
  canRunThrowaways,
  throwawayPostgres,
  throwawayRedis,
  type ThrowawayPostgres,
  type ThrowawayRedis,
} from './throwaway.ts';

/**
 * Outages of the database and of Redis, caused on throwaway servers of this test's own: the server
 * answers 503 with Retry-After and the cause within a second, logs each change of state once,
 * keeps logins working without Redis, and recovers without a restart when the cause goes away.
 */
const PASSWORD = 'outages-demo-pass';
const FAST_MS = 1000;

interface Ready {
  status: string;
  database: { state: string; kind: string; since: string; detail?: string } | string;
  redis?: { state: string; detail?: string };
}

describe('outages', { skip: !canRunThrowaways && 'needs Postgres 15 binaries and redis-server' }, () => {
  let postgres: ThrowawayPostgres;
  let redis: ThrowawayRedis;
  let runtime: Runtime | undefined;
  let app: RosterApp;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-outages-'));
  const logs: Array<{ msg?: string; dependency?: string }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        logs.push(JSON.parse(line) as { msg?: string });
      done();
    },
  });
  const stateLines = (msg: string) => logs.filter((l) => l.msg === msg).length;

  before(async () => {
    postgres = await throwawayPostgres();
    redis = await throwawayRedis();
    await Promise.all([postgres.start(), redis.start()]);
    const config = loadConfig({
      DATABASE_URL: postgres.url,
      REDIS_URL: redis.url,
      DATA_DIR: dataDir,
      ROSTER_SECRET: 'outages-secret',
      ROSTER_DEMO_PASSWORD: PASSWORD,
      ROSTER_JOBS: 'off',
    });
    runtime = await openRuntime(config);
    await runtime.database.migrate();
    await seedDemo(runtime.database.db, config, modules);
    app = await createServer(config, runtime, { logger: { level: 'info', stream } });
    await app.ready();
  });
  after(async () => {
    await app?.close();
    await runtime?.close();
    await redis?.stop();
    postgres?.remove();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const timed = async <R>(run: () => Promise<R>) => {
    const started = Date.now();
    const res = await run();
    return { res, ms: Date.now() - started };
  };
  // Each login from its own address, so the login rate limit does not count the refused ones.
  let caller = 0;
  const login = () =>
    app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: `10.0.${Math.floor(++caller / 250)}.${caller % 250}`,
      payload: { username: 'admin', password: PASSWORD },
    });
  const ready = async () => {
    const res = await app.inject({ method: 'GET', url: '/readyz?verbose' });
    return { status: res.statusCode, body: res.json<Ready>() };
  };
  /** Polls `check` until it holds, within a generous ceiling. */
  const until = async (check: () => Promise<boolean>, what: string, ms = 30_000) => {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  test('Postgres down: 503 + Retry-After within a second, one log line, /healthz fine, recovery', async () => {
    assert.equal((await login()).statusCode, 200);
    postgres.stop();
    for (let i = 0; i < 20; i++) {
      const { res, ms } = await timed(login);
      assert.equal(res.statusCode, 503, res.body);
      assert.ok(ms < FAST_MS, `answered in ${ms} ms`);
      assert.match(String(res.headers['retry-after']), /^[1-5]$/);
      assert.match(String(res.headers['content-type']), /application\/problem\+json/);
      assert.equal(res.json<{ detail: string }>().detail, 'The database is unavailable');
    }
    const health = await app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(health.statusCode, 200);
    const down = await ready();
    assert.equal(down.status, 503);
    assert.equal(down.body.status, 'not ready');
    assert.ok(typeof down.body.database === 'object');
    assert.equal(down.body.database.state, 'down');
    assert.equal(down.body.database.kind, 'postgres');
    assert.match(down.body.database.detail ?? '', /The database is unavailable/);
    assert.equal(stateLines('database unavailable'), 1, 'one line when the database went down');
    assert.equal(logs.filter((l) => l.msg === 'unhandled error').length, 0, 'no error line per request');

    await postgres.start();
    await until(async () => (await ready()).status === 200, 'the database back in /readyz');
    assert.equal((await login()).statusCode, 200);
    assert.equal(stateLines('database available again'), 1);
  });

  test('database out of disk space: writes 503 + Retry-After, reads answered, recovery', async () => {
    const token = (await login()).json<{ token: string }>().token;
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    try {
      // The disk is simulated full for new sessions only: the error Postgres raises when it cannot
      // extend a file, from the statement that writes.
      await admin.query(`
        create function roster_test_disk_full() returns trigger language plpgsql as
          $$ begin raise exception 'could not extend file: No space left on device' using errcode = 'disk_full'; end $$;
        create trigger roster_test_disk_full before insert on sessions
          for each row execute function roster_test_disk_full();`);
      const { res, ms } = await timed(login);
      assert.equal(res.statusCode, 503, res.body);
      assert.ok(ms < FAST_MS, `answered in ${ms} ms`);
      assert.match(String(res.headers['retry-after']), /^[1-5]$/);
      assert.equal(res.json<{ detail: string }>().detail, 'The database is out of disk space');
      const me = await app.inject({
        method: 'GET',
        url: '/api/auth/me',
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(me.statusCode, 200, 'a read is still answered');
      const degraded = await ready();
      assert.equal(degraded.status, 200);
      assert.equal(degraded.body.status, 'degraded');

      await admin.query('drop trigger roster_test_disk_full on sessions');
      assert.equal((await login()).statusCode, 200);
      assert.deepEqual((await ready()).body.status, 'ready');
    } finally {
      await admin.end();
    }
  });

  test('Redis down: logins at normal speed, /readyz degraded, dropped events counted, recovery', async () => {
    await redis.stop();
    await until(async () => (await ready()).body.redis?.state === 'down', 'Redis down in /readyz');
    const degraded = await ready();
    assert.equal(degraded.status, 200);
    assert.equal(degraded.body.status, 'degraded');
    for (let i = 0; i < 5; i++) {
      const { res, ms } = await timed(login);
      assert.equal(res.statusCode, 200, res.body);
      assert.ok(ms < FAST_MS, `login in ${ms} ms`);
    }
    const started = Date.now();
    await app.deps.bus.publish(liveEvent('00000000-0000-0000-0000-000000000000', 'test.event', {}, {}));
    assert.ok(Date.now() - started < 100, 'publishing does not wait for Redis');
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    assert.match(metrics.body, /^roster_live_events_dropped_total [1-9]\d*$/m);
    assert.equal(stateLines('redis unavailable'), 1);

    await redis.start();
    await until(async () => (await ready()).body.status === 'ready', 'Redis back in /readyz');
    assert.equal(stateLines('redis available again'), 1);
    assert.equal((await login()).statusCode, 200);
  });
});
