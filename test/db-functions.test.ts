import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { BACKENDS, freshDatabase } from './support/env.ts';
import { MIGRATION_SETS, openDatabase, queryRows, type Database } from '../src/core/db/client.ts';
import { functionsFiles } from '../src/core/db/functions.ts';

/**
 * Each migration set keeps the current definition of its database functions and triggers in one
 * functions file that `migrate()` applies after the migrations (src/core/db/functions.ts). These
 * tests hold the database and the files to each other: what runs is what the files say, each
 * function is defined in one place only, and applying the files again is harmless.
 */

/** The name prefix of a set's functions: core's are `app_…`, a module's carry its name. */
const prefixOf = (set: string) => (set === 'core' ? 'app_' : `${set}_`);

interface Definition {
  set: string;
  file: string;
  kind: 'function' | 'trigger';
  name: string;
  /** A function's body (the text between its dollar quotes). */
  body?: string;
}

/** The functions and triggers a file defines, in order (a name defined twice appears twice). */
function definitionsIn(set: string, file: string, text: string): Definition[] {
  const found: Definition[] = [];
  // Statements start a line; comments (which may mention CREATE) start with `--`.
  for (const m of text.matchAll(/^CREATE\s+OR\s+REPLACE\s+FUNCTION\s+(\w+)\s*\(/gim)) {
    const rest = text.slice(m.index + m[0].length);
    const quote = /(\$\w*\$)/.exec(rest);
    const start = quote ? quote.index + quote[0].length : -1;
    const end = quote ? rest.indexOf(quote[0], start) : -1;
    found.push({
      set,
      file,
      kind: 'function',
      name: m[1],
      ...(end > start ? { body: rest.slice(start, end) } : {}),
    });
  }
  for (const m of text.matchAll(/^CREATE\s+(?:OR\s+REPLACE\s+)?TRIGGER\s+(\w+)/gim))
    found.push({ set, file, kind: 'trigger', name: m[1] });
  return found;
}

const files = functionsFiles(MIGRATION_SETS);
const definitions = files.flatMap((f) => definitionsIn(f.set, path.relative(process.cwd(), f.file), f.sql));

interface FunctionRow {
  name: string;
  signature: string;
  body: string;
  def: string;
}

/** Every function of the app's schema, with its definition (functions of extensions excluded). */
const functionsOf = (database: Database) =>
  queryRows<FunctionRow>(
    database.db,
    sql`select p.proname as name, p.oid::regprocedure::text as signature, p.prosrc as body,
             pg_get_functiondef(p.oid) as def
        from pg_proc p join pg_namespace n on n.oid = p.pronamespace
       where n.nspname = 'public'
         and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
       order by 2`,
  );

const triggersOf = (database: Database) =>
  queryRows<{ name: string; def: string }>(
    database.db,
    sql`select t.tgname as name, pg_get_triggerdef(t.oid) as def
        from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and not t.tgisinternal
       order by 1`,
  );

test('the functions files name their functions with their set’s prefix, and each name once', () => {
  assert.ok(
    files.some((f) => f.set === 'core'),
    'core has a functions file',
  );
  assert.ok(
    definitions.some((d) => d.kind === 'function' && d.name === 'events_scan_badge'),
    'the door scan is defined in a functions file',
  );
  const misplaced = definitions
    .filter((d) => d.kind === 'function' && !d.name.startsWith(prefixOf(d.set)))
    .map((d) => `${d.file}: ${d.name}`);
  assert.deepEqual(misplaced, [], `functions named outside their set's prefix`);
  const seen = new Map<string, string[]>();
  for (const d of definitions) seen.set(d.name, [...(seen.get(d.name) ?? []), d.file]);
  const twice = [...seen]
    .filter(([, where]) => where.length > 1)
    .map(([name, where]) => `${name}: ${where.join(', ')}`);
  assert.deepEqual(twice, [], 'defined more than once');
});

for (const backend of BACKENDS) {
  describe(`database functions come from the functions files [${backend}]`, () => {
    let fresh: Awaited<ReturnType<typeof freshDatabase>> | undefined;
    const database = () => fresh!.database;
    before(async () => {
      fresh = await freshDatabase(backend);
    });
    after(async () => {
      await fresh?.database.close();
      await fresh?.drop();
    });

    test('every function and trigger has its current definition in one functions file', async () => {
      const functions = await functionsOf(database());
      assert.ok(functions.length > 0);
      const failures: string[] = [];
      for (const fn of functions) {
        const owners = definitions.filter((d) => d.kind === 'function' && d.name === fn.name);
        if (owners.length !== 1) failures.push(`${fn.signature}: in ${owners.length} functions files`);
        else if (!fn.name.startsWith(prefixOf(owners[0].set)))
          failures.push(`${fn.signature}: in ${owners[0].file}, not its prefix's set`);
        else if (owners[0].body !== fn.body)
          failures.push(`${fn.signature}: the database runs another body than ${owners[0].file}`);
        // A changed signature must drop the old function, or the old one lives on beside the new.
        if (functions.filter((f) => f.name === fn.name).length > 1)
          failures.push(`${fn.signature}: overloaded`);
      }
      const missing = definitions
        .filter((d) => d.kind === 'function' && !functions.some((f) => f.name === d.name))
        .map((d) => `${d.file}: ${d.name} is not in the database`);
      for (const trigger of await triggersOf(database())) {
        const owners = definitions.filter((d) => d.kind === 'trigger' && d.name === trigger.name);
        if (owners.length !== 1) failures.push(`${trigger.def}: in ${owners.length} functions files`);
      }
      assert.deepEqual([...failures, ...missing], []);
    });

    test('applying the functions files again, twice, changes no definition', async () => {
      const definitionsBefore = await functionsOf(database());
      const triggersBefore = await triggersOf(database());
      await database().migrate();
      await database().migrate();
      assert.deepEqual(await functionsOf(database()), definitionsBefore);
      assert.deepEqual(await triggersOf(database()), triggersBefore);
    });

    if (backend === 'postgres')
      test('several processes migrating at once all succeed (the lock serialises them)', async () => {
        const definitionsBefore = await functionsOf(database());
        const others = await Promise.all([0, 1, 2].map(() => openDatabase({ url: fresh!.url, poolSize: 2 })));
        try {
          await Promise.all([database(), ...others].map((d) => d.migrate()));
        } finally {
          await Promise.all(others.map((d) => d.close()));
        }
        assert.deepEqual(await functionsOf(database()), definitionsBefore);
      });
  });
}
