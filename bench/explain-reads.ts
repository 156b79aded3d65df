/**
 * `node --import tsx bench/explain-reads.ts`: where a read's time goes, without a load generator
 * (figures that hold on a busy machine). On a database of its own next to DATABASE_URL, with the
 * user list's directory (bench/scenarios-reads.ts), it
 *
 * 1. runs the user list (`listOrgUsers` of a unit, page of 50, as the owner), `auth/me`'s two
 *    tenant reads and the technician's performers (`me/performers` on the bench's monitoring estate,
 *    bench/data.ts), records every statement they send, and prints each one's plan as Postgres
 *    keeps it for the connection (`EXPLAIN (ANALYZE, BUFFERS) EXECUTE` after six executions,
 *    when the plan cache has settled), as the app role with the tenant's settings;
 * 2. prints the server CPU per call of the list (service, row mapping, view, response
 *    serialization) and of `auth/me`'s reads over EXPLAIN_CALLS calls, measured in this process
 *    (EXPLAIN_PLANS=off prints only these; EXPLAIN_CPU_PROF=<folder> profiles those calls).
 */
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { QueryConfig } from 'pg';
import type { Actor } from '../src/core/access/actor.ts';
import { openDatabase, queryRows } from '../src/core/db/client.ts';
import { literalOf } from '../src/core/db/literals.ts';
import { PipelinedClient } from '../src/core/db/pipeline.ts';
import { withTenant } from '../src/core/db/tenant.ts';
import { compile } from '../src/core/http/serializer.ts';
import * as identity from '../src/modules/identity/service.ts';
import { orgsOfUser } from '../src/modules/identity/sessions.ts';
import { listOrgUsers } from '../src/modules/org/user-service.ts';
import { listOf, orgUserOut, orgUserView } from '../src/modules/org/views.ts';
import { createDatabase } from '../test/support/processes.ts';
import { refreshStatistics } from '../src/core/db/statistics.ts';
import { listPerformers } from '../src/modules/monitoring/performers.ts';
import { registerVenueGrants } from '../src/modules/venue/grants.ts';
import { generate } from './data.ts';
import { DIRECTORY, generateDirectory } from './scenarios-reads.ts';

const BASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const CALLS = Number(process.env.EXPLAIN_CALLS ?? 300);
/** EXPLAIN_PLANS=off: the CPU per call only. */
const PLANS = process.env.EXPLAIN_PLANS ?? 'on';
const CPU_PROF = process.env.EXPLAIN_CPU_PROF;

interface Sent {
  text: string;
  values: unknown[];
}

/** Records what the tenant transactions send, while `fn` runs. */
async function recording(fn: () => Promise<unknown>): Promise<Sent[]> {
  const sent: Sent[] = [];
  // Restored below, on the prototype it came from.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const query = PipelinedClient.prototype.query;
  PipelinedClient.prototype.query = function (
    this: PipelinedClient,
    config: QueryConfig,
    values?: unknown[],
  ) {
    sent.push({ text: config.text, values: values ?? [] });
    return query.call(this, config, values);
  };
  try {
    await fn();
  } finally {
    PipelinedClient.prototype.query = query;
  }
  return sent;
}

/** Statement values written as SQL literals for EXECUTE, as the tenant pipeline writes them. */
function literal(v: unknown): string {
  const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;
  return v instanceof Date ? quote(v.toISOString()) : (literalOf(v, quote) ?? quote(JSON.stringify(v)));
}

