import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import { loadConfig, type Config } from '../../src/core/config.ts';
import { openDatabase, type Database } from '../../src/core/db/client.ts';
import { withTenant, type TenantTx } from '../../src/core/db/tenant.ts';
import { systemActor, type OrgRole } from '../../src/core/access/actor.ts';
import { createMemoryBus, type EventBus } from '../../src/core/events/bus.ts';
import { createMemoryRateLimiter } from '../../src/core/http/rate-limit.ts';
import type { RosterApp } from '../../src/core/http/app.ts';
import { createServer, type Runtime } from '../../src/server.ts';
import type { BodyOf } from './api-types.ts';
import { createOrganization, createUser, type Organization } from '../../src/modules/identity/service.ts';

export type Backend = 'pglite' | 'postgres';

/** PGlite always; the real Postgres too when DATABASE_URL is set (CI sets it). */
export const BACKENDS: Backend[] = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export const TEST_PASSWORD = 'correct horse battery';

/** A fresh, migrated database of its own: in-memory PGlite, or a new database on the Postgres server. */
export async function freshDatabase(
  backend: Backend,
): Promise<{ database: Database; url?: string; drop(): Promise<void> }> {
  if (backend === 'pglite') {
    const database = await openDatabase({});
    await database.migrate();
    return { database, drop: async () => {} };
  }
  const pg = (await import('pg')).default;
  const base = new URL(process.env.DATABASE_URL!);
  const name = `roster_test_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base.toString() });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), poolSize: 5 });
  await database.migrate();
  return {
    database,
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: base.toString() });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export interface Response<T = unknown> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
}

/**
 * An HTTP client bound to one token, driving the app in-process (no socket). Bodies are typed from
 * the route the URL names (see api-types.ts); pass a type argument where a test needs another view.
 */
export interface Client {
  token?: string;
  request<T = unknown>(
    method: string,
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Response<T>>;
  get<U extends string, T = BodyOf<U, 'get'>>(url: U): Promise<Response<T>>;
  post<U extends string, T = BodyOf<U, 'post'>>(url: U, body?: unknown): Promise<Response<T>>;
  put<U extends string, T = BodyOf<U, 'put'>>(url: U, body?: unknown): Promise<Response<T>>;
  patch<U extends string, T = BodyOf<U, 'patch'>>(url: U, body?: unknown): Promise<Response<T>>;
  delete<U extends string, T = BodyOf<U, 'delete'>>(url: U): Promise<Response<T>>;
}

export interface TestEnv {
  backend: Backend;
  app: RosterApp;
  database: Database;
  bus: EventBus;
  config: Config;
  /** postgres:// URL of this test's own database (postgres backend only). */
  url?: string;
  client(token?: string): Client;
  login(username: string, org?: string, password?: string): Promise<Client>;
  /** Creates an org with an owner `<slug>.admin`; returns the org and a logged-in client. */
  makeOrg(slug: string): Promise<{ org: Organization; admin: Client }>;
  /** Creates a user in `org` with TEST_PASSWORD and returns a logged-in client. */
  makeUser(org: Organization, username: string, orgRole?: OrgRole): Promise<{ id: number; client: Client }>;
  /** Runs `fn` as the system actor inside `org` (fixtures that bypass HTTP). */
  inOrg<T>(org: Organization, fn: (t: TenantTx) => Promise<T>): Promise<T>;
  /** Runs one tick of the periodic job `name` now and waits for it (jobs never run by themselves). */
  runJob(name: string): Promise<void>;
}

export async function startEnv(
  backend: Backend,
  overrides: Partial<Config> = {},
): Promise<TestEnv & { close(): Promise<void> }> {
  const fresh = await freshDatabase(backend);
  // Each environment gets its own data directory (uploads) and a fixed secret: nothing lands in ./data.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-test-'));
  // The credentials cache is off unless a suite asks for it: fixtures change roles and sessions
  // straight in the database, which the cache (by design) only notices after its TTL. Periodic jobs
  // are off too, so no timer changes a table under a test: a test runs a tick with `runJob`, and a
  // suite that needs the loop itself passes `{ jobs: true }`.
  const config: Config = {
    ...loadConfig({
      DATA_DIR: dataDir,
      ROSTER_SECRET: 'test-secret-not-for-production',
      AUTH_CACHE_MS: '0',
      ROSTER_JOBS: 'off',
      CHECK_RESPONSES: 'on',
    }),
    logLevel: 'silent',
    outboundAllowNetworks: ['127.0.0.0/8'],
    ...overrides,
  };
  const bus = createMemoryBus();
  const runtime: Runtime = {
    database: fresh.database,
    bus,
    rateLimiter: createMemoryRateLimiter(),
    close: async () => {},
  };
  const app = await createServer(config, runtime);
  await app.ready();
  app.jobs.start();

  const client = (token?: string): Client => {
    const request = async <T>(
      method: string,
      url: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ): Promise<Response<T>> => {
      // A string body is sent as-is (malformed JSON tests); objects are JSON-encoded.
      const res = await app.inject({
        method: method as never,
        url,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      let parsed: unknown = res.body;
      if ((res.headers['content-type'] ?? '').toString().includes('json') && res.body)
        parsed = JSON.parse(res.body);
      return { status: res.statusCode, body: parsed as T, headers: res.headers };
    };
    return {
      token,
      request,
      get: <U extends string, T>(url: U) => request<T>('GET', url),
      post: <U extends string, T>(url: U, body?: unknown) => request<T>('POST', url, body ?? {}),
      put: <U extends string, T>(url: U, body?: unknown) => request<T>('PUT', url, body ?? {}),
      patch: <U extends string, T>(url: U, body?: unknown) => request<T>('PATCH', url, body ?? {}),
      delete: <U extends string, T>(url: U) => request<T>('DELETE', url),
    };
  };

  const login = async (username: string, org?: string, password = TEST_PASSWORD) => {
    const res = await client().post('/api/auth/login', { username, password, ...(org ? { org } : {}) });
    if (res.status !== 200)
      throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return client(res.body.token);
  };

  const inOrg = <T>(org: Organization, fn: (t: TenantTx) => Promise<T>) =>
    withTenant({ db: fresh.database.db, bus }, systemActor(org.id, 'test'), fn);

  const makeUser = async (org: Organization, username: string, orgRole: OrgRole = 'member') => {
    const { user } = await inOrg(org, (t) =>
      createUser(t, {
        username,
        email: `${username}@test.roster`,
        fullName: username,
        password: TEST_PASSWORD,
        orgRole,
      }),
    );
    return { id: user.id, client: await login(username, org.slug) };
  };

  const makeOrg = async (slug: string) => {
    const org = await createOrganization(fresh.database.db, { name: `Org ${slug}`, slug });
    const { client: admin } = await makeUser(org, `${slug}.admin`, 'owner');
    return { org, admin };
  };

  return {
    backend,
    app,
    database: fresh.database,
    bus,
    config,
    url: fresh.url,
    client,
    login,
    makeOrg,
    makeUser,
    inOrg,
    runJob: (name) => app.jobs.runNow(name),
    close: async () => {
      await app.close();
      await fresh.database.close();
      await fresh.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Declares a suite once per backend; `env()` gives the running environment inside tests.
 * Each suite owns its database, so test files never share state.
 */
export function describeEachBackend(
  title: string,
  body: (env: () => TestEnv) => void,
  overrides: Partial<Config> = {},
) {
  for (const backend of BACKENDS) {
    describe(`${title} [${backend}]`, () => {
      let current: (TestEnv & { close(): Promise<void> }) | undefined;
      before(async () => {
        current = await startEnv(backend, overrides);
      });
      after(async () => {
        await current?.close();
      });
      body(() => {
        if (!current) throw new Error('test environment not started');
        return current;
      });
    });
  }
}
