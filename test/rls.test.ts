import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { describeEachBackend } from './support/env.ts';
import { queryRows } from '../src/core/db/client.ts';
import { auditLog, memberships } from '../src/core/db/platform-schema.ts';
import { apiKeys } from '../src/modules/identity/schema.ts';
import { createApiKey, type ApiKey } from '../src/modules/identity/api-keys.ts';
import type { Organization } from '../src/modules/identity/service.ts';

/** Postgres reports a WITH CHECK refusal as SQLSTATE 42501; Drizzle wraps the driver error in `cause`. */
function isRlsRefusal(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string; message?: string }; message?: string };
  const code = e.cause?.code ?? e.code;
  const message = `${e.message ?? ''} ${e.cause?.message ?? ''}`;
  return code === '42501' && /row-level security/.test(message);
}

describeEachBackend('row-level security: the database keeps tenants apart', (env) => {
  let acme: Organization;
  let globex: Organization;
  let acmeMember: number;
  let globexMember: number;
  let acmeKey: ApiKey;

  before(async () => {
    ({ org: acme } = await env().makeOrg('acme'));
    ({ org: globex } = await env().makeOrg('globex'));
    acmeMember = (await env().makeUser(acme, 'wile', 'member')).id;
    globexMember = (await env().makeUser(globex, 'hank', 'member')).id;
    ({ key: acmeKey } = await env().inOrg(acme, (t) => createApiKey(t, { name: 'acme-ci', role: 'viewer' })));
    await env().inOrg(globex, (t) => createApiKey(t, { name: 'globex-ci', role: 'admin' }));
  });

  test('a query without WHERE on memberships, audit_log and api_keys returns only the current org’s rows', async () => {
    const seen = await env().inOrg(acme, async (t) => ({
      memberships: await t.tx.select().from(memberships),
      audit: await t.tx.select().from(auditLog),
      keys: await t.tx.select().from(apiKeys),
    }));
    // The owner connection (no RLS) proves the other org really has rows in each table.
    const owner = env().database.db;
    const all = {
      memberships: await owner.select().from(memberships),
      audit: await owner.select().from(auditLog),
      keys: await owner.select().from(apiKeys),
    };
    for (const table of ['memberships', 'audit', 'keys'] as const) {
      assert.ok(
        all[table].some((r) => r.orgId === globex.id),
        `globex has ${table} rows`,
      );
      assert.ok(seen[table].length > 0, `acme sees its own ${table}`);
      assert.deepEqual(
        [...new Set(seen[table].map((r) => r.orgId))],
        [acme.id],
        `only acme ${table} rows are visible`,
      );
      assert.equal(
        seen[table].length,
        all[table].filter((r) => r.orgId === acme.id).length,
        `every acme ${table} row is visible`,
      );
    }
    assert.deepEqual(
      seen.keys.map((k) => k.name),
      ['acme-ci'],
    );
    assert.deepEqual(
      seen.memberships.map((m) => m.userId).sort((a, b) => a - b),
      all.memberships
        .filter((m) => m.orgId === acme.id)
        .map((m) => m.userId)
        .sort((a, b) => a - b),
    );
  });

  test('inserting a row that names another org is refused by WITH CHECK and stores nothing', async () => {
    const owner = env().database.db;
    const countFor = async (table: typeof auditLog | typeof apiKeys) =>
      (await owner.select().from(table)).filter((r) => r.orgId === globex.id).length;
    const auditBefore = await countFor(auditLog);
    const keysBefore = await countFor(apiKeys);

    await assert.rejects(
      env().inOrg(acme, (t) =>
        t.tx.insert(auditLog).values({
          orgId: globex.id,
          actorLabel: 'intruder',
          action: 'create',
          entityType: 'x',
          message: 'planted',
        }),
      ),
      isRlsRefusal,
    );
    await assert.rejects(
      env().inOrg(acme, (t) =>
        t.tx
          .insert(apiKeys)
          .values({ orgId: globex.id, name: 'planted', prefix: 'rk_x', keyHash: 'x', role: 'admin' }),
      ),
      isRlsRefusal,
    );
    await assert.rejects(
      env().inOrg(acme, (t) =>
        t.tx.insert(memberships).values({ orgId: globex.id, userId: acmeMember, role: 'owner' }),
      ),
      isRlsRefusal,
    );

    assert.equal(await countFor(auditLog), auditBefore);
    assert.equal(await countFor(apiKeys), keysBefore);
    const planted = (await owner.select().from(memberships)).filter(
      (m) => m.orgId === globex.id && m.userId === acmeMember,
    );
    assert.deepEqual(planted, []);
  });

  test('an UPDATE or DELETE without WHERE touches only the current org', async () => {
    const owner = env().database.db;
    const globexKeysBefore = (await owner.select().from(apiKeys)).filter((k) => k.orgId === globex.id);
    const touched = await env()
      .inOrg(acme, async (t) => {
        const updated = await t.tx.update(apiKeys).set({ name: 'renamed' }).returning();
        // Roll back so the fixture stays as it was for the other tests.
        throw Object.assign(new Error('rollback'), { updated });
      })
      .catch((e: { updated?: ApiKey[] }) => e.updated ?? []);
    assert.deepEqual(
      touched.map((k) => [k.orgId, k.id]),
      [[acme.id, acmeKey.id]],
    );
    assert.deepEqual(
      (await owner.select().from(apiKeys)).filter((k) => k.orgId === globex.id),
      globexKeysBefore,
    );
  });

  test('current_user is roster_app inside withTenant and the owner again afterwards, also after a rollback', async () => {
    const owner = env().database.db;
    const [{ current_user: ownerRole }] = await queryRows<{ current_user: string }>(
      owner,
      sql`select current_user`,
    );
    assert.notEqual(ownerRole, 'roster_app');
    const inside = await env().inOrg(acme, async (t) => {
      const [row] = await queryRows<{ current_user: string; org: string; user_id: string }>(
        t.tx,
        sql`select current_user, current_setting('app.org_id', true) as org, current_setting('app.user_id', true) as user_id`,
      );
      return row;
    });
    assert.deepEqual(inside, { current_user: 'roster_app', org: acme.id, user_id: '' });
    await assert.rejects(
      env().inOrg(acme, () => Promise.reject(new Error('boom'))),
      /boom/,
    );

    // On Postgres the pool may hand out any connection: ask several of them, concurrently.
    const after = await Promise.all(
      Array.from({ length: 5 }, () =>
        queryRows<{ current_user: string; org: string | null }>(
          owner,
          sql`select current_user, nullif(current_setting('app.org_id', true), '') as org`,
        ),
      ),
    );
    for (const [row] of after) assert.deepEqual(row, { current_user: ownerRole, org: null });
  });

  test('users of another org are invisible, the org’s own members are visible', async () => {
    const usernames = await env().inOrg(acme, async (t) =>
      (
        await queryRows<{ id: string; username: string }>(
          t.tx,
          sql`select id, username from users order by id`,
        )
      ).map((u) => u.username),
    );
    assert.deepEqual(usernames, ['acme.admin', 'wile']);
    const globexUser = await env().inOrg(acme, (t) =>
      queryRows(t.tx, sql`select * from users where id = ${globexMember}`),
    );
    assert.deepEqual(globexUser, []);
    const own = await env().inOrg(acme, (t) =>
      queryRows<{ username: string }>(t.tx, sql`select username from users where id = ${acmeMember}`),
    );
    assert.deepEqual(
      own.map((u) => u.username),
      ['wile'],
    );
  });

  test('sessions and the security log are unreadable from a tenant transaction', async () => {
    await env().client().post('/api/auth/login', { username: 'wile', password: 'definitely-wrong' });
    const owner = env().database.db;
    const [ownerCounts] = await queryRows<{ sessions: number; security: number }>(
      owner,
      sql`select (select count(*)::int from sessions) as sessions, (select count(*)::int from security_log) as security`,
    );
    assert.ok(
      ownerCounts.sessions > 0 && ownerCounts.security > 0,
      'the owner sees sessions and security events',
    );
    const tenantCounts = await env().inOrg(acme, async (t) => {
      const [row] = await queryRows<{ sessions: number; security: number }>(
        t.tx,
        sql`select (select count(*)::int from sessions) as sessions, (select count(*)::int from security_log) as security`,
      );
      return row;
    });
    assert.deepEqual(tenantCounts, { sessions: 0, security: 0 });
    await assert.rejects(
      env().inOrg(acme, (t) =>
        t.tx.execute(sql`insert into security_log (id, event) values (gen_random_uuid(), 'forged')`),
      ),
      isRlsRefusal,
    );
  });
});
