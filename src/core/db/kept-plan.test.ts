import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { eq, sql } from 'drizzle-orm';
import { describeEachBackend } from '../../../test/support/env.ts';
import type { Organization } from '../../modules/identity/service.ts';
import {
  pooledOf,
  queryRows,
  statementName,
  transactionWithSettings,
  withKeptPlan,
  type Tx,
} from './client.ts';
import { organizations } from './platform-schema.ts';

describeEachBackend('kept plans: hot reads as named prepared statements', (env) => {
  let acme: Organization;
  before(async () => {
    ({ org: acme } = await env().makeOrg('kept-acme'));
  });

  const orgSlug = (tx: Tx, id: string) =>
    tx.select({ slug: organizations.slug }).from(organizations).where(eq(organizations.id, id));
  const orgName = (tx: Tx, slug: string) =>
    tx.select({ name: organizations.name }).from(organizations).where(eq(organizations.slug, slug));
  /** Statements this connection holds under a kept-plan name. */
  const keptOn = (tx: Tx) =>
    queryRows<{ name: string; statement: string }>(
      tx,
      sql`select name, statement from pg_prepared_statements where name like 'roster\\_%'`,
    );

  test('a kept plan answers what the query answers, and is prepared once per connection and text, for any value', async () => {
    const db = env().database.db;
    const answers = await transactionWithSettings(db, [], async (tx) => {
      const first = await withKeptPlan(tx, orgSlug(tx, acme.id));
      const again = await withKeptPlan(tx, orgSlug(tx, acme.id));
      const none = await withKeptPlan(tx, orgSlug(tx, '00000000-0000-0000-0000-000000000000'));
      const other = await withKeptPlan(tx, orgName(tx, 'kept-acme'));
      return { first, again, none, other, kept: env().backend === 'postgres' ? await keptOn(tx) : [] };
    });
    assert.deepEqual(
      [answers.first, answers.again, answers.none],
      [[{ slug: 'kept-acme' }], [{ slug: 'kept-acme' }], []],
    );
    assert.deepEqual(answers.other, [{ name: acme.name }]);
    if (env().backend === 'postgres') {
      const slugs = answers.kept.filter((s) => s.statement.includes('select "slug" from "organizations"'));
      const names = answers.kept.filter((s) => s.statement.includes('select "name" from "organizations"'));
      assert.equal(slugs.length, 1, 'one statement for the three calls (the id is a parameter)');
      assert.equal(names.length, 1, 'another text is another statement');
      assert.equal(slugs[0].name, statementName(slugs[0].statement), 'named by its text');
    }
  });

  test(
    'where statements vanish between transactions (a transaction pooler), the ' +
      'request that finds out fails and the next ones run unnamed',
    async (t) => {
      const db = env().database.db;
      const node = pooledOf(db);
      if (!node) return t.skip('PGlite prepares nothing by name');
      // Every pooled connection prepares the statement, then loses it, as when the next
      // transaction runs on a server connection that never saw it.
      const clients = await Promise.all(
        Array.from({ length: node.pool.totalCount }, () => node.pool.connect()),
      );
      for (const client of clients) {
        const tx = node.bind(client);
        await withKeptPlan(tx, orgSlug(tx, acme.id));
        await client.query('deallocate all');
      }
      clients.forEach((client) => client.release());

      await assert.rejects(
        transactionWithSettings(db, [], (tx) => withKeptPlan(tx, orgSlug(tx, acme.id))),
        (err: { cause?: { code?: string } }) => err.cause?.code === '26000',
      );
      assert.equal(node.statementsKept, false);
      const after = await transactionWithSettings(db, [], (tx) => withKeptPlan(tx, orgSlug(tx, acme.id)));
      assert.deepEqual(after, [{ slug: 'kept-acme' }]);
    },
  );
});
