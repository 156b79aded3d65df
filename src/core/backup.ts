import { sql } from 'drizzle-orm';
import { isFileLine, writeUploads, type FilesSum, type UploadsRestore } from './backup-files.ts';
import { MIGRATION_SETS, queryRows, type Database, type Db, type Tx } from './db/client.ts';

/**
 * A backup is portable text, the same from PGlite and from PostgreSQL and loadable into either:
 * JSON lines, read in one REPEATABLE READ transaction so every table is seen at one instant.
 *
 *   {"@":"roster-backup","version":1,"createdAt":…,"source":"pglite","migrations":{set: [hash…]}}
 *   {"@":"table","name":"public.users","columns":[…]}   then one {"r":{column: value…}} per row
 *   …
 *   {"@":"file",…} then its bytes, for each uploaded file (see backup-files.ts)
 *   {"@":"end","tables":{name: {rows, checksum}},"sequences":{name: value},"files":{count, bytes}}
 *
 * The end line carries each table's row count and checksum: a file cut short has none, and a
 * restore checks that what it loaded sums to the same before it commits. The migration journal
 * is not copied: the target is migrated by this version of Roster and must end at the same
 * migrations as the source did.
 */
const FORMAT = 'roster-backup';
const VERSION = 1;
/** Rows inserted per statement on restore. */
const ROWS_PER_INSERT = 500;

