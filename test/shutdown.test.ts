import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { freePort, ROOT as root } from './support/processes.ts';

/**
 * The real `roster start` process (PGlite, so no shared database is needed): it prints the demo
 * logins, and on SIGTERM it finishes the requests it is serving before exiting cleanly.
 */
const PASSWORD = 'shutdown-demo-pass';
const IN_FLIGHT = 10;

/** What a login answers (the fields these tests read). */
interface LoginAnswer {
  token: string;
  user: { username: string };
  org: { slug: string };
  role: string;
}

/** One request on its own connection; `sent` resolves once the request is fully written. */
function post(
  port: number,
  url: string,
  body: unknown,
): { sent: Promise<void>; response: Promise<{ status: number; body: LoginAnswer | null }> } {
  const payload = JSON.stringify(body);
  let markSent!: () => void;
  const sent = new Promise<void>((r) => (markSent = r));
  const response = new Promise<{ status: number; body: LoginAnswer | null }>((resolve, reject) => {
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
        res.on('data', (c) => (text += c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, body: text ? (JSON.parse(text) as LoginAnswer) : null }),
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

/**
 * A login whose body arrives in two parts: the server has accepted the request (headers read)
 * before `finish()` sends the rest, so it is still in flight whenever the test chooses.
 */
function slowPost(port: number, url: string, body: unknown) {
  const payload = Buffer.from(JSON.stringify(body));
  const half = Math.floor(payload.length / 2);
  let req!: http.ClientRequest;
  const response = new Promise<{ status: number; body: LoginAnswer | null }>((resolve, reject) => {
    req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: url,
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': payload.length },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, body: text ? (JSON.parse(text) as LoginAnswer) : null }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.flushHeaders();
    req.write(payload.subarray(0, half));
  });
  return { response, finish: () => req.end(payload.subarray(half)) };
}

/** Whether a new TCP connection to `port` is refused. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('graceful shutdown of `roster start`', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-shutdown-'));
  let child: ChildProcess | undefined;

  after(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('prints the demo logins, then drains in-flight requests on SIGTERM and exits 0', async (t) => {
    const port = await freePort();
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start'], {
      cwd: root,
      // An empty DATABASE_URL/REDIS_URL means "not set": this server stands alone on PGlite.
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        PORT: String(port),
        HOST: '127.0.0.1',
        ROSTER_DEMO_PASSWORD: PASSWORD,
        DATABASE_URL: '',
        REDIS_URL: '',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let stdout = '';
    let stderr = '';
    const lineWaiters = new Set<() => void>();
    proc.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
      for (const w of lineWaiters) w();
    });
    proc.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    const waitFor = (done: () => boolean, what: string, ms = 60_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!done()) return;
          lineWaiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          lineWaiters.delete(check);
          reject(new Error(`timed out waiting for ${what}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
        }, ms);
        lineWaiters.add(check);
        void exited.then(() => {
          if (!done())
            reject(new Error(`server exited before ${what}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
        });
        check();
      });

    await waitFor(
      () => stdout.includes(`Roster listening on http://127.0.0.1:${port}`),
      'the listening line',
    );
    await waitFor(() => stdout.includes('password for every demo user'), 'the demo logins');
    assert.match(stdout, /Demo organization "demo"/);
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
        stdout,
        new RegExp(`^\\s+${username.replace('.', '\\.')}\\s+\\S`, 'm'),
        `${username} is listed`,
      );
    }
    assert.match(stdout, new RegExp(`password for every demo user: ${PASSWORD}`));

    const first = await post(port, '/api/auth/login', { username: 'admin', password: PASSWORD }).response;
    assert.equal(first.status, 200);
    assert.deepEqual(
      [first.body?.user.username, first.body?.org.slug, first.body?.role],
      ['admin', 'demo', 'owner'],
    );

    // Fire the logins (each spends time in scrypt), and signal once the server has begun every one of them.
    const incoming = () =>
      stdout.split('\n').filter((l) => l.includes('"incoming request"') && l.includes('/api/auth/login'))
        .length;
    const already = incoming();
    const requests = Array.from({ length: IN_FLIGHT }, () =>
      post(port, '/api/auth/login', { username: 'admin', password: PASSWORD }),
    );
    await Promise.all(requests.map((r) => r.sent));
    await waitFor(() => incoming() >= already + IN_FLIGHT, 'the server to start every login', 20_000);
    const slow = slowPost(port, '/api/auth/login', { username: 'admin', password: PASSWORD });
    await waitFor(() => incoming() >= already + IN_FLIGHT + 1, 'the server to accept the slow login', 20_000);
    const completedBeforeSignal = (stdout.match(/"request completed"/g) ?? []).length;
    proc.kill('SIGTERM');
    await waitFor(() => stdout.includes('draining in-flight requests'), 'the drain to begin', 20_000);
    assert.equal(await refused(port), true, 'a new connection is refused while draining');
    slow.finish();
    const slowResult = await slow.response;
    assert.equal(slowResult.status, 200, JSON.stringify(slowResult.body));
    assert.match(String(slowResult.body?.token), /^rs_/);

    const results = await Promise.all(requests.map((r) => r.response));
    for (const res of results) {
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.match(String(res.body?.token), /^rs_/);
      assert.equal(res.body?.user.username, 'admin');
    }
    assert.equal(await exited, 0, `exit code\nstderr:\n${stderr}`);
    assert.match(
      stdout,
      /"signal":"SIGTERM".*draining in-flight requests|draining in-flight requests.*"signal":"SIGTERM"/,
    );
    const completedAfterSignal = (stdout.match(/"request completed"/g) ?? []).length - completedBeforeSignal;
    t.diagnostic(`${completedAfterSignal} of ${IN_FLIGHT} logins completed after SIGTERM`);
    assert.ok(completedAfterSignal > 0, 'some logins were still running when the signal came');
  });
});
