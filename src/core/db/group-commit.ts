import { textLiteral } from './literals.ts';
import { fillPlaceholders, sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { PoolClient, QueryResult } from 'pg';
import {
  embeddedOf,
  preparedStatementLost,
  pooledOf,
  queryRows,
  settingCalls,
  statementName,
  transactionWithSettings,
  type Db,
  type EmbeddedDb,
  type PooledDb,
} from './client.ts';

/**
 * Group commit for one-statement transactions on hot paths (a door scan, a screen's playlist
 * poll): `statementWithSettings` runs one statement after the settings of `transactionWithSettings`,
 * but the calls that arrive while a batch is in flight wait and go together in the next one — one
 * message (BEGIN; per call its settings and EXECUTE; COMMIT), one round trip, one commit. What that
 * buys on a 2-core machine: one socket write and one WAL flush per batch instead of three round
 * trips per call, and no two transactions fighting over the same hot rows (a room's occupancy),
 * because one batch runs at a time and its calls run one after the other (docs/performance.md).
 * On the embedded database (PGlite, one in-process connection) the same batches save more: each
 * commit waits for its own flush to disk with the whole process stopped, and each statement sent
 * alone is parsed and planned again; a batch is one flush and runs prepared statements.
 *
 * What the calls of a batch share: the transaction (a later call sees an earlier one's writes;
 * `now()` is the batch's start) and its fate — when one statement fails, the batch is rolled back
 * and every call is run again alone, so only the failing one fails (when the connection fails,
 * every call of the batch gets that error). Each statement is PREPAREd once per
 * connection and run with EXECUTE, so its plan is cached (where prepared statements do not survive
 * between transactions, as behind PgBouncer in transaction mode, the statements are sent inline
 * instead); meant for a few fixed statement shapes, whose parameters must be strings, numbers,
 * booleans or null (sent as quoted literals). Called with a transaction's handle, the statement
 * runs in that transaction (`transactionWithSettings`).
 */
export function statementWithSettings<T>(
  db: Db,
  settings: Array<[string, string]>,
  statement: ShapedStatement,
): Promise<T[]> {
  const node = pooledOf(db);
  const embedded = node ? undefined : embeddedOf(db);
  const link = node ?? embedded;
  if (!link)
    return transactionWithSettings(db, settings, (tx) => queryRows<T>(tx, statement.build(statement.values)));
  const group = groupOf(link, node ? { node } : { embedded: embedded! });
  const { name, text, params } = renderedOnce(group, statement);
  return new Promise<unknown[]>((resolve, reject) => {
    group.waiting.push({
      name,
      text,
      statement,
      settings: settingCalls(settings, link.quote),
      args: fillPlaceholders(params, statement.values)
        .map((p) => literal(p, link.quote))
        .join(', '),
      resolve,
      reject,
    });
    if (!group.running) void drain(group);
  }) as Promise<T[]>;
}

/**
 * A statement whose SQL text depends only on `shape` (everything else goes in `values`): `build`
 * puts each value where it belongs. Rendering SQL through Drizzle costs about as much CPU as the
 * rest of a door scan's request, so `build` is called once per shape with
 * `sql.placeholder(key)` for each value, and later calls only fill the placeholders in. The shape
 * must name everything the text is built from (for a policy: the actor's org, user and role).
 */
export interface ShapedStatement {
  shape: string;
  values: Record<string, unknown>;
  build(values: Record<string, unknown>): SQL;
}

interface Rendered {
  name: string;
  text: string;
  params: unknown[];
}

interface Call {
  /** Prepared statement name, derived from the text. */
  name: string;
  text: string;
  /** For sending the statement itself, values inlined, where prepared statements do not hold. */
  statement: ShapedStatement;
  settings: string;
  args: string;
  resolve(rows: unknown[]): void;
  reject(err: unknown): void;
}

/** Renders SQL text; its literals (inline mode) are quoted by the driver, backslashes included. */
class LiteralDialect extends PgDialect {
  constructor(quote: (value: string) => string) {
    super();
    // Drizzle hands escapeString around unbound, so it is set per instance rather than overridden.
    this.escapeString = quote;
  }
}

/** What group commit keeps for one database: node-postgres (`node`) or PGlite (`embedded`). */
interface GroupCommit {
  node?: PooledDb;
  embedded?: EmbeddedDb;
  /** Calls waiting for the next batch, and whether a batch is in flight. */
  waiting: Call[];
  running: boolean;
  /** Rendered statements by shape; emptied when full (shapes are few: actors × events at work). */
  shapes: Map<string, Rendered>;
  dialect: LiteralDialect;
}

const groups = new WeakMap<PooledDb | EmbeddedDb, GroupCommit>();
/** Statements each connection has prepared, by name. */
const preparedOn = new WeakMap<PoolClient | EmbeddedDb, Set<string>>();

function groupOf(
  link: PooledDb | EmbeddedDb,
  driver: { node: PooledDb } | { embedded: EmbeddedDb },
): GroupCommit {
  let group = groups.get(link);
  if (!group)
    groups.set(
      link,
      (group = {
        ...driver,
        waiting: [],
        running: false,
        shapes: new Map(),
        dialect: new LiteralDialect(link.quote),
      }),
    );
  return group;
}

/** Whether statements are sent as EXECUTE of a prepared one; PGlite's one session keeps them all. */
const statementsKept = (group: GroupCommit) => group.node?.statementsKept ?? true;

const MAX_SHAPES = 5000;

function renderedOnce(group: GroupCommit, statement: ShapedStatement): Rendered {
  let rendered = group.shapes.get(statement.shape);
  if (!rendered) {
    const placeholders = Object.fromEntries(
      Object.keys(statement.values).map((key) => [key, sql.placeholder(key)]),
    );
    const { sql: text, params } = group.dialect.sqlToQuery(statement.build(placeholders));
    rendered = { name: statementName(text), text, params };
    if (group.shapes.size >= MAX_SHAPES) group.shapes.clear();
    group.shapes.set(statement.shape, rendered);
  }
  return rendered;
}

/** Calls per batch at most: enough to absorb a burst, few enough that one batch stays a few ms. */
const MAX_BATCH = 64;
/**
 * Every batch takes this transaction-level advisory lock before anything else, so batches of
 * several server processes also run one at a time: the calls of two batches lock rows (rooms) in
 * no common order, and two batches running side by side could deadlock (Postgres breaks that after
 * a second — the batch's calls would be retried alone, but everyone would have waited).
 */
const BATCH_LOCK = 727_002;

async function drain(group: GroupCommit) {
  group.running = true;
  try {
    for (;;) {
      // PGlite runs a batch in this thread without letting the event loop read a socket until it
      // is done: one turn first, so the requests already received join this batch instead of each
      // making a batch (and a flush) of one.
      if (group.embedded) await new Promise((resolve) => setImmediate(resolve));
      if (!group.waiting.length) break;
      await runBatch(group, byActor(group.waiting.splice(0, MAX_BATCH)));
    }
  } finally {
    group.running = false;
  }
}

/**
 * The calls of one actor side by side, each actor's in their order (the sort is stable); calls
 * waiting together were all in flight at once, so there is no other order to keep.
 */
const byActor = (batch: Call[]) =>
  batch.sort((a, b) => (a.settings < b.settings ? -1 : a.settings > b.settings ? 1 : 0));

async function runBatch(group: GroupCommit, batch: Call[]): Promise<void> {
  try {
    const rows = await send(group, batch);
    // Answered on the next turn of the event loop, so the next batch is on its way to Postgres
    // before this one's callers build their responses: the two overlap instead of alternating.
    setImmediate(() => batch.forEach((call, i) => call.resolve(rows[i])));
  } catch (err) {
    if (batch.length === 1 || !statementFailed(err)) return batch.forEach((call) => call.reject(err));
    // A statement failed and rolled the batch back: each call again, alone, so only it fails.
    for (const call of batch) await runBatch(group, [call]);
  }
}

/**
 * Did a statement of the batch fail, rather than the way to Postgres (no connection, connection
 * lost, server shutting down or out of resources)? Only then is retrying each call alone useful;
 * otherwise every call would wait for its own connection timeout in turn.
 */
function statementFailed(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !/^(08|53|57|58)/.test(code);
}

async function send(group: GroupCommit, batch: Call[]): Promise<unknown[][]> {
  try {
    return await sendOnce(group, batch);
  } catch (err) {
    // Prepared statements do not last here (PooledDb.statementsKept): from now on they travel inline.
    if (!group.node?.statementsKept || !preparedStatementLost(err)) throw err;
    group.node.statementsKept = false;
    return sendOnce(group, batch);
  }
}

/**
 * The statements of a batch after the given ones, and where each call's rows will be among the
 * results.
 */
function batchStatements(group: GroupCommit, batch: Call[], parts: string[]) {
  const statements: number[] = [];
  let settings = '';
  for (const call of batch) {
    // Settings last until the next set_config: a run of calls by the same actor sets them once.
    if (call.settings && call.settings !== settings) parts.push(`select ${(settings = call.settings)}`);
    statements.push(parts.length);
    parts.push(
      statementsKept(group)
        ? `execute ${call.name}${call.args ? `(${call.args})` : ''}`
        : inlined(group, call.statement),
    );
  }
  return { text: parts.join(';\n'), statements };
}

/** One transaction for the whole batch; the rows of each call's statement. */
function sendOnce(group: GroupCommit, batch: Call[]): Promise<unknown[][]> {
  return group.node ? sendPooled(group, group.node, batch) : sendEmbedded(group, group.embedded!, batch);
}

/**
 * On PGlite: the statements this session lacks are prepared first (a prepared statement outlives
 * the transaction that failed), then the batch runs in one PGlite transaction — nothing else runs
 * on the connection in between, and a failing statement rolls the batch back.
 */
async function sendEmbedded(group: GroupCommit, embedded: EmbeddedDb, batch: Call[]) {
  await prepare(embedded, (text) => embedded.exec(text), batch);
  const { text, statements } = batchStatements(group, batch, []);
  const results = await embedded.transaction(text);
  return statements.map((i) => results[i]);
}

/** On node-postgres: one message from BEGIN to COMMIT. */
async function sendPooled(group: GroupCommit, node: PooledDb, batch: Call[]): Promise<unknown[][]> {
  const client = await node.pool.connect();
  let broken: Error | undefined;
  try {
    if (node.statementsKept) await prepare(client, (text) => client.query(text), batch);
    const { text, statements } = batchStatements(group, batch, [
      'begin',
      `select pg_advisory_xact_lock(${BATCH_LOCK})`,
    ]);
    const results = (await client.query(`${text};\ncommit`)) as unknown as QueryResult<
      Record<string, unknown>
    >[];
    return statements.map((i) => results[i].rows);
  } catch (err) {
    // The connection is dropped rather than rolled back: a failed message leaves its transaction
    // open and aborted, and what it had prepared is uncertain. Failures here are exceptional (the
    // statements answer refusals as rows, not errors).
    broken = err as Error;
    throw err;
  } finally {
    client.release(broken);
  }
}

async function prepare(
  connection: PoolClient | EmbeddedDb,
  query: (text: string) => Promise<unknown>,
  batch: Call[],
) {
  let prepared = preparedOn.get(connection);
  if (!prepared) preparedOn.set(connection, (prepared = new Set()));
  for (const call of batch) {
    if (prepared.has(call.name)) continue;
    await query(`prepare ${call.name} as ${call.text}`);
    prepared.add(call.name);
  }
}

const inlined = (group: GroupCommit, statement: ShapedStatement) =>
  group.dialect.sqlToQuery(statement.build(statement.values).inlineParams()).sql;

/** A parameter as an SQL literal: the driver's quoting for text, so backslashes are safe too. */
function literal(value: unknown, quote: (value: string) => string): string {
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return textLiteral(value, quote);
  throw new TypeError(
    `statementWithSettings takes strings, numbers, booleans and null as parameters, not ${typeof value}`,
  );
}
