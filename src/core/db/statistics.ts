import { sql } from 'drizzle-orm';
import { queryRows, type Database, type Db } from './client.ts';

/**
 * Planner statistics where nothing else keeps them: the embedded database has no autovacuum, and a
 * Postgres may run with it off. Kept plans are made once per connection, so a plan chosen while a
 * table was small or empty stays in use as the table grows. Without statistics every index that
 * starts with `org_id` looks as cheap as the right one: the door scan's retry lookup then read every
 * scan of the org recorded so far, at every scan, slower with each one. ANALYZE also drops the kept
 * plans over the table, so the next call plans again on the new figures.
 */

/** How often the job looks, as autovacuum's default `autovacuum_naptime`. */
export const STATISTICS_EVERY_MS = 60_000;

/**
 * Autovacuum's analyze rule (`autovacuum_analyze_threshold` 50 rows and scale factor 0.1), read on
 * the table's size in pages, which both databases know without counting rows: a table with pages
 * and no statistics yet, or one whose size moved by more than a tenth (and a page) since its last
 * ANALYZE. The row counters of `pg_stat_user_tables` would be closer, but the embedded database
 * does not report them.
 */
const STALE_TABLES = sql`
  select quote_ident(c.relname) as name
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    cross join lateral (select pg_relation_size(c.oid) / current_setting('block_size')::int as pages) now
   where n.nspname = 'public' and c.relkind = 'r' and now.pages > 0
     and (c.reltuples < 0 or abs(now.pages - c.relpages) > 1 + c.relpages / 10)
   order by c.relname`;

/** ANALYZEs the tables whose statistics no longer describe them; answers their names. */
export async function refreshStatistics(db: Db): Promise<string[]> {
  const stale = await queryRows<{ name: string }>(db, STALE_TABLES);
  for (const { name } of stale) await queryRows(db, sql.raw(`analyze ${name}`));
  return stale.map((t) => t.name);
}

/** True when no autovacuum runs for this database: the embedded one, or Postgres with it off. */
export async function lacksAutovacuum(database: Database): Promise<boolean> {
  if (database.kind === 'pglite') return true;
  const [row] = await queryRows<{ on: boolean }>(
    database.db,
    sql`select current_setting('autovacuum') = 'on' as on`,
  );
  return !row.on;
}
