import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { describeEachBackend, TEST_PASSWORD } from '../support/env.ts';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/core/db/client.ts';
import type { RosterApp } from '../../src/core/http/app.ts';
import { modules } from '../../src/server.ts';
import { DEMO_ORG, seedDemo } from '../../src/seed.ts';
import {
  appWithRoutes,
  changedTables,
  databaseChecksum,
  jsonSchemaOf,
  resolve,
  sampleOf,
  samplePath,
  typeOf,
  type JsonSchema,
  type WalkedRoute,
} from '../support/routes.ts';

/**
 * Bad input on every route (issue 8, "Bad input suite"): the demo org's owner — who may call
 * everything — sends, to every registered route with a JSON body or a query string, malformed JSON,
 * non-object bodies, each field with the wrong type, 1 MB strings, overflowing and fractional
 * numbers and unknown fields (mass assignment). Every answer must be a 4xx problem+json (never a
 * 5xx, never a 2xx) and the whole database must be byte-for-byte unchanged.
 *
 * Unicode edge cases (NUL, lone surrogates, RTL override, emoji) and in-range-but-odd numbers
 * (negative, zero) may be legitimate values for some fields, so they are sent separately: never a
 * 5xx, a 4xx is problem+json, NUL is never stored (Postgres text cannot hold it), and the database
 * changes only if one of them was accepted.
 */
const MB = 1_000_000;
const HUGE = 'x'.repeat(MB);

interface Attempt {
  route: WalkedRoute;
  what: string;
  url: string;
  payload?: string;
  contentType?: string;
}

/** Values of the wrong JSON type for a field of type `type`. */
function wrongTypes(type: string | undefined): unknown[] {
  switch (type) {
    case 'string':
    case 'enum':
      return [12345, true, { nested: 'x' }, ['x']];
    case 'integer':
    case 'number':
      return ['12', 'abc', true, { n: 1 }, [1]];
    case 'boolean':
      return ['true', 1, 'yes', [true]];
    case 'array':
      return ['x', 1, { a: 1 }];
    case 'object':
      return ['x', 1, [1]];
    default:
      return [{ unexpected: { deep: [1, 2, 3] } }];
  }
}

/** Numbers no field may accept: beyond any column, or fractional where an integer is wanted. */
function impossibleNumbers(s: JsonSchema): unknown[] {
  const out: unknown[] = [1e308, -1e308, 2 ** 63, -(2 ** 63), Number.MAX_SAFE_INTEGER + 2];
  if (s.type === 'integer') out.push(1.5);
  return out;
}

const UNICODE = {
  nul: 'before\u0000after',
  loneHigh: 'x\ud800y',
  loneLow: '\udfffz',
  rtl: '\u202egnp.exe',
  emoji: '🎤👩🏽‍🔧🏳️‍🌈',
  zalgo: 'Z̸̢̛͎͇a̷̛͚l̶̙͝g̸͕̈o',
};

