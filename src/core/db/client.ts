import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { Pool, PoolClient } from 'pg';
import { applyFunctionsFiles, functionsFiles } from './functions.ts';
import { durablePglite } from './durability.ts';
import { guardPool, writes, type Breaker } from './availability.ts';
import { createDependency, type Dependency } from '../health/dependencies.ts';
import { PipelinedClient } from './pipeline.ts';

/** The Drizzle handle every service works with, whichever driver sits below it. */
export type Db = PgDatabase<PgQueryResultHKT, Record<string, never>>;
/**
 * A handle bound to one open transaction (Drizzle's transaction object, or Drizzle on the
 * transaction's client).
 */
export type Tx = Db;
/** Anything that can run a query: the database itself or an open transaction. */
export type Queryable = Db;

export interface ExclusiveLock {
  lost: Promise<void>;
  release(): Promise<void>;
}

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

export interface Database {
  kind: 'pglite' | 'postgres';
  db: Db;
  /** Up, or down with why (unreachable, out of disk space), as requests and probes last saw it. */
  health: Dependency;
  /** Reports an error a query met, so an outage is noticed whichever path met it. */
  observe(err: unknown): void;
  ping(): Promise<void>;
  poolStats(): PoolStats;
  /**
   * Applies the committed migrations, then every set's functions file (the current definition of its
   * database functions and triggers) in one transaction. Idempotent; safe when several instances
   * start at once.
   */
  migrate(): Promise<void>;
  /**
   * Tries to become the one holder of `key` across every process on this database (a session
   * advisory lock on a connection of its own). Null when another process holds it. `lost`
   * settles if the connection dies, which releases the lock for someone else.
   */
  tryExclusive(key: number): Promise<ExclusiveLock | null>;
  close(): Promise<void>;
}

const migrationsRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../drizzle');

/**
 * Migration sets in the order they apply: core first (tenants, users), then each module, whose
 * tables reference core. Each set keeps its own journal table so modules evolve independently.
 */
export const MIGRATION_SETS = ['core', 'org', 'monitoring', 'signage', 'events', 'venue'];

function migrationSets() {
  return MIGRATION_SETS.filter((name) =>
    fs.existsSync(path.join(migrationsRoot, name, 'meta', '_journal.json')),
  ).map((name) => ({
    migrationsFolder: path.join(migrationsRoot, name),
    migrationsTable: `migrations_${name}`,
    migrationsSchema: 'drizzle',
  }));
}

const MIGRATION_LOCK = 727_001;

export interface OpenOptions {
  /** postgres://… connection string; when absent the embedded PGlite is used. */
  url?: string;
  /** PGlite data directory; omitted means an in-memory database (tests). */
  dataDir?: string;
  poolSize?: number;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  return opts.url ? openPostgres(opts.url, opts.poolSize ?? 10) : openPglite(opts.dataDir);
}