async function main() {
  // As in the server: the sight other modules derive onto monitoring and signage rows.
  registerVenueGrants();
  const target = await createDatabase(BASE_URL, 'roster_explain');
  const database = await openDatabase({ url: target.url, poolSize: 2 });
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: target.url });
  try {
    await database.migrate();
    const directory = await generateDirectory(database.db, 'explain-password-1');
    const bench = await generate(database.db, 'explain-secret-not-secret');
    await refreshStatistics(database.db);
    const [owner] = await queryRows<{ id: number; org_id: string }>(
      database.db,
      sql`select u.id, m.org_id from users u join memberships m on m.user_id = u.id
          where u.username = ${directory.admin}`,
    );
    const actor: Actor = {
      userId: owner.id,
      label: 'owner',
      orgId: owner.org_id,
      orgRole: 'owner',
      via: 'session',
    };
    const [tech] = await queryRows<{ id: number }>(
      database.db,
      sql`select id from users where username = ${bench.technician}`,
    );
    const technician: Actor = {
      userId: tech.id,
      label: 'technician',
      orgId: bench.org.id,
      orgRole: 'member',
      via: 'session',
    };
    const deps = { db: database.db };
    const performersSeen = () => withTenant(deps, technician, (t) => listPerformers(t, {}, { limit: 50 }));
    const filter = { unitId: directory.unitId, page: { limit: DIRECTORY.page } };
    const list = () => withTenant(deps, actor, (t) => listOrgUsers(t, filter));
    // auth/me as its route reads it: one statement where `whoAmI` exists, else the org and the
    // member in the tenant transaction and the user's orgs on the owner connection (before it).
    const whoAmI = (identity as { whoAmI?: (t: unknown) => Promise<unknown> }).whoAmI;
    const me = whoAmI
      ? () => withTenant(deps, actor, whoAmI)
      : async () => [
          await withTenant(deps, actor, async (t) => [
            await identity.currentOrganization(t),
            await identity.getMember(t, owner.id),
          ]),
          await orgsOfUser(database.db, owner.id),
        ];

    await client.connect();
    for (const [name, fn, who] of PLANS === 'off'
      ? []
      : ([
          ['users of a unit', list, actor],
          ['auth/me (tenant reads)', me, actor],
          ["the technician's performers", performersSeen, technician],
        ] as const)) {
      console.log(`\n=== ${name}`);
      for (const [i, s] of (await recording(fn)).entries()) {
        console.log(
          `\n--- statement ${i + 1}: ${s.text.replace(/\s+/g, ' ')}\n    values ${JSON.stringify(s.values)}`,
        );
        await client.query('begin');
        await client.query(
          `select set_config('app.org_id', ${literal(who.orgId)}, true),
                  set_config('app.user_id', ${literal(who.userId)}, true)`,
        );
        await client.query('set local role roster_app');
        await client.query(`prepare s${i} as ${s.text}`);
        const args = s.values.length ? `(${s.values.map(literal).join(', ')})` : '';
        for (let n = 0; n < 6; n++) await client.query(`execute s${i}${args}`);
        const { rows } = await client.query<{ 'QUERY PLAN': string }>(
          `explain (analyze, buffers) execute s${i}${args}`,
        );
        console.log(rows.map((r) => `    ${r['QUERY PLAN']}`).join('\n'));
        await client.query('rollback');
        await client.query(`deallocate s${i}`);
      }
    }

    const serialize = compile(listOf(orgUserOut))!;
    const listed = async () => {
      const result = await list();
      serialize({ ...result, items: result.items.map(orgUserView) });
    };
    for (const [name, fn] of [
      ['users of a unit', listed],
      ['auth/me', me],
      ["the technician's performers", performersSeen],
    ] as const) {
      for (let i = 0; i < 20; i++) await fn();
      const profile = await profiling(name);
      const cpu = process.cpuUsage();
      const started = Date.now();
      for (let i = 0; i < CALLS; i++) await fn();
      const used = process.cpuUsage(cpu);
      await profile?.();
      console.log(
        `\n${name} in process: ${((used.user + used.system) / 1000 / CALLS).toFixed(3)} ms server CPU per call, ` +
          `${((Date.now() - started) / CALLS).toFixed(2)} ms wall (${CALLS} calls)`,
      );
    }
  } finally {
    await client.end().catch(() => {});
    await database.close();
    await target.drop();
  }
}

/**
 * With EXPLAIN_CPU_PROF=<folder>, a CPU profile of the measured calls only (not the set-up), as
 * `<folder>/<name>.cpuprofile` for Chrome DevTools or speedscope; returns what ends it.
 */
async function profiling(name: string): Promise<(() => Promise<void>) | undefined> {
  if (!CPU_PROF) return undefined;
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    fs.mkdirSync(CPU_PROF, { recursive: true });
    fs.writeFileSync(path.join(CPU_PROF, `${name.replace(/\W+/g, '-')}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
