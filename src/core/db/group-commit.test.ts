import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { describeEachBackend } from '../../../test/support/env.ts';
import type { Organization } from '../../modules/identity/service.ts';
import { systemActor, type Actor } from '../access/actor.ts';
import { pooledOf, queryRows } from './client.ts';
import { newId } from './columns.ts';
import { withTenantStatement } from './tenant.ts';

describeEachBackend('group commit: one-statement tenant transactions sent together', (env) => {
  let acme: Organization;
  let globex: Organization;
  const deps = () => ({ db: env().database.db, bus: env().bus });
  const as = (org: Organization, userId: number): Actor => ({
    ...systemActor(org.id, `user-${userId}`),
    userId,
    orgRole: 'member',
    via: 'session',
  });

  before(async () => {
    ({ org: acme } = await env().makeOrg('gc-acme'));
    ({ org: globex } = await env().makeOrg('gc-globex'));
    await env().makeUser(acme, 'gc.second');
  });

  /** Who the database thinks is asking, what RLS lets them see, and which transaction they are in. */
  const probe = (actor: Actor, n: number) =>
    withTenantStatement<{ org: string; user: string; n: number; members: number; tx: string }>(
      deps(),
      actor,
      {
        shape: 'test.probe',
        values: { n },
        build: (
          v,
        ) => sql`select current_setting('app.org_id') as org, current_setting('app.user_id') as "user", ${v.n}::int as n,
        (select count(*) from memberships)::int as members, txid_current()::text as tx`,
      },
    );

  test('concurrent calls each get their own rows, run as their own org and user, and RLS applies to each', async () => {
    const owner = env().database.db;
    const membersOf = async (org: Organization) =>
      (
        await queryRows<{ n: number }>(
          owner,
          sql`select count(*)::int as n from memberships where org_id = ${org.id}`,
        )
      )[0].n;
    const expected = { [acme.id]: await membersOf(acme), [globex.id]: await membersOf(globex) };
    assert.notEqual(expected[acme.id], expected[globex.id], 'the two orgs differ, so a wrong org would show');

    const calls = Array.from({ length: 40 }, (_, i) => ({
      org: i % 2 ? globex : acme,
      user: 1000 + i,
      n: i,
    }));
    const answers = await Promise.all(calls.map((c) => probe(as(c.org, c.user), c.n)));
    answers.forEach(([row], i) => {
      assert.deepEqual(
        [row.org, row.user, row.n, row.members],
        [calls[i].org.id, String(calls[i].user), i, expected[calls[i].org.id]],
        `call ${i}`,
      );
    });
    const transactions = new Set(answers.map(([row]) => row.tx)).size;
    // Both databases batch: Postgres in one round trip, PGlite in one transaction and one flush.
    assert.ok(transactions < calls.length, `40 concurrent calls shared transactions (${transactions} used)`);
  });

  test('a failing call fails alone: the others of its batch are committed, it stores nothing', async () => {
    const record = (id: string, divisor: number) =>
      withTenantStatement<{ id: string }>(deps(), as(acme, 1), {
        shape: 'test.record',
        values: { id, divisor },
        build: (v) => sql`insert into audit_log (org_id, id, actor_label, action, entity_type, message)
          values (current_setting('app.org_id')::uuid, ${v.id}::uuid, 'test', 'create', 'group-commit',
                  (100 / ${v.divisor}::int)::text)
          returning id`,
      });
    const ids = Array.from({ length: 12 }, () => newId());
    const outcomes = await Promise.allSettled(ids.map((id, i) => record(id, i === 5 ? 0 : 1)));
    const failed = outcomes[5];
    assert.equal(failed.status, 'rejected');
    // Drizzle (PGlite) wraps the driver's error in `cause`; node-postgres's arrives as is.
    const reason = failed.reason as { code?: string; cause?: { code?: string } };
    assert.equal(reason.cause?.code ?? reason.code, '22012', 'division by zero, reported to its caller');
    assert.ok(outcomes.every((o, i) => i === 5 || (o.status === 'fulfilled' && o.value[0].id === ids[i])));
    const stored = await queryRows<{ id: string }>(
      env().database.db,
      sql`select id from audit_log where entity_type = 'group-commit'`,
    );
    assert.deepEqual(new Set(stored.map((r) => r.id)), new Set(ids.filter((_, i) => i !== 5)));
  });

  const tricky = ["it's", 'back\\slash \\\\ and \\n', "'); drop table audit_log; --", 'ünï©ødé', ''];
  const echo = (value: string | null) =>
    withTenantStatement<{ v: string | null }>(deps(), as(acme, 1), {
      shape: 'test.echo',
      values: { value },
      build: (v) => sql`select ${v.value}::text as v`,
    });

  test('parameters arrive exactly as given: quotes, backslashes, statement separators and null', async () => {
    const answers = await Promise.all([...tricky, null].map(echo));
    assert.deepEqual(
      answers.map(([row]) => row.v),
      [...tricky, null],
    );
    assert.ok(
      (await queryRows(env().database.db, sql`select 1 from audit_log limit 1`)).length > 0,
      'audit_log is still there',
    );
  });

  test(
    'connections that lost their prepared statements (PgBouncer in ' +
      'transaction mode) still answer, statements then sent inline',
    async (t) => {
      const node = pooledOf(env().database.db);
      if (!node) return t.skip('PGlite prepares nothing');
      // What a transaction pooler does to us: the next transaction runs where our PREPAREs never were.
      const clients = await Promise.all(
        Array.from({ length: node.pool.totalCount }, () => node.pool.connect()),
      );
      for (const client of clients) await client.query('deallocate all');
      clients.forEach((client) => client.release());
      const answers = await Promise.all([...tricky, null].map(echo));
      assert.deepEqual(
        answers.map(([row]) => row.v),
        [...tricky, null],
      );
      const [row] = await probe(as(globex, 7), 41);
      assert.deepEqual([row.org, row.user, row.n], [globex.id, '7', 41]);
    },
  );
});
