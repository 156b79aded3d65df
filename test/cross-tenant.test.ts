import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'drizzle-orm';
import type { z } from 'zod';
import { describeEachBackend, TEST_PASSWORD, type Client } from './support/env.ts';
import type { BodyOf } from './support/api-types.ts';
import {
  appWithRoutes,
  ident,
  jsonSchemaOf,
  orgChecksum,
  sampleOf,
  type WalkedRoute,
} from './support/routes.ts';
import { queryRows, type Queryable } from '../src/core/db/client.ts';
import { newId } from '../src/core/db/columns.ts';
import { withTenant } from '../src/core/db/tenant.ts';
import { systemActor } from '../src/core/access/actor.ts';
import type { RosterApp } from '../src/core/http/app.ts';
import { createApiKey } from '../src/modules/identity/api-keys.ts';
import { createUser, findOrganizationBySlug, type Organization } from '../src/modules/identity/service.ts';
import { modules } from '../src/server.ts';
import { DEMO_ORG, DEMO_USERS, seedDemo } from '../src/seed.ts';

/**
 * The route walker (issue 2, "Bad input and safety"): org A's admin calls every route that takes
 * an id with every id found in org B's tables. Nothing may answer 2xx or 403 (403 would confirm
 * the id exists), and org B's rows must be byte-for-byte unchanged. Routes and tables are
 * discovered at run time, so modules added later are walked without touching this file.
 */

/** Ids of one table and column are interchangeable here; a few per column keep the walk fast. */
const IDS_PER_COLUMN = 3;
interface Call {
  method: string;
  url: string;
  body?: unknown;
  query?: Record<string, string>;
  control: string;
}

/** A plausible body for a route's zod schema, so a handler gets past validation and reaches its lookup of the path id. */
function sampleFor(schema: unknown): unknown {
  const json = jsonSchemaOf(schema);
  return json ? sampleOf(json, json) : undefined;
}

/** Tables with an `org_id` column: the tenant data, whatever module owns it. */
async function tenantTables(db: Queryable) {
  const rows = await queryRows<{ table_name: string; columns: string[] }>(
    db,
    sql`select c.table_name, array_agg(c.column_name::text order by c.column_name) as columns
        from information_schema.columns c
        join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
        where c.table_schema = 'public'
          and exists (select 1 from information_schema.columns o where o.table_schema = 'public' and o.table_name = c.table_name and o.column_name = 'org_id')
        group by c.table_name order by c.table_name`,
  );
  return rows.map((r) => ({
    table: r.table_name,
    idColumns: r.columns.filter((c) => c === 'id' || (c.endsWith('_id') && c !== 'org_id')),
  }));
}

/** Every id-like value (columns `id` and `*_id`) of one org, per table, read on the owner connection. */
async function idsOf(db: Queryable, orgId: string) {
  const byTable = new Map<string, string[]>();
  for (const { table, idColumns } of await tenantTables(db)) {
    const values: string[] = [];
    for (const column of idColumns) {
      const rows = await queryRows<{ v: string }>(
        db,
        sql`select distinct ${ident(column)}::text as v from ${ident(table)} where org_id = ${orgId} and ${ident(column)} is not null order by 1 limit ${IDS_PER_COLUMN}`,
      );
      values.push(...rows.map((r) => r.v));
    }
    byTable.set(table, [...new Set(values)]);
  }
  return byTable;
}

/** Every id-like value of one org, uncapped: B's integer ids that happen to equal one of A's are A's rows for A. */
async function allIdsOf(db: Queryable, orgId: string) {
  const values = new Set<string>();
  for (const { table, idColumns } of await tenantTables(db)) {
    for (const column of idColumns) {
      const rows = await queryRows<{ v: string }>(
        db,
        sql`select distinct ${ident(column)}::text as v from ${ident(table)} where org_id = ${orgId} and ${ident(column)} is not null`,
      );
      for (const r of rows) values.add(r.v);
    }
  }
  return values;
}

/** An id of the same shape that exists nowhere: what a refusal that does not look at the id answers for. */
function nowhereLike(id: string): string {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(id)) return newId();
  if (/^\d+$/.test(id)) return '2000000000';
  return 'nowhere';
}

/** count + md5 of every tenant table's rows of one org, plus its organization row and its users. */

/** Route name words ("eventId", "…/rooms/:id") matched to table names ("events", "event_rooms"). */
function singular(word: string) {
  return word
    .toLowerCase()
    .replace(/[^a-z]/g, '')
    .replace(/(ies)$/, 'y')
    .replace(/s$/, '');
}
function tableHint(url: string, param: string): string {
  if (param !== 'id') return singular(param.replace(/_?id$/i, ''));
  const segments = url.split('/');
  const at = segments.indexOf(`:${param}`);
  return singular(segments[at - 1] ?? '');
}

