import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { describeEachBackend, type Client } from './support/env.ts';
import type { BodyOf, ProblemBody } from './support/api-types.ts';
import { auditLog } from '../src/core/db/platform-schema.ts';
import { newId } from '../src/core/db/columns.ts';
import { apiKeys } from '../src/modules/identity/schema.ts';
import type { Organization } from '../src/modules/identity/service.ts';

const PROBLEM_JSON = 'application/problem+json; charset=utf-8';

/** The parts of the OpenAPI document these tests read. */
interface OpenApiDocument {
  openapi: string;
  info: { title: string };
  paths: Record<
    string,
    Record<
      string,
      {
        requestBody?: { content: Record<string, { schema: { required: string[] } }> };
        security?: unknown[];
        parameters?: { name: string; in: string }[];
      }
    >
  >;
}

type AuditEntry = BodyOf<'/api/audit', 'get'>['items'][number];

function assertProblem(
  res: { status: number; body: unknown; headers: Record<string, unknown> },
  status: number,
  detail?: string | RegExp,
) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.headers['content-type'], PROBLEM_JSON);
  // The fields are checked one by one below; the type only lets the checks read them.
  const body = res.body as Partial<ProblemBody>;
  assert.equal(body.status, status);
  assert.equal(typeof body.title, 'string');
  assert.match(String(body.type), /^https:\/\/roster\.dev\/problems\/[a-z-]+$/);
  assert.equal(typeof body.detail, 'string');
  if (typeof detail === 'string') assert.equal(body.detail, detail);
  else if (detail) assert.match(String(body.detail), detail);
}