async function openPglite(dataDir?: string): Promise<Database> {
  const { PGlite, types } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
  const durable = dataDir ? durablePglite(PGlite, dataDir) : undefined;
  const client = new PGlite({
    ...durable?.options,
    // PGlite's 128 MB of shared buffers are memory the process holds from the start (about 230 MB
    // of RSS once open); 32 MB hold a mid-size event's working set and halve that.
    startParams: [
      ...(durable?.options.startParams ?? PGlite.defaultStartParams),
      '-c',
      'shared_buffers=32MB',
    ],
  });
  await client.waitReady;
  durable?.opened();
  const db = drizzle(client) as unknown as Db;
  const health = createDependency('database', 'pglite');
  // Read as Drizzle reads them on PGlite: dates and intervals as Postgres writes them.
  const asText = (value: string) => value;
  const options = {
    rowMode: 'object' as const,
    parsers: {
      [types.TIMESTAMP]: asText,
      [types.TIMESTAMPTZ]: asText,
      [types.INTERVAL]: asText,
      [types.DATE]: asText,
    },
  };
  embedded.set(db, {
    quote: (await import('pg')).default.escapeLiteral,
    exec: async (text) => {
      await client.exec(text, options);
    },
    transaction: (text) =>
      client.transaction(async (tx) => (await tx.exec(text, options)).map((result) => result.rows)),
  });
  return {
    kind: 'pglite',
    db,
    health,
    // In process there is nothing to reach; a full disk fails the writes that meet it (answered 503).
    observe: () => {},
    ping: async () => {
      await client.query('select 1');
    },
    // PGlite is one in-process connection: report it as a pool of one.
    poolStats: () => ({ total: 1, idle: 1, waiting: 0 }),
    migrate: async () => {
      const { migrate } = await import('drizzle-orm/pglite/migrator');
      for (const set of migrationSets()) await migrate(db as never, set);
      const files = functionsFiles(MIGRATION_SETS);
      await client.transaction((tx) => applyFunctionsFiles(files, (script) => tx.exec(script)));
    },
    // PGlite's data directory belongs to one process, so this process is always the only holder.
    tryExclusive: () =>
      Promise.resolve({ lost: new Promise<void>(() => {}), release: () => Promise.resolve() }),
    close: () => client.close(),
  };
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const pg = (await import('pg')).default;
  const { drizzle } = await import('drizzle-orm/node-postgres');
  // A connection that cannot be had within 2 s means an unreachable database (or a pool far too
  // small): the request is answered 503 instead of waiting, and the breaker below takes over.
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 2000 });
  const health = createDependency('database', 'postgres');
  const breaker = guardPool(pool, health, async () => {
    const probe = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: 1000,
      query_timeout: 1000,
    });
    probe.on('error', () => {});
    try {
      await probe.connect();
      await probe.query('select 1');
    } finally {
      await probe.end().catch(() => {});
    }
  });
  // A connection losing its server (Postgres restart, pg_terminate_backend) must not crash the
  // process: the pool only listens for errors of idle clients, so checked-out ones get a listener
  // too; the query in flight fails and the pool replaces the connection.
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    client.on('error', () => {});
    // No JIT compilation: Postgres compiles a statement whose estimated cost passes jit_above_cost,
    // which takes tens of milliseconds, and a list whose policy has a part that is estimated dear but
    // skipped at run time (a grant nobody holds) paid 48 ms of compiling to run for 1 ms. Queued on
    // the connection, so it goes before the connection's first statement.
    client.query('set jit = off').catch(() => {});
    nameKeptPlans(client);
  });
  const db = drizzle(pool) as unknown as Db;
  const node: PooledDb = {
    pool,
    bind: (client) => {
      const bound = drizzle(client) as unknown as Db;
      boundTo.set(bound, node);
      return bound;
    },
    quote: pg.escapeLiteral,
    statementsKept: true,
    breaker,
  };
  pooled.set(db, node);
  return {
    kind: 'postgres',
    db,
    health,
    observe: (err) => breaker.observe(err),
    ping: async () => {
      await pool.query('select 1');
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    migrate: async () => {
      const { migrate } = await import('drizzle-orm/node-postgres/migrator');
      // Session-level advisory lock on one dedicated client: concurrent starters wait, then find nothing
      // to do. The functions files are applied under the same lock: two sessions replacing one function
      // at once would fail ("tuple concurrently updated").
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
        try {
          for (const set of migrationSets()) await migrate(drizzle(client) as never, set);
          const files = functionsFiles(MIGRATION_SETS);
          await client.query('begin');
          try {
            // No parameters: each file goes as one simple-protocol message, several statements in it.
            await applyFunctionsFiles(files, (script) => client.query(script));
            await client.query('commit');
          } catch (err) {
            await client.query('rollback').catch(() => {});
            throw err;
          }
        } finally {
          await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]);
        }
      } finally {
        client.release();
      }
    },
    tryExclusive: async (key) => {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
      client.on('error', () => {});
      await client.connect();
      const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [
        key,
      ]);
      if (!rows[0].locked) {
        await client.end();
        return null;
      }
      const lost = new Promise<void>((resolve) => client.once('end', () => resolve()));
      return {
        lost,
        release: async () => {
          await client.query('select pg_advisory_unlock($1)', [key]).catch(() => {});
          await client.end().catch(() => {});
        },
      };
    },
    close: () => {
      breaker.stop();
      return pool.end();
    },
  };
}