function product<T>(lists: T[][]): T[][] {
  return lists.reduce<T[][]>((acc, list) => acc.flatMap((prefix) => list.map((v) => [...prefix, v])), [[]]);
}

/**
 * The calls for one route: every param set to each of B's ids; and for nested routes, one param
 * set to B's id while the others hold A's own ids of the table they name (A's event + B's room).
 */
function callsFor(
  route: WalkedRoute,
  bIds: string[],
  aIdsByTable: Map<string, string[]>,
  bIdsByTable: Map<string, string[]>,
): Call[] {
  const body = sampleFor(route.options.schema?.body);
  const querySample = sampleFor(route.options.schema?.querystring) as Record<string, unknown> | undefined;
  const query = querySample
    ? Object.fromEntries(Object.entries(querySample).map(([k, v]) => [k, String(v)]))
    : undefined;
  const fill = (values: string[]) =>
    route.params.reduce((url, p, i) => url.replace(`:${p}`, encodeURIComponent(values[i])), route.url);
  // Ids the params schema refuses are a 400 before any handler runs: one such call says nothing per id.
  const paramsSchema = route.options.schema?.params as z.ZodType | undefined;
  const accepted = (values: string[]) =>
    !paramsSchema?.safeParse ||
    paramsSchema.safeParse(Object.fromEntries(route.params.map((p, i) => [p, values[i]]))).success;
  const calls: Call[] = bIds
    .map((b) => route.params.map(() => b))
    .filter(accepted)
    .map((values) => ({
      method: route.method,
      url: fill(values),
      body,
      query,
      control: fill(values.map(nowhereLike)),
    }));
  if (route.params.length > 1) {
    const named = (byTable: Map<string, string[]>, p: string) => {
      const hint = tableHint(route.url, p);
      return [...byTable]
        .filter(([table]) => hint && singular(table.replace(/_/g, '')).endsWith(hint))
        .flatMap(([, ids]) => ids);
    };
    const aFor = route.params.map((p) => named(aIdsByTable, p));
    route.params.forEach((param, position) => {
      const others = route.params.map((__, i) => (i === position ? [] : aFor[i]));
      if (others.some((list, i) => i !== position && list.length === 0)) return;
      // B's ids of the table the param names when it can be told ("rooms/:roomId"), otherwise all of them.
      const bNamed = named(bIdsByTable, param).filter((id) => bIds.includes(id));
      for (const b of bNamed.length ? bNamed : bIds) {
        for (const combo of product(others.map((list, i) => (i === position ? [b] : list))).filter(
          accepted,
        )) {
          calls.push({
            method: route.method,
            url: fill(combo),
            body,
            query,
            control: fill(combo.map((v, i) => (i === position ? nowhereLike(v) : v))),
          });
        }
      }
    });
  }
  return calls;
}

