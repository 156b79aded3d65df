import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { describeEachBackend } from '../../../test/support/env.ts';
import type { Organization } from '../../modules/identity/service.ts';
import { openDatabase, queryRows, transactionWithSettings, type Database, type Tx } from './client.ts';
import { organizations } from './platform-schema.ts';
import { PipelinedClient } from './pipeline.ts';
import { isAnyOf, statement } from './statements.ts';

interface Seen {
  org: string | null;
  user: string | null;
  role: string;
  readOnly: string;
  orgs: number;
}

/** What a statement runs with: the tenant's settings, the role, and what row-level security lets it see. */
const seen = async (tx: Tx): Promise<Seen> => {
  const [row] = await queryRows<Seen>(
    tx,
    sql`select nullif(current_setting('app.org_id', true), '') as org,
      nullif(current_setting('app.user_id', true), '') as "user", current_user as role,
      current_setting('transaction_read_only') as "readOnly",
      (select count(*)::int from ${organizations}) as orgs`,
  );
  return row;
};

/**
 * `seen` as a statement built once (core/db/statements.ts), asking for a list of orgs by id: the
 * list goes as one array parameter, and row-level security still keeps it to the current org.
 */
const seenOnce = statement<{ ids: string[] }, { rows: Seen[] }>(
  (_, p) =>
    sql`select nullif(current_setting('app.org_id', true), '') as org,
      nullif(current_setting('app.user_id', true), '') as "user", current_user as role,
      current_setting('transaction_read_only') as "readOnly",
      (select count(*)::int from ${organizations} where ${isAnyOf(organizations.id, p.ids)}) as orgs`,
);

type Send = (config: unknown, ...rest: unknown[]) => unknown;

/** Records the messages a tenant transaction sends to Postgres until the answer is called (node-postgres). */
function watchMessages(tx: Tx, messages: string[]): () => void {
  const pipelined = (tx as unknown as { session: { client: unknown } }).session.client;
  if (!(pipelined instanceof PipelinedClient)) return () => {};
  const client = (pipelined as unknown as { client: { query: Send } }).client;
  const send = client.query;
  client.query = (config, ...rest) => {
    messages.push(typeof config === 'string' ? config : (config as { text: string }).text);
    return send.call(client, config, ...rest);
  };
  return () => {
    client.query = send;
  };
}