function bodyAttempts(route: WalkedRoute, url: string): { strict: Attempt[]; lenient: Attempt[] } {
  const root = jsonSchemaOf(route.options.schema?.body);
  const strict: Attempt[] = [];
  const lenient: Attempt[] = [];
  if (!root) return { strict, lenient };
  const json = (what: string, body: unknown, into: Attempt[] = strict) =>
    into.push({ route, what, url, payload: JSON.stringify(body), contentType: 'application/json' });
  strict.push({
    route,
    what: 'malformed JSON',
    url,
    payload: '{"name": "unterminated',
    contentType: 'application/json',
  });
  strict.push({ route, what: 'trailing garbage', url, payload: '{} {}', contentType: 'application/json' });
  strict.push({
    route,
    what: 'body over the 1 MiB limit',
    url,
    payload: JSON.stringify({ blob: 'x'.repeat(2 * MB) }),
    contentType: 'application/json',
  });
  // Anthias's API coerces types ("12", 1, "yes") and ignores unknown keys, and its clients count on
  // it: on /api/v2/ those attempts must never fail badly, but they may succeed. Roster's own API
  // refuses both.
  const anthias = url.startsWith('/api/v2/');
  const forgiving = anthias ? lenient : strict;
  const base = sampleOf(root, root);
  const top = resolve(root, root);
  if (typeOf(root, root) === 'object') {
    for (const body of [[], 'a string', 42, null]) json(`body ${JSON.stringify(body)}`, body);
    for (const field of ['org_id', 'id', '__proto__', 'constructor', 'created_by']) {
      if (top.properties?.[field]) continue;
      forgiving.push({
        route,
        what: `mass assignment: ${field}`,
        url,
        payload: JSON.stringify(base).replace(
          /^\{/,
          `{"${field}": ${field === '__proto__' ? '{"isAdmin": true}' : '"00000000-0000-0000-0000-000000000001"'}${Object.keys(base as object).length ? ',' : ''}`,
        ),
        contentType: 'application/json',
      });
    }
    for (const [field, prop] of Object.entries(top.properties ?? {})) {
      const type = typeOf(prop, root);
      const withField = (value: unknown) => ({ ...(base as object), [field]: value });
      for (const value of wrongTypes(type))
        json(`${field}: wrong type ${JSON.stringify(value)}`, withField(value), forgiving);
      const r = resolve(prop, root);
      const options = (r.anyOf ?? r.oneOf ?? [r]).map((o) => resolve(o, root));
      const stringy = type === 'string' || options.some((o) => o.type === 'string');
      if (stringy) json(`${field}: 1 MB string`, withField(HUGE));
      if (type === 'integer' || type === 'number') {
        for (const value of impossibleNumbers(
          options.find((o) => o.type === 'integer' || o.type === 'number') ?? r,
        ))
          json(`${field}: ${String(value)}`, withField(value));
        for (const value of [-1, 0, -2147483649]) json(`${field}: ${value}`, withField(value), lenient);
      }
      if (stringy)
        for (const [name, value] of Object.entries(UNICODE))
          json(`${field}: unicode ${name}`, withField(value), lenient);
    }
  }
  return { strict, lenient };
}

function queryAttempts(route: WalkedRoute, url: string): { strict: Attempt[]; lenient: Attempt[] } {
  const root = jsonSchemaOf(route.options.schema?.querystring);
  const strict: Attempt[] = [];
  const lenient: Attempt[] = [];
  if (!root) return { strict, lenient };
  const top = resolve(root, root);
  const q = (what: string, query: string, into: Attempt[] = strict) =>
    into.push({ route, what, url: `${url}?${query}` });
  for (const [field, prop] of Object.entries(top.properties ?? {})) {
    const type = typeOf(prop, root);
    const r = resolve(prop, root);
    if (type === 'integer' || type === 'number') {
      for (const v of ['abc', '1e400', '99999999999999999999999', '1.5', ''])
        if (!(v === '1.5' && type === 'number')) q(`${field}=${v}`, `${field}=${encodeURIComponent(v)}`);
      // Query numbers are coerced with Number(): "0x10" is read as 16. Harmless, so only "never 5xx".
      q(`${field}=-1`, `${field}=-1`, lenient);
      q(`${field}=0x10`, `${field}=0x10`, lenient);
    } else if (type === 'enum' || type === 'boolean') {
      q(`${field}=not-a-choice`, `${field}=not-a-choice`);
    } else if (r.format === 'uuid' || r.anyOf?.some((o) => resolve(o, root).format === 'uuid')) {
      q(`${field}=not-a-uuid`, `${field}=not-a-uuid`);
    } else if (r.format === 'date-time' || r.anyOf?.some((o) => resolve(o, root).format === 'date-time')) {
      q(`${field}=yesterday`, `${field}=yesterday`);
    }
    // 20 kB stays under Node's header limit, so the route itself must refuse (or ignore) it.
    q(`${field}: 20 kB`, `${field}=${'y'.repeat(20_000)}`, lenient);
    q(`${field}: NUL`, `${field}=a%00b`, lenient);
    q(`${field}: invalid UTF-8`, `${field}=%ED%A0%80`, lenient);
    q(`${field}: emoji and RTL`, `${field}=${encodeURIComponent('\u202e🎤')}`, lenient);
  }
  return { strict, lenient };
}

describeEachBackend(
  'bad input on every route: 4xx problem+json, never 5xx, database unchanged',
  (env) => {
    let app: RosterApp;
    let routes: WalkedRoute[];
    let token: string;

    before(async () => {
      const { database, config } = env();
      await seedDemo(database.db, config, modules);
      token = (await env().login('admin', DEMO_ORG, TEST_PASSWORD)).token!;
      ({ app, routes } = await appWithRoutes({
        config,
        database,
        bus: env().bus,
        rateLimiter: env().app.deps.rateLimiter,
      }));
    });
    after(async () => {
      await app?.close();
    });

    const send = (a: Attempt) =>
      app.inject({
        method: a.route.method as never,
        url: a.url,
        headers: {
          authorization: `Bearer ${token}`,
          ...(a.contentType ? { 'content-type': a.contentType } : {}),
        },
        ...(a.payload !== undefined ? { payload: a.payload } : {}),
      });

    const plan = () => {
      const strict: Attempt[] = [];
      const lenient: Attempt[] = [];
      for (const route of routes) {
        const url = samplePath(route);
        for (const part of [bodyAttempts(route, url), queryAttempts(route, url)]) {
          strict.push(...part.strict);
          lenient.push(...part.lenient);
        }
      }
      return { strict, lenient };
    };

    test('the walk covers the JSON routes of every module', () => {
      const withInput = routes
        .filter((r) => r.options.schema?.body || r.options.schema?.querystring)
        .map((r) => r.url);
      for (const prefix of [
        '/api/auth/login',
        '/api/members',
        '/api/auth/units',
        '/api/monitoring/',
        '/api/signage/',
        '/api/events/',
        '/api/audit',
      ]) {
        assert.ok(
          withInput.some((u) => u.startsWith(prefix)),
          `a route under ${prefix} takes JSON or a query (found ${withInput.length})`,
        );
      }
    });

    test(
      'wrong types, malformed JSON, 1 MB strings, impossible numbers, ' +
        'unknown fields: all 4xx problem+json, nothing stored',
      async (t) => {
        const db = env().database.db;
        const { strict } = plan();
        const before = await databaseChecksum(db);
        const failures: string[] = [];
        const statuses = new Map<number, number>();
        for (let i = 0; i < strict.length; i += 8) {
          await Promise.all(
            strict.slice(i, i + 8).map(async (a) => {
              const res = await send(a);
              statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
              const where = `${a.route.method} ${a.route.url} [${a.what}] → ${res.statusCode} ${res.body.slice(0, 160)}`;
              if (res.statusCode < 400 || res.statusCode >= 500) return failures.push(where);
              if (!String(res.headers['content-type']).startsWith('application/problem+json'))
                return failures.push(`${where} (content-type ${String(res.headers['content-type'])})`);
              const body = res.json<{ status?: unknown; title?: unknown }>();
              if (body.status !== res.statusCode || typeof body.title !== 'string')
                failures.push(`${where} (not a problem document)`);
            }),
          );
        }
        t.diagnostic(`${strict.length} requests; statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
        assert.deepEqual(failures, []);
        assert.deepEqual(changedTables(before, await databaseChecksum(db)), [], 'no table changed');
      },
    );

    const isNul = (a: Attempt) => /unicode nul|: NUL$/.test(a.what);

    test('unicode edge cases, odd numbers, long and badly encoded query values: never 5xx', async (t) => {
      const db = env().database.db;
      const lenient = plan().lenient.filter((a) => !isNul(a));
      const before = await databaseChecksum(db);
      const failures: string[] = [];
      const accepted: string[] = [];
      const statuses = new Map<number, number>();
      for (let i = 0; i < lenient.length; i += 8) {
        await Promise.all(
          lenient.slice(i, i + 8).map(async (a) => {
            const res = await send(a);
            statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
            const where = `${a.route.method} ${a.route.url} [${a.what}] → ${res.statusCode} ${res.body.slice(0, 160)}`;
            if (res.statusCode >= 500) return failures.push(where);
            if (
              res.statusCode >= 400 &&
              !String(res.headers['content-type']).startsWith('application/problem+json')
            )
              return failures.push(`${where} (content-type ${String(res.headers['content-type'])})`);
            if (res.statusCode < 300 && a.route.method !== 'GET')
              accepted.push(`${a.route.method} ${a.route.url} [${a.what}]`);
          }),
        );
      }
      t.diagnostic(
        `${lenient.length} requests; statuses ${JSON.stringify(Object.fromEntries(statuses))}; ${accepted.length} writes accepted`,
      );
      if (accepted.length) t.diagnostic(`accepted writes: ${accepted.slice(0, 30).join('; ')}`);
      assert.deepEqual(failures, []);
      const changed = changedTables(before, await databaseChecksum(db));
      if (accepted.length === 0) assert.deepEqual(changed, [], 'nothing was accepted, so nothing changed');
    });

    // Postgres cannot store NUL in text (SQLSTATE 22021); validation lets it through, so the error
    // mapping must turn the database's refusal into a 400 rather than a 500.
    test('a NUL character in text or a query is a 4xx, never a 5xx, and nothing is stored', async (t) => {
      const db = env().database.db;
      const nul = plan().lenient.filter(isNul);
      const before = await databaseChecksum(db);
      const otherSecurityEvents = () =>
        queryRows<{ n: number }>(
          db,
          sql`select count(*)::int as n from security_log where event not in ('login.failed', 'login.throttled')`,
        );
      const [othersBefore] = await otherSecurityEvents();
      const failures: string[] = [];
      for (const a of nul) {
        const res = await send(a);
        if (res.statusCode < 400 || res.statusCode >= 500)
          failures.push(`${a.route.method} ${a.route.url} [${a.what}] → ${res.statusCode}`);
      }
      t.diagnostic(`${nul.length} requests, ${failures.length} not refused with a 4xx`);
      assert.deepEqual(failures, []);
      // A NUL in a login *password* is a well-formed attempt with a wrong password: it is refused
      // (401, or 429 once the attempts add up) and, by design, recorded in the security log.
      // Nothing else may change.
      const changed = changedTables(before, await databaseChecksum(db)).filter(
        (c) => !c.startsWith('security_log:'),
      );
      assert.deepEqual(changed, []);
      assert.deepEqual(
        await otherSecurityEvents(),
        [othersBefore],
        'only failed or throttled logins were logged',
      );
    });
  },
  { demoPassword: TEST_PASSWORD },
);