/** Raw SQL returning rows, identical on both drivers (both answer `{ rows }`). */
export async function queryRows<T>(q: Queryable, query: SQL): Promise<T[]> {
  const result = (await q.execute(query)) as { rows: T[] };
  return result.rows;
}

/**
 * A node-postgres database: its pool, Drizzle bound to one checked-out client, and the driver's
 * literal quoting.
 */
export interface PooledDb {
  pool: Pool;
  bind: (client: PoolClient) => Db;
  quote: (value: string) => string;
  /**
   * Whether a statement prepared on a connection is still there in its next transaction. Not
   * behind a transaction pooler (PgBouncer in transaction mode before 1.21): each transaction may
   * run on another server connection. Found out by the first statement that vanished
   * (`preparedStatementLost`); from then on nothing is prepared by name on this database.
   */
  statementsKept: boolean;
  /** Fails fast while the database is unreachable; see availability.ts. */
  breaker?: Breaker;
}
const pooled = new WeakMap<Db, PooledDb>();
/** Drizzle bound to one checked-out client (a transaction in progress) → its database. */
const boundTo = new WeakMap<Db, PooledDb>();

/**
 * The node-postgres side of a database, or undefined on PGlite (for core code that drives
 * connections itself).
 */
export const pooledOf = (db: Db): PooledDb | undefined => pooled.get(db);

/**
 * The embedded database's one in-process connection, for core code that sends several statements
 * as one message (group commit). Literals are quoted as node-postgres quotes them (the embedded
 * Postgres also runs with standard_conforming_strings on).
 */
export interface EmbeddedDb {
  quote: (value: string) => string;
  /** Runs `text` (one or more statements) on its own, outside any transaction. */
  exec(text: string): Promise<void>;
  /**
   * Runs `text` (one or more statements) in one transaction, under PGlite's lock so nothing else
   * runs in between; the rows of each statement, in order. Rolled back whole if a statement fails.
   */
  transaction(text: string): Promise<unknown[][]>;
}
const embedded = new WeakMap<Db, EmbeddedDb>();

/** The PGlite side of a database, or undefined on node-postgres and for a transaction's handle. */
export const embeddedOf = (db: Db): EmbeddedDb | undefined => embedded.get(db);

/**
 * Did `err` say a prepared statement is not where we left it (26000 does not exist / 42P05 already
 * exists)? The driver's error, or Drizzle's wrapping it (the SQLSTATE then on its cause).
 */
export function preparedStatementLost(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code;
  return code === '26000' || code === '42P05';
}

/** A Drizzle query that can run as a named prepared statement. */
interface Preparable<T> extends PromiseLike<T> {
  prepare(name: string): { execute(): Promise<T> };
}

/**
 * The name a statement is prepared under on a connection: a hash of its text, so each distinct text
 * is its own statement and equal texts share one plan.
 */