describeEachBackend('tenant reads, each with its settings in one message', (env) => {
  let acme: Organization;
  let globex: Organization;
  // One connection, so every transaction below runs on the connection the previous one used.
  let single: Database;
  before(async () => {
    ({ org: acme } = await env().makeOrg('pipe-acme'));
    ({ org: globex } = await env().makeOrg('pipe-globex'));
    single = env().url ? await openDatabase({ url: env().url, poolSize: 1 }) : env().database;
  });
  after(async () => {
    if (env().url) await single.close();
  });

  const as = (org: Organization, userId: number) =>
    [
      ['app.org_id', org.id],
      ['app.user_id', String(userId)],
      ['role', 'roster_app'],
    ] as Array<[string, string]>;

  const each = 'every statement of a read runs with the tenant settings and the app role; ';
  test(`${each}none leak to the next request`, async () => {
    // Several rounds: the first prepares the statement on the connection, the later ones send it alone.
    for (let round = 0; round < 3; round++) {
      const both = { ids: [acme.id, globex.id] };
      const reads = await transactionWithSettings(single.db, as(acme, 7), async (tx) => [
        await seen(tx),
        await seen(tx),
        (await seenOnce(tx, both, undefined)).rows[0],
      ]);
      for (const s of reads) {
        assert.equal(s.org, acme.id);
        assert.equal(s.user, '7');
        assert.equal(s.role, 'roster_app');
        assert.equal(s.orgs, 1, 'row-level security applies: only the current org');
      }
      // On Postgres a read known to the connection goes alone, in a read-only message of its own;
      // the first one is prepared in the transaction.
      const alone = env().backend === 'postgres' && round > 0;
      assert.equal(reads[0].readOnly, alone ? 'on' : 'off');
      assert.equal(reads[2].readOnly, alone ? 'on' : 'off', 'a statement built once goes alone too');
      const other = await transactionWithSettings(single.db, as(globex, 8), seen);
      assert.equal(other.org, globex.id);
      assert.equal(other.user, '8');
      const [otherOnce] = (
        await transactionWithSettings(single.db, as(globex, 8), (tx) => seenOnce(tx, both, undefined))
      ).rows;
      assert.deepEqual([otherOnce.org, otherOnce.user, otherOnce.orgs], [globex.id, '8', 1]);
      const [bareOnce] = (await transactionWithSettings(single.db, [], (tx) => seenOnce(tx, both, undefined)))
        .rows;
      assert.deepEqual([bareOnce.org, bareOnce.user], [null, null]);
      assert.notEqual(bareOnce.role, 'roster_app');
      // The same connection with no settings: nothing of the requests before it is left.
      const bare = await transactionWithSettings(single.db, [], seen);
      assert.equal(bare.org, null);
      assert.equal(bare.user, null);
      assert.notEqual(bare.role, 'roster_app');
    }
  });

  test('reads sent together go in one message, each with the settings, each answered with its own rows', async () => {
    const both = { ids: [acme.id, globex.id] };
    const failing = statement<{ n: number }, unknown>((_, p) => sql`select 1 / ${p.n}::int as quotient`);
    for (let round = 0; round < 3; round++) {
      const messages: string[] = [];
      const reads = await transactionWithSettings(single.db, as(acme, 7), async (tx) => {
        const stop = watchMessages(tx, messages);
        try {
          return await Promise.all([
            seenOnce(tx, both, undefined),
            seenOnce(tx, { ids: [globex.id] }, undefined),
          ]);
        } finally {
          stop();
        }
      });
      for (const { rows } of reads) {
        assert.deepEqual([rows[0].org, rows[0].user, rows[0].role], [acme.id, '7', 'roster_app']);
      }
      assert.equal(reads[0].rows[0].orgs, 1, 'row-level security applies: only the current org');
      assert.equal(reads[1].rows[0].orgs, 0, 'the second read answers with its own rows');
      if (env().backend === 'postgres' && round > 0) {
        // Known to the connection: both reads and the settings travel as one message.
        assert.equal(messages.length, 1, messages.join('\n---\n'));
        assert.equal(reads[0].rows[0].readOnly, 'on');
      }
      // A read that fails among others fails alone; the others still answer.
      let settled: PromiseSettledResult<unknown>[] = [];
      await assert.rejects(
        transactionWithSettings(single.db, as(acme, 7), async (tx) => {
          settled = await Promise.allSettled([
            seenOnce(tx, both, undefined),
            failing(tx, { n: 0 }, undefined),
          ]);
          throw new Error('the request ends here');
        }),
        /the request ends here/,
      );
      assert.deepEqual(
        settled.map((r) => r.status),
        ['fulfilled', 'rejected'],
      );
      // Nothing of either request is left on the connection.
      const bare = await transactionWithSettings(single.db, [], seen);
      assert.deepEqual([bare.org, bare.user], [null, null]);
    }
  });

  const write = 'a write after reads opens the transaction: it commits with the settings, ';
  test(`${write}and a failure rolls it back`, async () => {
    const rename = (tx: Tx, name: string) =>
      queryRows<{ name: string }>(
        tx,
        sql`update ${organizations} set name = ${name} where id = ${acme.id} returning name`,
      );
    for (let round = 0; round < 2; round++) {
      const written = await transactionWithSettings(single.db, as(acme, 7), async (tx) => {
        await seen(tx);
        const [row] = await rename(tx, `Acme ${round}`);
        return { row, after: await seen(tx) };
      });
      assert.deepEqual(written.row, { name: `Acme ${round}` });
      assert.equal(written.after.org, acme.id);
      assert.equal(written.after.readOnly, 'off');
      await assert.rejects(
        transactionWithSettings(single.db, as(acme, 7), async (tx) => {
          await seen(tx);
          await rename(tx, 'Never');
          throw new Error('refused after the write');
        }),
        /refused after the write/,
      );
      const [name] = await queryRows<{ name: string }>(
        single.db,
        sql`select name from ${organizations} where id = ${acme.id}`,
      );
      assert.deepEqual(name, { name: `Acme ${round}` });
    }
    const bare = await transactionWithSettings(single.db, [], seen);
    assert.equal(bare.org, null);
    assert.notEqual(bare.role, 'roster_app');
  });
});
