import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { before, test } from 'node:test';
import WebSocket from 'ws';
import { buildApp, type RosterApp } from '../../src/core/http/app.ts';
import { LIVE_CAP_CLOSE_CODE } from '../../src/core/events/live.ts';
import { issueLiveTicket } from '../../src/core/http/live-tickets.ts';
import type { Organization } from '../../src/modules/identity/service.ts';
import { modules } from '../../src/server.ts';
import { describeEachBackend, type Client } from '../support/env.ts';

/**
 * Credentials in transit: never in a log line, never reusable from a URL for long, never spent by
 * another site through the browser's cookie, and never able to hold unbounded live connections.
 */

const PARTNER = 'https://console.partner.test';
const METRICS_TOKEN = 'scrape-secret-0123456789';
const TIMEOUT_MS = 5000;

/** How an attempt to open `/api/live` ended: greeted, refused at the upgrade, or closed after it. */
type Outcome =
  | { kind: 'open'; socket: WebSocket }
  | { kind: 'refused'; status: number; detail: string }
  | { kind: 'closed'; code: number; reason: string };

function openLive(port: number, query: string, headers: Record<string, string> = {}): Promise<Outcome> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/api/live${query}`, { headers });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer from /api/live')), TIMEOUT_MS);
    const done = (outcome: Outcome) => {
      clearTimeout(timer);
      resolve(outcome);
    };
    socket.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => {
        const detail = (JSON.parse(body || '{}') as { detail?: string }).detail ?? '';
        done({ kind: 'refused', status: res.statusCode ?? 0, detail });
      });
    });
    socket.once('message', (raw: Buffer) => {
      if ((JSON.parse(raw.toString()) as { type: string }).type === 'hello') done({ kind: 'open', socket });
    });
    socket.once('close', (code, reason) => done({ kind: 'closed', code, reason: reason.toString() }));
    socket.once('error', () => {});
  });
}

function closeAll(outcomes: Outcome[]) {
  for (const o of outcomes) if (o.kind === 'open') o.socket.close();
}

/** Resolves once the server has let go of every live connection (its handlers have run). */
async function serverIdle(app: RosterApp) {
  for (let i = 0; app.websocketServer.clients.size > 0; i++) {
    if (i > 200) throw new Error(`${app.websocketServer.clients.size} live connections still open`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describeEachBackend(
  'credentials in transit',
  (env) => {
    let port: number;
    let org: Organization;
    let owner: Client;
    let member: Client;
    let deviceToken: string;

    before(async () => {
      const { app } = env();
      await app.listen({ port: 0, host: '127.0.0.1' });
      port = (app.server.address() as { port: number }).port;
      ({ org, admin: owner } = await env().makeOrg('transit'));
      ({ client: member } = await env().makeUser(org, 'transit.member', 'member'));
      const anon = env().client();
      const pairing = await anon.post('/api/device/pair');
      const claim = await owner.post('/api/signage/devices/claim', { code: pairing.body.code, name: 'Hall' });
      assert.equal(claim.status, 201, JSON.stringify(claim.body));
      const paired = await anon.get(`/api/device/pair/${pairing.body.pairing_secret}`);
      assert.ok('device_token' in paired.body);
      deviceToken = paired.body.device_token;
    });

    // ------------------------------------------------------------------ logs

    test('request logs carry no credential: URL tokens and tickets, auth headers, cookies', async () => {
      let log = '';
      const stream = new Writable({
        write(chunk: Buffer, _encoding, next) {
          log += chunk.toString();
          next();
        },
      });
      const echo = {
        name: 'header-logger',
        register(app: RosterApp) {
          // A handler that logs the request headers, as a debugging change might.
          app.get('/test/log-headers', { config: { public: true } }, (req) => {
            req.log.info({ headers: req.headers }, 'headers');
            return Promise.resolve({ ok: true });
          });
        },
      };
      const logged = await buildApp(env().app.deps, {
        modules: [...modules, echo],
        logger: { level: 'info', stream },
      });
      try {
        const token = owner.token!;
        const ticket = (await owner.post('/api/live/ticket')).body.ticket;
        assert.ok(ticket);
        await logged.inject({ url: `/api/live?token=${token}` });
        await logged.inject({ url: `/api/live?ticket=${ticket}` });
        await logged.inject({ url: `/api/auth/me?token=${token}&x=1` });
        await logged.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });
        await logged.inject({
          url: '/test/log-headers',
          headers: {
            authorization: `Bearer ${token}`,
            cookie: `roster_session=${token}`,
            'x-api-key': `${token}-key`,
          },
        });
        assert.match(log, /\/api\/live\?token=\[redacted\]/, 'the request line is still logged');
        assert.match(log, /"url":"\/api\/auth\/me\?token=\[redacted\]&x=1"/);
        assert.match(log, /"authorization":"\[redacted\]"/);
        for (const secret of [token, ticket, token.slice(3, 20)])
          assert.ok(!log.includes(secret), `a credential reached the log: ${secret.slice(0, 6)}…`);
      } finally {
        await logged.close();
      }
    });

    // ------------------------------------------------------------------ live tickets

    test('a live ticket opens /api/live once; reused, expired or forged it is refused', async () => {
      const issued = await member.post('/api/live/ticket');
      assert.equal(issued.status, 201);
      const { ticket, expires_at } = issued.body;
      assert.match(ticket, /^lt_/);
      assert.ok(!ticket.includes(member.token!), 'the ticket does not show the token');
      const ttl = Date.parse(expires_at) - Date.now();
      assert.ok(ttl > 20_000 && ttl <= 30_000, `valid about 30 s, got ${ttl} ms`);

      const first = await openLive(port, `?ticket=${encodeURIComponent(ticket)}`);
      assert.equal(first.kind, 'open');
      closeAll([first]);
      const again = await openLive(port, `?ticket=${encodeURIComponent(ticket)}`);
      assert.deepEqual(again, {
        kind: 'refused',
        status: 401,
        detail: 'Invalid, expired or revoked credentials',
      });

      // Issued 31 s ago by this server's secret: past its 30 s.
      const stale = issueLiveTicket(env().config.secret, member.token!, Date.now() - 31_000).ticket;
      assert.equal((await openLive(port, `?ticket=${encodeURIComponent(stale)}`)).kind, 'refused');
      const forged = issueLiveTicket('another-server-secret', member.token!).ticket;
      assert.equal((await openLive(port, `?ticket=${encodeURIComponent(forged)}`)).kind, 'refused');
      assert.equal((await openLive(port, '?ticket=lt_garbage')).kind, 'refused');
    });

    test('a ticket dies with the session it was issued for', async () => {
      const session = await env().login('transit.member', 'transit');
      const { ticket } = (await session.post('/api/live/ticket')).body;
      assert.equal((await session.post('/api/auth/logout')).status, 204);
      const outcome = await openLive(port, `?ticket=${encodeURIComponent(ticket)}`);
      assert.equal(outcome.kind, 'refused');
    });

    test('a screen opens a live connection of its own, by header or ticket, and an unpaired token is refused', async () => {
      // Players hear commands and emergency messages at once; what reaches them is only what is
      // addressed to screens (the bus's audience rule), never the people's events.
      const screen = env().client(deviceToken);
      const ticket = await screen.post('/api/live/ticket');
      assert.equal(ticket.status, 201);
      const outcomes = [
        await openLive(port, '', { authorization: `Bearer ${deviceToken}` }),
        await openLive(port, `?ticket=${encodeURIComponent(ticket.body.ticket)}`),
      ];
      assert.deepEqual(
        outcomes.map((o) => o.kind),
        ['open', 'open'],
      );
      closeAll(outcomes);
      const forged = await openLive(port, '', { authorization: `Bearer ${deviceToken}x` });
      assert.equal(forged.kind, 'refused');
    });

    // ------------------------------------------------------------------ cross-site requests

    const orgName = async () => (await owner.get('/api/org')).body.name;
    const cookieWrite = (headers: Record<string, string>) =>
      env()
        .client()
        .request('PATCH', '/api/org', JSON.stringify({ name: 'Renamed by another site' }), {
          'content-type': 'application/json',
          cookie: `roster_session=${owner.token}`,
          host: 'roster.test',
          ...headers,
        });

    test('a cookie write from another site, or of unknown origin, is refused; nothing changes', async () => {
      const before = await orgName();
      const attempts: Record<string, string>[] = [
        { origin: 'https://evil.example' },
        { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
        { origin: 'http://roster.test.evil.example' },
        { origin: 'null' },
        { 'sec-fetch-site': 'same-site', origin: 'https://admin.roster.test' },
        {},
      ];
      for (const headers of attempts) {
        const res = await cookieWrite(headers);
        assert.equal(res.status, 403, JSON.stringify(headers));
        assert.equal((res.body as { detail?: string }).detail, 'Cross-site request refused');
      }
      assert.equal(await orgName(), before);
    });

    test('cookie writes from our pages or CORS_ORIGINS go through; Bearer is unaffected', async () => {
      assert.equal((await cookieWrite({ 'sec-fetch-site': 'same-origin' })).status, 200);
      assert.equal((await cookieWrite({ origin: 'http://roster.test' })).status, 200);
      assert.equal((await cookieWrite({ origin: PARTNER, 'sec-fetch-site': 'cross-site' })).status, 200);
      const bearer = await owner.request('PATCH', '/api/org', JSON.stringify({ name: 'By bearer' }), {
        'content-type': 'application/json',
        origin: 'https://evil.example',
      });
      assert.equal(bearer.status, 200);
      assert.equal(await orgName(), 'By bearer');
      // Reads by cookie are not writes: no origin needed.
      const read = await env()
        .client()
        .request('GET', '/api/org', undefined, { cookie: `roster_session=${owner.token}` });
      assert.equal(read.status, 200);
    });

    test('behind TRUST_PROXY the own origin is the one the proxy forwards', async () => {
      const proxied = await buildApp(
        { ...env().app.deps, config: { ...env().config, trustProxy: true } },
        { modules },
      );
      try {
        const write = (origin: string) =>
          proxied.inject({
            method: 'PATCH',
            url: '/api/org',
            payload: { name: 'Via proxy' },
            headers: {
              cookie: `roster_session=${owner.token}`,
              host: 'internal:3000',
              'x-forwarded-host': 'roster.example.org',
              'x-forwarded-proto': 'https',
              origin,
            },
          });
        assert.equal((await write('http://internal:3000')).statusCode, 403);
        assert.equal((await write('https://roster.example.org')).statusCode, 200);
      } finally {
        await proxied.close();
      }
    });

    test('a cookie-authenticated live connection from another site is refused', async () => {
      const cookie = `roster_session=${member.token}`;
      const foreign = await openLive(port, '', { cookie, origin: 'https://evil.example' });
      assert.deepEqual(foreign, { kind: 'refused', status: 403, detail: 'Cross-site request refused' });
      const own = await openLive(port, '', { cookie, origin: `http://127.0.0.1:${port}` });
      assert.equal(own.kind, 'open');
      closeAll([own]);
    });

    // ------------------------------------------------------------------ live caps

    test('a credential holds at most LIVE_MAX_PER_SESSION connections; the next is closed 1008', async () => {
      const bearer = { authorization: `Bearer ${owner.token}` };
      const held = [await openLive(port, '', bearer), await openLive(port, '', bearer)];
      assert.deepEqual(
        held.map((o) => o.kind),
        ['open', 'open'],
      );
      const excess = await openLive(port, '', bearer);
      assert.deepEqual(excess, {
        kind: 'closed',
        code: LIVE_CAP_CLOSE_CODE,
        reason: 'too many live connections',
      });
      // Another credential of the org still connects; closed connections free their places.
      const other = await openLive(port, '', { authorization: `Bearer ${member.token}` });
      assert.equal(other.kind, 'open');
      closeAll([...held, other]);
      await serverIdle(env().app);
      const again = await openLive(port, '', bearer);
      assert.equal(again.kind, 'open');
      closeAll([again]);
      await serverIdle(env().app);
    });

    test('one org holds at most LIVE_MAX_PER_ORG connections', async () => {
      await serverIdle(env().app);
      const users = await Promise.all(
        [1, 2, 3, 4].map((n) => env().makeUser(org, `transit.cap${n}`, 'member')),
      );
      const outcomes: Outcome[] = [];
      for (const { client } of users)
        outcomes.push(await openLive(port, '', { authorization: `Bearer ${client.token}` }));
      assert.deepEqual(
        outcomes.map((o) => (o.kind === 'closed' ? `${o.kind} ${o.code}` : o.kind)),
        ['open', 'open', 'open', `closed ${LIVE_CAP_CLOSE_CODE}`],
      );
      closeAll(outcomes);
    });

    // ------------------------------------------------------------------ ops endpoints

    test('with METRICS_TOKEN set, /metrics answers only that bearer token', async () => {
      const anon = env().client();
      assert.equal((await anon.get('/metrics')).status, 401);
      assert.equal((await env().client('not-the-metrics-token').get('/metrics')).status, 401);
      assert.equal((await env().client(owner.token).get('/metrics')).status, 401, 'a session is not enough');
      const scraped = await env().client(METRICS_TOKEN).get('/metrics');
      assert.equal(scraped.status, 200);
      assert.match(String(scraped.body), /roster_http_requests_total/);
    });
  },
  { corsOrigins: [PARTNER], liveMaxPerSession: 2, liveMaxPerOrg: 3, metricsToken: METRICS_TOKEN },
);
