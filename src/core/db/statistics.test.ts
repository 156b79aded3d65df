import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { describeEachBackend } from '../../../test/support/env.ts';
import { queryRows } from './client.ts';
import { lacksAutovacuum, refreshStatistics } from './statistics.ts';

describeEachBackend('planner statistics where no autovacuum keeps them', (env) => {
  // A table of this test's own (in the environment's throwaway database): the others may or may
  // not need statistics.
  const table = `statistics_probe_${randomBytes(4).toString('hex')}`;
  const db = () => env().database.db;
  const fill = (from: number, to: number) =>
    queryRows(
      db(),
      sql.raw(`insert into ${table} select g, 'org-' || (g % 3) from generate_series(${from}, ${to}) g`),
    );
  const planned = async () => {
    const [row] = await queryRows<{ reltuples: number }>(
      db(),
      sql`select reltuples::float8 as reltuples from pg_class where relname = ${table}`,
    );
    return row.reltuples;
  };

  before(async () => {
    await queryRows(db(), sql.raw(`create table ${table} (id int primary key, org text not null)`));
  });

  test('the check runs here: the embedded database never has autovacuum, this Postgres says whether it does', async () => {
    const [{ autovacuum }] = await queryRows<{ autovacuum: string }>(
      db(),
      sql`select current_setting('autovacuum') as autovacuum`,
    );
    const expected = env().backend === 'pglite' || autovacuum === 'off';
    assert.equal(await lacksAutovacuum(env().database), expected);
  });

  test(
    'an empty table is left alone; one with rows and no statistics ' +
      'is analyzed, then left alone until it grows by a tenth',
    async () => {
      assert.ok(!(await refreshStatistics(db())).includes(table), 'nothing to estimate in an empty table');
      assert.ok((await planned()) <= 0, 'not analyzed yet');

      await fill(1, 2_000);
      assert.ok((await refreshStatistics(db())).includes(table));
      assert.equal(await planned(), 2_000);
      assert.ok(!(await refreshStatistics(db())).includes(table), 'statistics fresh: not analyzed again');

      await fill(2_001, 2_050); // a few more rows: within a tenth
      assert.ok(!(await refreshStatistics(db())).includes(table));
      assert.equal(await planned(), 2_000);

      await fill(2_051, 4_000); // doubled
      assert.ok((await refreshStatistics(db())).includes(table));
      assert.equal(await planned(), 4_000);
    },
  );
});