describeEachBackend(
  'cross-tenant: every route answers 404 for another org’s ids',
  (env) => {
    let walker: RosterApp;
    const routes: WalkedRoute[] = [];
    let alpha: Organization;
    let alphaAdmin: Client;
    let demo: Organization;

    before(async () => {
      const { database, config } = env();
      const db = database.db;
      // Org B is the demo org: every module's seedDemo fills its tables, so new modules bring their ids along.
      await seedDemo(db, config, modules);
      demo = (await findOrganizationBySlug(db, DEMO_ORG))!;
      const demoAdmin = await env().login('admin', DEMO_ORG, TEST_PASSWORD);
      const revoked = await demoAdmin.post('/api/api-keys', { name: 'demo-revoked', role: 'viewer' });
      await demoAdmin.delete(`/api/api-keys/${revoked.body.id}`);
      await demoAdmin.post('/api/api-keys', { name: 'demo-ci', role: 'admin' });

      // Org A gets the same kind of data under other names, so nested routes can mix A's parent with B's child.
      ({ org: alpha, admin: alphaAdmin } = await env().makeOrg('alpha'));
      const alphaIds: Record<string, number> = {};
      await withTenant({ db }, systemActor(alpha.id, 'seed'), async (t) => {
        for (const u of DEMO_USERS.filter((d) => d.orgRole !== 'owner')) {
          alphaIds[u.username] = (
            await createUser(t, {
              username: `alpha-${u.username}`,
              password: TEST_PASSWORD,
              orgRole: u.orgRole,
            })
          ).user.id;
        }
        await createApiKey(t, { name: 'alpha-ci', role: 'member' });
      });
      const me = (await alphaAdmin.get('/api/auth/me')).body.user;
      assert.ok(me);
      alphaIds.admin = me.id;
      for (const module of modules) {
        if (!module.seedDemo) continue;
        // A module whose demo data is global (unique across orgs) cannot be seeded twice: A then only lacks that module's rows.
        await withTenant({ db }, systemActor(alpha.id, 'seed'), (t) => module.seedDemo!(t, alphaIds)).catch(
          () => {},
        );
      }

      // Only routes that take an id can be walked with another org's ids.
      const built = await appWithRoutes({
        config,
        database,
        bus: env().bus,
        rateLimiter: env().app.deps.rateLimiter,
      });
      walker = built.app;
      routes.push(...built.routes.filter((r) => r.params.length > 0));
    });

    after(async () => {
      await walker?.close();
    });

    test('the walker finds the routes with ids, including the identity ones', () => {
      const names = routes.map((r) => `${r.method} ${r.url}`);
      for (const expected of [
        'PATCH /api/members/:userId',
        'DELETE /api/members/:userId',
        'DELETE /api/api-keys/:id',
      ]) {
        assert.ok(names.includes(expected), `${expected} is walked (found: ${names.join(', ')})`);
      }
    });

    test('org A’s admin gets no 2xx and no 403 for any of org B’s ids on any route, and B is unchanged', async (t) => {
      const db = env().database.db;
      const aIdsByTable = await idsOf(db, alpha.id);
      const bIdsByTable = await idsOf(db, demo.id);
      const alphaOwn = await allIdsOf(db, alpha.id);
      const bIds = [...new Set([demo.id, ...[...bIdsByTable.values()].flat()])].filter(
        (id) => !alphaOwn.has(id),
      );
      assert.ok(bIds.length >= 10, `org B has ids to try (${bIds.length})`);
      const before = await orgChecksum(db, demo.id);

      const token = alphaAdmin.token!;
      const send = (call: Call, url: string) =>
        walker.inject({
          method: call.method as never,
          url,
          query: call.query,
          headers: {
            authorization: `Bearer ${token}`,
            ...(call.body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          ...(call.body !== undefined ? { payload: JSON.stringify(call.body) } : {}),
        });
      const failures: string[] = [];
      const statuses = new Map<number, number>();
      let calls = 0;
      const started = Date.now();
      for (const route of routes) {
        const planned = callsFor(route, bIds, aIdsByTable, bIdsByTable);
        // A few at a time: fast on the Postgres pool, harmless on PGlite's single connection.
        for (let i = 0; i < planned.length; i += 4) {
          await Promise.all(
            planned.slice(i, i + 4).map(async (call) => {
              const res = await send(call, call.url);
              calls++;
              statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
              const failure = `${call.method} ${call.url} (route ${route.url}) → ${res.statusCode} ${res.body.slice(0, 200)}`;
              if ((res.statusCode >= 200 && res.statusCode < 300) || res.statusCode >= 500)
                failures.push(failure);
              if (res.statusCode === 403) {
                // A refusal that ignores the id (e.g. "only a screen may call /api/device/") reveals nothing;
                // a 403 that an id existing nowhere does not get confirms B's row exists.
                const control = await send(call, call.control);
                if (control.statusCode !== 403 || control.body !== res.body)
                  failures.push(`${failure} — but ${control.statusCode} for an id that exists nowhere`);
              }
            }),
          );
        }
      }
      t.diagnostic(
        `${routes.length} routes, ${bIds.length} ids of org B, ${calls} calls in ${Date.now() - started} ms; statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
      );
      assert.deepEqual(failures, []);
      assert.ok((statuses.get(404) ?? 0) > 0, 'some ids got past validation to the lookup');
      assert.deepEqual(await orgChecksum(db, demo.id), before, 'org B’s data is unchanged');
    });

    test('spot checks: B’s member and B’s API key are “not found” for A, while A’s own work', async () => {
      const db = env().database.db;
      const [bKey] = await queryRows<{ id: string }>(
        db,
        sql`select id from api_keys where org_id = ${demo.id} and revoked_at is null limit 1`,
      );
      const [bUser] = await queryRows<{ user_id: string }>(
        db,
        sql`select user_id::text from memberships where org_id = ${demo.id} limit 1`,
      );
      const key = await alphaAdmin.delete(`/api/api-keys/${bKey.id}`);
      assert.deepEqual([key.status, key.body.detail], [404, 'API key not found']);
      const member = await alphaAdmin.patch(`/api/members/${bUser.user_id}`, { role: 'viewer' });
      assert.deepEqual([member.status, member.body.detail], [404, 'User not found']);
      const [aMember] = await queryRows<{ user_id: string }>(
        db,
        sql`select user_id::text from memberships where org_id = ${alpha.id} and role = 'member' limit 1`,
      );
      const own = await walker.inject({
        method: 'PATCH',
        url: `/api/members/${aMember.user_id}`,
        headers: { authorization: `Bearer ${alphaAdmin.token}` },
        payload: { role: 'member' },
      });
      assert.equal(own.statusCode, 200, 'the walker app serves A’s own rows');
      assert.equal(own.json<BodyOf<`/api/members/${string}`, 'patch'>>().role, 'member');
    });
  },
  { demoPassword: TEST_PASSWORD },
);