describeEachBackend('HTTP conventions', (env) => {
  let org: Organization;
  let admin: Client;
  let member: Client;

  before(async () => {
    ({ org, admin } = await env().makeOrg('conventions'));
    ({ client: member } = await env().makeUser(org, 'molly', 'member'));
  });

  test('an unknown route is a 404 problem naming the route', async () => {
    const res = await admin.get<'/api/no-such-thing?x=1', ProblemBody>('/api/no-such-thing?x=1');
    assertProblem(res, 404, 'No route GET /api/no-such-thing');
    assert.deepEqual(Object.keys(res.body).sort(), ['detail', 'status', 'title', 'type']);
    assert.equal(res.body.title, 'Not Found');
    assertProblem(await env().client().get('/nothing-here'), 404, 'No route GET /nothing-here');
  });

  test('an API route without credentials is a 401; with unknown credentials too', async () => {
    assertProblem(await env().client().get('/api/auth/me'), 401, 'Authentication required');
    assertProblem(
      await env().client('rs_not-a-real-token').get('/api/auth/me'),
      401,
      'Invalid, expired or revoked credentials',
    );
    assertProblem(await env().client().get('/api/no-such-thing'), 401, 'Authentication required');
  });

  test('validation errors are a 400 listing each field path in body and query', async () => {
    const login = await env().client().post('/api/auth/login', { username: '', password: 'x' });
    assertProblem(login, 400, /body\.username/);
    assert.deepEqual(
      login.body.errors.map((e) => e.path),
      ['body.username'],
    );
    assert.equal(typeof login.body.errors[0].message, 'string');

    const missing = await env().client().post('/api/auth/login', {});
    assertProblem(missing, 400);
    assert.deepEqual(missing.body.errors.map((e) => e.path).sort(), ['body.password', 'body.username']);

    const limit = await admin.get('/api/members?limit=0');
    assertProblem(limit, 400, /query\.limit/);
    assert.deepEqual(
      limit.body.errors.map((e) => e.path),
      ['query.limit'],
    );
    const notNumber = await admin.get('/api/audit?limit=many');
    assert.deepEqual(
      notNumber.body.errors.map((e) => e.path),
      ['query.limit'],
    );

    const param = await admin.patch('/api/members/abc', { role: 'admin' });
    assertProblem(param, 400);
    assert.deepEqual(
      param.body.errors.map((e) => e.path),
      ['params.userId'],
    );
  });

  test('a malformed JSON body is a 400 problem', async () => {
    const res = await admin.request<ProblemBody>('POST', '/api/api-keys', '{"name": "ci",', {
      'content-type': 'application/json',
    });
    assertProblem(res, 400);
    assert.equal(res.body.title, 'Bad Request');
    assert.match(res.body.detail, /JSON/i);
    const empty = await admin.request('POST', '/api/api-keys', '', { 'content-type': 'application/json' });
    assertProblem(empty, 400);
  });

  test('an unknown body field is a 400 naming it, and nothing is stored', async () => {
    const before = await env().database.db.select().from(apiKeys).where(eq(apiKeys.orgId, org.id));
    const res = await admin.post('/api/api-keys', {
      name: 'sneaky',
      role: 'viewer',
      org_id: org.id,
      key_hash: 'x',
    });
    assertProblem(res, 400);
    assert.deepEqual(
      res.body.errors.sort((a, b) => a.path.localeCompare(b.path)),
      [
        { path: 'body.key_hash', message: 'unknown field' },
        { path: 'body.org_id', message: 'unknown field' },
      ],
    );
    assert.deepEqual(await env().database.db.select().from(apiKeys).where(eq(apiKeys.orgId, org.id)), before);
  });

  test('x-request-id: a given one is kept, otherwise one is generated, also on errors', async () => {
    const given = await admin.request('GET', '/api/auth/me', undefined, { 'x-request-id': 'trace-abc-123' });
    assert.equal(given.status, 200);
    assert.equal(given.headers['x-request-id'], 'trace-abc-123');
    const generated = await admin.get('/api/auth/me');
    assert.match(
      String(generated.headers['x-request-id']),
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    const other = await admin.get('/api/auth/me');
    assert.notEqual(other.headers['x-request-id'], generated.headers['x-request-id']);
    const failed = await env()
      .client()
      .request('GET', '/api/auth/me', undefined, { 'x-request-id': 'trace-401' });
    assert.equal(failed.status, 401);
    assert.equal(failed.headers['x-request-id'], 'trace-401');
  });

  test('the request id reaches the audit row written by the request', async () => {
    const res = await admin.request<BodyOf<'/api/api-keys', 'post'>>(
      'POST',
      '/api/api-keys',
      { name: 'traced', role: 'viewer' },
      { 'x-request-id': 'trace-audit-1' },
    );
    assert.equal(res.status, 201);
    const audit = await admin.get(`/api/audit?entity_type=api_key&entity_id=${res.body.id}`);
    assert.equal(audit.body.items.length, 1);
    assert.equal(audit.body.items[0].request_id, 'trace-audit-1');
    assert.equal(audit.body.items[0].actor, 'conventions.admin');
    assert.equal(audit.body.items[0].message, 'API key "traced" created with role viewer');
  });

  test('security headers are set on API, ops and 404 responses; CORS is closed by default', async () => {
    const missing = await admin.get('/api/no-such-route');
    assert.equal(missing.status, 404);
    for (const res of [await admin.get('/api/auth/me'), await env().client().get('/healthz'), missing]) {
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.match(String(res.headers['content-security-policy']), /default-src 'self'/);
      assert.match(String(res.headers['content-security-policy']), /connect-src 'self' ws: wss:/);
      assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN');
      assert.equal(res.headers['referrer-policy'], 'no-referrer');
      assert.match(String(res.headers['strict-transport-security']), /max-age=\d+/);
    }
    const cors = await env()
      .client()
      .request('GET', '/healthz', undefined, { origin: 'https://evil.example' });
    assert.equal(cors.headers['access-control-allow-origin'], undefined);
  });

  test('/openapi.json lists the identity and audit paths, not the ops routes', async () => {
    const res = await env().client().get<'/openapi.json', OpenApiDocument>('/openapi.json');
    assert.equal(res.status, 200);
    assert.equal(res.body.openapi, '3.1.0');
    assert.equal(res.body.info.title, 'Roster API');
    const paths = Object.keys(res.body.paths);
    for (const p of [
      '/api/auth/login',
      '/api/auth/logout',
      '/api/auth/me',
      '/api/auth/password',
      '/api/auth/switch-org',
      '/api/org',
      '/api/members',
      '/api/members/{userId}',
      '/api/api-keys',
      '/api/api-keys/{id}',
      '/api/audit',
    ]) {
      assert.ok(paths.includes(p), `${p} is documented`);
    }
    for (const p of ['/healthz', '/readyz', '/metrics', '/openapi.json', '/api/live'])
      assert.ok(!paths.includes(p), `${p} is hidden`);
    const login = res.body.paths['/api/auth/login'].post;
    assert.deepEqual(login.requestBody?.content['application/json'].schema.required.sort(), [
      'password',
      'username',
    ]);
    assert.deepEqual(login.security, [], 'login needs no token');
    assert.ok(
      res.body.paths['/api/audit'].get.parameters?.some((p) => p.name === 'cursor' && p.in === 'query'),
    );
  });

  test('/docs serves the Swagger UI page', async () => {
    let res = await env().client().get('/docs');
    if (res.status === 302) res = await env().client().get(String(res.headers.location));
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /text\/html/);
    assert.match(String(res.body), /swagger-ui/i);
  });

  test('/healthz is ok and /readyz reports the database and bus kinds', async () => {
    const health = await env().client().get('/healthz');
    assert.deepEqual([health.status, health.body], [200, { status: 'ok' }]);
    const ready = await env().client().get('/readyz');
    assert.deepEqual(
      [ready.status, ready.body],
      [200, { status: 'ready', database: env().backend, bus: 'memory' }],
    );
  });

  test('/metrics exposes request counts by route pattern and the DB pool', async () => {
    await admin.patch('/api/members/999999', { role: 'member' });
    await env().client().get('/healthz');
    const res = await env().client().get('/metrics');
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain/);
    const text = String(res.body);
    assert.match(text, /^roster_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+$/m);
    assert.match(
      text,
      /^roster_http_requests_total\{method="PATCH",route="\/api\/members\/:userId",status="404"\} \d+$/m,
      'the route pattern, not the id',
    );
    assert.doesNotMatch(text, /route="\/api\/members\/\d/);
    assert.match(text, /^roster_http_request_duration_seconds_bucket\{.*route="\/healthz".*\} \d+$/m);
    for (const state of ['total', 'idle', 'waiting'])
      assert.match(text, new RegExp(`^roster_db_pool_connections\\{state="${state}"\\} \\d+$`, 'm'));
  });

  test('audit pagination: limit and cursor walk newest-first pages without overlap', async () => {
    const { admin: pager } = await env().makeOrg('pager');
    const created: string[] = [];
    for (let i = 1; i <= 5; i++)
      created.push((await pager.post('/api/api-keys', { name: `key-${i}`, role: 'viewer' })).body.id);
    const seen: AuditEntry[] = [];
    let url: `/api/audit?${string}` = '/api/audit?limit=2&entity_type=api_key';
    const pages: number[] = [];
    for (;;) {
      const res = await pager.get(url);
      assert.equal(res.status, 200);
      pages.push(res.body.items.length);
      seen.push(...res.body.items);
      if (!res.body.next_cursor) break;
      url = `/api/audit?limit=2&entity_type=api_key&cursor=${res.body.next_cursor}`;
    }
    assert.deepEqual(pages, [2, 2, 1]);
    assert.deepEqual(
      seen.map((a) => a.entity_id),
      [...created].reverse(),
      'newest first, each exactly once',
    );
    assert.deepEqual(
      seen.map((a) => a.message),
      [5, 4, 3, 2, 1].map((i) => `API key "key-${i}" created with role viewer`),
    );
    assert.equal(new Set(seen.map((a) => a.id)).size, 5);
  });

  test('audit filters: action, entity type, actor and time range (to is exclusive)', async () => {
    const { org: filtered, admin: boss } = await env().makeOrg('filters');
    const key = (await boss.post('/api/api-keys', { name: 'short-lived', role: 'viewer' })).body;
    await boss.delete(`/api/api-keys/${key.id}`);
    const revoked = await boss.get('/api/audit?action=revoke');
    assert.deepEqual(
      revoked.body.items.map((a) => [a.action, a.entity_type, a.entity_id, a.message]),
      [['revoke', 'api_key', key.id, 'API key "short-lived" revoked']],
    );
    const orgRows = await boss.get('/api/audit?entity_type=organization');
    assert.deepEqual(
      orgRows.body.items.map((a) => a.message),
      ['Organization created: Org filters (filters)'],
    );
    const bossId = (await boss.get('/api/auth/me')).body.user?.id;
    assert.ok(bossId);
    const byBoss = await boss.get(`/api/audit?actor=${bossId}`);
    assert.ok(byBoss.body.items.length >= 3 && byBoss.body.items.every((a) => a.actor_user_id === bossId));

    // Rows at fixed past instants make the time window exact.
    const hour = (h: number) => new Date(Date.UTC(2020, 0, 1, h));
    await env()
      .database.db.insert(auditLog)
      .values(
        [8, 9, 10, 11].map((h) => ({
          orgId: filtered.id,
          id: newId(),
          actorLabel: 'import',
          action: 'import',
          entityType: 'shift',
          entityId: String(h),
          message: `shift ${h}`,
          createdAt: hour(h),
        })),
      );
    const window = await boss.get(
      `/api/audit?entity_type=shift&from=${hour(9).toISOString()}&to=${hour(11).toISOString()}`,
    );
    assert.deepEqual(
      window.body.items.map((a) => a.message),
      ['shift 10', 'shift 9'],
    );
    assert.deepEqual(
      window.body.items.map((a) => a.created_at),
      [hour(10).toISOString(), hour(9).toISOString()],
    );
    const since = await boss.get(`/api/audit?entity_type=shift&from=2020-01-01T10:30:00%2B00:00`);
    assert.deepEqual(
      since.body.items.map((a) => a.message),
      ['shift 11'],
    );
    const badDate = await boss.get('/api/audit?from=yesterday');
    assertProblem(badDate, 400);
    assert.deepEqual(
      badDate.body.errors.map((e) => e.path),
      ['query.from'],
    );
  });

  test('a cursor that this list did not return is a 400 on query.cursor', async () => {
    const forged = (values: unknown) => Buffer.from(JSON.stringify(values)).toString('base64url');
    // Garbled text, the wrong shape, and well-formed arrays whose value does not fit the key column.
    for (const cursor of [
      'garbage',
      forged([]),
      forged({ a: 1 }),
      forged(['not-a-uuid']),
      forged([5]),
      forged([null]),
    ]) {
      const res = await admin.get(`/api/audit?cursor=${cursor}`);
      assertProblem(res, 400);
      assert.deepEqual(res.body.errors, [
        { path: 'query.cursor', message: 'not a cursor returned by this list' },
      ]);
    }
    const members = await admin.get(`/api/members?cursor=${forged(['twelve'])}`);
    assert.deepEqual(
      [members.status, members.body.errors],
      [400, [{ path: 'query.cursor', message: 'not a cursor returned by this list' }]],
    );
    assert.equal(
      (await admin.get(`/api/members?cursor=${forged([1])}`)).status,
      200,
      'an integer key is a valid members cursor',
    );
  });

  test('a member (not admin) gets 403 on the audit log', async () => {
    const res = await member.get('/api/audit');
    assertProblem(res, 403, 'Only organization admins may read the audit log');
    assert.equal(res.body.title, 'Forbidden');
  });
});