interface TableRef {
  schema: string;
  name: string;
}
interface TableSum {
  rows: number;
  checksum: string;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const qualified = (t: TableRef) => `${ident(t.schema)}.${ident(t.name)}`;
const label = (t: TableRef) => `${t.schema}.${t.name}`;

/**
 * Settings under which a row's text form is the same on every server: checksums computed on
 * PGlite and on PostgreSQL then compare equal for equal rows.
 */
async function portableSession(tx: Tx) {
  await tx.execute(
    sql.raw(
      `select set_config('TimeZone', 'UTC', true), set_config('DateStyle', 'ISO, MDY', true), ` +
        `set_config('IntervalStyle', 'postgres', true), set_config('bytea_output', 'hex', true), ` +
        `set_config('extra_float_digits', '1', true)`,
    ),
  );
  // Seeing a table's rows through row-level security would back up part of it: fail instead.
  await tx.execute(sql.raw(`select set_config('row_security', 'off', true)`));
}

/** The application's tables (not the migration journal), parents before the tables that reference them. */
async function applicationTables(q: Tx): Promise<TableRef[]> {
  const tables = await queryRows<TableRef & { oid: number }>(
    q,
    sql.raw(`select c.oid::int as oid, n.nspname as schema, c.relname as name
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and not c.relispartition
        and n.nspname not in ('pg_catalog', 'information_schema', 'drizzle') and n.nspname not like 'pg_%'
      order by n.nspname, c.relname`),
  );
  const references = await queryRows<{ child: number; parent: number }>(
    q,
    sql.raw(`select conrelid::int as child, confrelid::int as parent from pg_constraint
      where contype = 'f' and conrelid <> confrelid`),
  );
  const ordered: TableRef[] = [];
  const placed = new Set<number>();
  const visiting = new Set<number>();
  const byOid = new Map(tables.map((t) => [t.oid, t]));
  const visit = (oid: number) => {
    if (placed.has(oid) || visiting.has(oid) || !byOid.has(oid)) return;
    visiting.add(oid);
    for (const r of references) if (r.child === oid) visit(r.parent);
    placed.add(oid);
    const t = byOid.get(oid)!;
    ordered.push({ schema: t.schema, name: t.name });
  };
  for (const t of tables) visit(t.oid);
  return ordered;
}

async function tableSum(q: Tx, t: TableRef): Promise<TableSum> {
  const [row] = await queryRows<TableSum>(
    q,
    sql.raw(`select count(*)::int as rows, coalesce(md5(string_agg(h, '' order by h)), '') as checksum
      from (select md5(t::text) as h from ${qualified(t)} t) s`),
  );
  return row;
}

/** Row count and checksum of every application table, as a backup's end line records them. */
export async function tableSums(db: Db): Promise<Record<string, TableSum>> {
  return db.transaction(
    async (tx) => {
      await portableSession(tx);
      const sums: Record<string, TableSum> = {};
      for (const t of await applicationTables(tx)) sums[label(t)] = await tableSum(tx, t);
      return sums;
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

async function appliedMigrations(q: Tx): Promise<Record<string, string[]>> {
  const applied: Record<string, string[]> = {};
  for (const set of MIGRATION_SETS) {
    const [exists] = await queryRows<{ found: boolean }>(
      q,
      sql.raw(`select to_regclass('drizzle.migrations_${set}') is not null as found`),
    );
    if (!exists.found) continue;
    const rows = await queryRows<{ hash: string }>(
      q,
      sql.raw(`select hash from drizzle.migrations_${set} order by created_at, id`),
    );
    applied[set] = rows.map((r) => r.hash);
  }
  return applied;
}

async function columnsOf(q: Tx, t: TableRef): Promise<string[]> {
  const rows = await queryRows<{ name: string }>(
    q,
    sql`select a.attname as name from pg_attribute a
      where a.attrelid = ${qualified(t)}::regclass and a.attnum > 0 and not a.attisdropped
        and a.attgenerated = '' order by a.attnum`,
  );
  return rows.map((r) => r.name);
}

/**
 * Writes a backup of `database`, line by line, from one consistent snapshot, followed by the
 * uploaded files under `uploadsDir`.
 */
export async function writeBackup(
  database: Database,
  uploadsDir: string,
  send: (line: string) => Promise<void> | void,
) {
  await database.db.transaction(
    async (transaction) => {
      const tx: Tx = transaction;
      await portableSession(tx);
      await send(
        JSON.stringify({
          '@': FORMAT,
          version: VERSION,
          createdAt: new Date().toISOString(),
          source: database.kind,
          migrations: await appliedMigrations(tx),
        }),
      );
      const sums: Record<string, TableSum> = {};
      for (const t of await applicationTables(tx)) {
        const columns = await columnsOf(tx, t);
        await send(JSON.stringify({ '@': 'table', name: label(t), columns }));
        const select = columns.map(ident).join(', ');
        const rows = await queryRows<{ line: string }>(
          tx,
          sql.raw(`select '{"r":' || row_to_json(x)::text || '}' as line
            from (select ${select} from ${qualified(t)}) x`),
        );
        for (const row of rows) await send(row.line);
        sums[label(t)] = await tableSum(tx, t);
      }
      const sequences = await queryRows<{ name: string; value: string | null }>(
        tx,
        sql.raw(`select format('%I.%I', schemaname, sequencename) as name, last_value::text as value
          from pg_sequences where schemaname not in ('drizzle') order by 1`),
      );
      const files = await writeUploads(uploadsDir, send);
      await send(
        JSON.stringify({
          '@': 'end',
          tables: sums,
          sequences: Object.fromEntries(sequences.map((s) => [s.name, s.value])),
          files,
        }),
      );
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

/** True when no application table holds a row (a new database, or one only migrated). */
export async function isEmpty(db: Db): Promise<boolean> {
  for (const t of await applicationTables(db)) {
    const [row] = await queryRows<{ any: boolean }>(
      db,
      sql.raw(`select exists (select 1 from ${qualified(t)}) as any`),
    );
    if (row.any) return false;
  }
  return true;
}

interface Header {
  '@': string;
  version: number;
  migrations: Record<string, string[]>;
}
interface TableLine {
  '@': 'table';
  name: string;
  columns: string[];
}
interface EndLine {
  '@': 'end';
  tables: Record<string, TableSum>;
  sequences: Record<string, string | null>;
  /** Absent in backups taken before uploaded files were included. */
  files?: FilesSum;
}

/**
 * Loads a backup into a migrated, empty database, in one transaction: the rows, then the
 * sequences; it commits only if every table then sums to what the backup recorded. Uploaded
 * files go to `uploads`' staging folder, checked the same way; the caller moves them into place
 * once this has committed.
 */
export async function restoreBackup(
  database: Database,
  iterator: AsyncIterator<string>,
  uploads: UploadsRestore,
): Promise<TableSum[]> {
  const db = database.db;
  return db.transaction(async (transaction) => {
    const tx: Tx = transaction;
    await portableSession(tx);
    const first = await iterator.next();
    const header = (first.done ? undefined : JSON.parse(first.value)) as Header | undefined;
    if (header?.['@'] !== FORMAT)
      throw new Error('not a Roster backup (its first line is not a backup header)');
    if (header.version !== VERSION)
      throw new Error(`backup format version ${header.version} is not supported`);
    const here = await appliedMigrations(tx);
    if (JSON.stringify(here) !== JSON.stringify(header.migrations))
      throw new Error(
        'the backup was taken at another schema version than this Roster migrates to: ' +
          'restore it with the version that took it',
      );
    const known = new Set((await applicationTables(tx)).map(label));
    let table: { ref: string; columns: string[] } | undefined;
    let pending: unknown[] = [];
    const flush = async () => {
      if (!table || !pending.length) return;
      const columns = table.columns.map(ident).join(', ');
      const target = table.ref.split('.').map(ident).join('.');
      await tx.execute(
        sql`insert into ${sql.raw(target)} (${sql.raw(columns)}) overriding system value
          select ${sql.raw(columns)}
          from json_populate_recordset(null::${sql.raw(target)}, ${JSON.stringify(pending)}::json)`,
      );
      pending = [];
    };
    let end: EndLine | undefined;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      const line = next.value;
      if (!line) continue;
      if (line.startsWith('{"r":')) {
        if (!table) throw new Error('backup has rows before any table');
        pending.push((JSON.parse(line) as { r: unknown }).r);
        if (pending.length >= ROWS_PER_INSERT) await flush();
        continue;
      }
      if (line.startsWith('{"d":')) {
        uploads.data((JSON.parse(line) as { d: string }).d);
        continue;
      }
      await flush();
      const control = JSON.parse(line) as TableLine | EndLine | { '@': string };
      if (isFileLine(control)) {
        table = undefined;
        uploads.begin(control);
      } else if (control['@'] === 'table') {
        const tableLine = control as TableLine;
        if (!known.has(tableLine.name))
          throw new Error(`backup has table ${tableLine.name}, which this database has not`);
        table = { ref: tableLine.name, columns: tableLine.columns };
      } else if (control['@'] === 'end') {
        end = control as EndLine;
        break;
      }
    }
    if (!end) throw new Error('the backup is incomplete (it ends before its end line): nothing was restored');
    uploads.check(end.files);
    for (const [name, value] of Object.entries(end.sequences))
      if (value !== null) await tx.execute(sql`select setval(${name}::regclass, ${value}::bigint, true)`);
    const sums: TableSum[] = [];
    for (const t of await applicationTables(tx)) {
      const got = await tableSum(tx, t);
      const want = end.tables[label(t)] ?? { rows: 0, checksum: '' };
      if (got.rows !== want.rows || got.checksum !== want.checksum)
        throw new Error(
          `table ${label(t)} restored as ${got.rows} rows (checksum ${got.checksum}), ` +
            `the backup has ${want.rows} (${want.checksum}): nothing was restored`,
        );
      sums.push(got);
    }
    return sums;
  });
}
