import assert from 'node:assert/strict';
import http from 'node:http';
import { after, describe, test } from 'node:test';
import type { BodyOf } from './support/api-types.ts';
import { startServer, type ServerProcess } from './support/processes.ts';

/**
 * The real `roster start` process (PGlite, so no shared database is needed): it prints the demo
 * logins, and on SIGTERM it finishes the requests it is serving before exiting cleanly.
 */
const PASSWORD = 'shutdown-demo-pass';
const IN_FLIGHT = 10;

/** One request on its own connection; `sent` resolves once the request is fully written. */
function post<U extends string>(
  port: number,
  url: U,
  body: unknown,
): { sent: Promise<void>; response: Promise<{ status: number; body: BodyOf<U, 'post'> }> } {
  const payload = JSON.stringify(body);
  let markSent!: () => void;
  const sent = new Promise<void>((r) => (markSent = r));
  const response = new Promise<{ status: number; body: BodyOf<U, 'post'> }>((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: url,
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, body: (text ? JSON.parse(text) : null) as BodyOf<U, 'post'> }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.on('finish', markSent);
    req.end(payload);
  });
  return { sent, response };
}

describe('graceful shutdown of `roster start`', () => {
  let server: ServerProcess | undefined;

  after(async () => {
    await server?.kill();
    server?.cleanup();
  });

  test('prints the demo logins, then drains in-flight requests on SIGTERM and exits 0', async (t) => {
    // An empty DATABASE_URL/REDIS_URL means "not set": this server stands alone on PGlite.
    server = await startServer({
      name: 'shutdown',
      env: { ROSTER_DEMO_PASSWORD: PASSWORD, DATABASE_URL: '', REDIS_URL: '' },
      readyTimeoutMs: 60_000,
    });
    const { port, proc, waitFor, stdout, stderr } = server;
    await waitFor(() => stdout().includes('password for every demo user'), 'the demo logins', 60_000);
    assert.match(stdout(), /Demo organization "demo"/);
    for (const username of [
      'admin',
      'tech',
      'plant.user',
      'gestionnaire',
      'controleur',
      'participant',
      'exposant',
    ]) {
      assert.match(
        stdout(),
        new RegExp(`^\\s+${username.replace('.', '\\.')}\\s+\\S`, 'm'),
        `${username} is listed`,
      );
    }
    assert.match(stdout(), new RegExp(`password for every demo user: ${PASSWORD}`));

    const first = await post(port, '/api/auth/login', { username: 'admin', password: PASSWORD }).response;
    assert.equal(first.status, 200);
    assert.deepEqual(
      [first.body.user?.username, first.body.org.slug, first.body.role],
      ['admin', 'demo', 'owner'],
    );

    // Fire the logins (each spends time in scrypt), and signal once the server has begun every one of them.
    const incoming = () =>
      stdout()
        .split('\n')
        .filter((l) => l.includes('"incoming request"') && l.includes('/api/auth/login')).length;
    const already = incoming();
    const requests = Array.from({ length: IN_FLIGHT }, () =>
      post(port, '/api/auth/login', { username: 'admin', password: PASSWORD }),
    );
    await Promise.all(requests.map((r) => r.sent));
    await waitFor(() => incoming() >= already + IN_FLIGHT, 'the server to start every login', 20_000);
    const completedBeforeSignal = (stdout().match(/"request completed"/g) ?? []).length;
    proc.kill('SIGTERM');

    const results = await Promise.all(requests.map((r) => r.response));
    for (const res of results) {
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.match(res.body.token, /^rs_/);
      assert.equal(res.body.user?.username, 'admin');
    }
    assert.equal((await server.exited).code, 0, `exit code\nstderr:\n${stderr()}`);
    assert.match(
      stdout(),
      /"signal":"SIGTERM".*draining in-flight requests|draining in-flight requests.*"signal":"SIGTERM"/,
    );
    const completedAfterSignal =
      (stdout().match(/"request completed"/g) ?? []).length - completedBeforeSignal;
    t.diagnostic(`${completedAfterSignal} of ${IN_FLIGHT} logins completed after SIGTERM`);
    assert.ok(completedAfterSignal > 0, 'some logins were still running when the signal came');
  });
});