export function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `roster_${crypto.createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    if (names.size >= MAX_NAMES) names.clear();
    names.set(text, name);
  }
  return name;
}
/**
 * Names of the texts seen lately: a statement built once per shape sends the same string each
 * time, whose hash the engine keeps, so finding its name again costs less than hashing its text.
 */
const names = new Map<string, string>();
const MAX_NAMES = 5000;

/** What a kept plan's query is named; the driver puts `statementName(text)` in its place. */
export const KEPT_PLAN = 'roster_kept_plan';

/**
 * The text of a query is known only once Drizzle has rendered it, and rendering a policy-filtered
 * list costs about as much server CPU as the rest of its request. So `withKeptPlan` lets Drizzle
 * render once, under the placeholder name, and each pooled connection names the statement here,
 * where the text arrives.
 */
function nameKeptPlans(client: PoolClient) {
  const query = client.query.bind(client) as (config: unknown, ...rest: unknown[]) => unknown;
  const isKeptPlan = (config: unknown): config is { name: string; text: string } =>
    (config as { name?: unknown } | null)?.name === KEPT_PLAN;
  client.query = ((config: unknown, ...rest: unknown[]) =>
    query(
      isKeptPlan(config) ? { ...config, name: statementName(config.text) } : config,
      ...rest,
    )) as PoolClient['query'];
}

/**
 * Runs a hot read as a named prepared statement on node-postgres, so that Postgres plans it once
 * per connection rather than at every request: for a list filtered by an access policy, planning
 * the policy's SQL costs about as much as running it (docs/performance.md). Named by its text
 * (`statementName`), so meant for queries whose text takes a few shapes (values travel as
 * parameters). Where prepared statements do not last (see `statementsKept`), the request that finds
 * out fails and later ones run unnamed. PGlite runs the query as it is.
 */
export async function withKeptPlan<T>(db: Queryable, query: Preparable<T>): Promise<T> {
  if (!keepsPlans(db)) return query;
  try {
    return await query.prepare(KEPT_PLAN).execute();
  } catch (err) {
    if (preparedStatementLost(err)) keepsPlans(db, false);
    throw err;
  }
}

/**
 * Whether statements sent through `db` (a database or a transaction's handle) are kept per
 * connection under the name of their text (`PooledDb.statementsKept`); never on PGlite. Passing
 * `false` records that they are not kept on this database, from now on.
 */
export function keepsPlans(db: Queryable, kept?: false): boolean {
  const node = boundTo.get(db) ?? pooled.get(db);
  if (!node) return false;
  if (kept === false) node.statementsKept = false;
  return node.statementsKept;
}

/** `set_config(name, value, true)` for each setting, values quoted for a simple-protocol message. */
export const settingCalls = (settings: Array<[string, string]>, quote: (value: string) => string) =>
  settings.map(([name, value]) => `set_config(${quote(name)}, ${quote(value)}, true)`).join(', ');

/**
 * Runs `fn` in a transaction whose first act is `set_config(name, value, true)` for each setting.
 * On node-postgres the transaction is driven here rather than by Drizzle, for two reasons: Drizzle
 * sends BEGIN before its try/finally, so a connection dropped at that moment (Postgres restart,
 * pg_terminate_backend) leaks its pool slot for good — after ten such drops the pool is empty and
 * the server never recovers; and the statements go through `PipelinedClient`: each read with the
 * settings in one message of its own (values quoted by the driver), one round trip per read, and
 * BEGIN with the settings in one message at the first write. PGlite, in process, uses Drizzle's
 * transaction.
 */
export async function transactionWithSettings<T>(
  db: Db,
  settings: Array<[string, string]>,
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  const node = pooled.get(db);
  if (!node) {
    return db.transaction(async (tx) => {
      if (settings.length)
        await tx.execute(
          sql`select ${sql.join(
            settings.map(([name, value]) => sql`set_config(${name}, ${value}, true)`),
            sql`, `,
          )}`,
        );
      return fn(tx);
    });
  }
  const client = await node.pool.connect();
  // A connection that cannot even roll back is destroyed instead of going back to the pool.
  let broken: Error | undefined;
  // While the disk is full, the first write that commits proves there is room again.
  const watching = node.breaker?.diskFull ? watchWrites(client) : undefined;
  // Reads go out with the settings in one message each; the transaction opens at the first write.
  const statements = new PipelinedClient(node, client, settingCalls(settings, node.quote));
  try {
    const result = await fn(node.bind(statements as unknown as PoolClient));
    if (statements.inTransaction) await client.query('commit');
    if (watching?.wrote()) node.breaker?.wrote();
    return result;
  } catch (err) {
    node.breaker?.observe(err);
    if (statements.inTransaction)
      await client.query('rollback').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
    throw err;
  } finally {
    watching?.stop();
    client.release(broken);
  }
}

/** Notes whether a statement sent on `client` changes data, until `stop()`. */
function watchWrites(client: PoolClient) {
  const original: unknown = Reflect.get(client, 'query');
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  let wrote = false;
  client.query = ((config: unknown, ...rest: unknown[]) => {
    if (writes(config)) wrote = true;
    return query(config, ...rest);
  }) as PoolClient['query'];
  return {
    wrote: () => wrote,
    stop: () => void Reflect.set(client, 'query', original),
  };
}
