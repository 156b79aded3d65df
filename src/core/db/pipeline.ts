import type { PoolClient, QueryArrayConfig, QueryResult } from 'pg';
import { literalOf } from './literals.ts';
import { preparedStatementLost, statementName, type PooledDb } from './client.ts';

/**
 * What a tenant transaction's statements go through on node-postgres, so that a read costs one
 * round trip: the settings and the statement travel in one message, with no BEGIN and no COMMIT.
 *
 * Until the transaction writes, each read runs in the implicit transaction of its own message —
 * `select set_config(…, true) …; execute <statement>(<values>)` — with `transaction_read_only` on,
 * so the tenant's settings apply to it and end with it. A read inside a transaction at READ
 * COMMITTED sees a snapshot of its own anyway, so a run of such reads answers as one transaction
 * would. The first statement that may write opens the real transaction (BEGIN with the settings)
 * and everything from there on runs in it and commits at the end, as before. A statement that
 * turns out to write (Postgres refuses it in the read-only message, so nothing happened) is
 * remembered and sent to the transaction from then on. Statements that take locks or change
 * settings for what follows (`for update`, advisory locks, `set_config`) never go alone.
 * Independent reads a service sends at once (`Promise.all`) share one such message: the settings,
 * then each statement, each answered with its own result.
 *
 * Every statement is a prepared statement of the connection, named by its text
 * (`statementName`), so Postgres plans it once per connection and a route need not ask for it: a
 * read new to the connection runs in the transaction, which prepares it, and alone from then on.
 * Where prepared statements do not last (`PooledDb.statementsKept` off), statements run unnamed
 * in the transaction, as before.
 */
export class PipelinedClient {
  /** The real transaction, once a statement needed it. */
  private opened = false;
  /** Statements sent and not yet started, in the order they were sent. */
  private pending: Pending[] = [];
  /** Running the pending statements, one message after the other (none overtakes the BEGIN). */
  private draining = false;

  constructor(
    private readonly node: PooledDb,
    private readonly client: PoolClient,
    /** `set_config(…)` calls of the tenant's settings, quoted. */
    private readonly settings: string,
  ) {}

  /** Whether the real transaction was opened (and so must be committed or rolled back). */
  get inTransaction(): boolean {
    return this.opened;
  }

  /**
   * What Drizzle calls: the same arguments and answer as `PoolClient.query`. Statements sent in the
   * same tick (`Promise.all` of independent reads) start together, after it.
   */
  query(config: QueryConfig, values?: unknown[]): Promise<QueryResult> {
    return new Promise<QueryResult>((resolve, reject) => {
      this.pending.push({ config, values: values ?? [], resolve, reject });
      if (!this.draining) {
        this.draining = true;
        queueMicrotask(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const together = this.readsTogether();
      if (together) {
        await this.runTogether(together);
        continue;
      }
      const next = this.pending.shift()!;
      await this.run(next.config, next.values).then(next.resolve, next.reject);
    }
    this.draining = false;
  }

  /**
   * Independent reads waiting together, each able to go alone (and read the same way): they go in
   * one message, one round trip, after the settings they share. Undefined for fewer than two.
   */
  private readsTogether(): Array<Pending & { execute: string }> | undefined {
    // A lone read (the usual case) goes by `run`, which builds its message once.
    if (this.opened || this.pending.length < 2) return undefined;
    const first = this.pending[0].config;
    const together: Array<Pending & { execute: string }> = [];
    for (const p of this.pending) {
      if (p.config.rowMode !== first.rowMode || !sameParsers(p.config.types, first.types)) break;
      const execute = this.executeLine(p.config.text, p.values);
      if (execute === undefined) break;
      together.push({ ...p, execute });
    }
    return together.length > 1 ? together : undefined;
  }

  /**
   * One message: the settings, then each read. It is read-only, so a read that failed changed
   * nothing, nor did those before it: then each runs again on its own, to fail or be retried there.
   */
  private async runTogether(together: Array<Pending & { execute: string }>): Promise<void> {
    this.pending.splice(0, together.length);
    const { rowMode, types } = together[0].config;
    const text = [this.settingsLine(), ...together.map((p) => p.execute)].join(';\n');
    let results: QueryResult[];
    try {
      results = (await this.client.query({
        text,
        rowMode,
        types,
      } as QueryArrayConfig)) as unknown as QueryResult[];
    } catch {
      for (const p of together) await this.run(p.config, p.values).then(p.resolve, p.reject);
      return;
    }
    together.forEach((p, i) => p.resolve(results[i + 1]));
  }

  private async run(config: QueryConfig, values: unknown[]): Promise<QueryResult> {
    if (!this.opened) {
      const alone = this.aloneMessage(config.text, values);
      if (alone) {
        try {
          // A message of two statements answers with one result each; the read's is the last.
          const message = { text: alone, rowMode: config.rowMode, types: config.types } as QueryArrayConfig;
          const results = (await this.client.query(message)) as unknown as QueryResult[];
          return results[results.length - 1];
        } catch (err) {
          if (!this.retryInTransaction(err, config.text)) throw err;
        }
      }
      await this.client.query(this.settings ? `begin; select ${this.settings}` : 'begin');
      this.opened = true;
    }
    return this.client.query(this.named(config) as QueryArrayConfig, values);
  }

  /**
   * The one message that runs a read with its settings, or undefined when the statement must run
   * in the transaction: it may write or lock, statements are not kept here, or a value has no
   * literal form.
   */
  private aloneMessage(text: string, values: unknown[]): string | undefined {
    const execute = this.executeLine(text, values);
    return execute === undefined ? undefined : `${this.settingsLine()};\n${execute}`;
  }

  /** The tenant's settings for a message of reads, read-only. */
  private settingsLine(): string {
    return `select ${this.settings ? `${this.settings}, ` : ''}${READ_ONLY}`;
  }

  /** `execute <statement>(<values>)` of a read that may go alone, or undefined (see aloneMessage). */
  private executeLine(text: string, values: unknown[]): string | undefined {
    if (!this.node.statementsKept || !READ.test(text) || HOLDS.test(text)) return undefined;
    const known = knownOf(this.node);
    if (known.writing.has(text)) return undefined;
    const args: string[] = [];
    for (const value of values) {
      const literal = literalOf(value, this.node.quote);
      if (literal === undefined) return undefined;
      args.push(literal);
    }
    // A statement new to this connection runs in the transaction, which prepares it under its name.
    const name = statementName(text);
    if (!preparedOn(this.client)[name]) return undefined;
    return `execute ${name}${args.length ? `(${args.join(', ')})` : ''}`;
  }

  /**
   * After a failed read message: is running the statement in the transaction the answer? Yes
   * when it wrote (refused as read-only: nothing happened). When its prepared statement was not
   * there (behind a transaction pooler), this request fails and from now on nothing is prepared.
   */
  private retryInTransaction(err: unknown, text: string): boolean {
    const code = (err as { code?: string }).code;
    if (code === READ_ONLY_REFUSED) {
      const { writing } = knownOf(this.node);
      if (writing.size >= MAX_WRITING) writing.clear();
      writing.add(text);
      return true;
    }
    if (preparedStatementLost(err)) this.node.statementsKept = false;
    return false;
  }

  /** In the transaction, statements are kept per connection too, under the name of their text. */
  private named(config: QueryConfig): QueryConfig {
    if (!this.node.statementsKept) return config.name ? { ...config, name: undefined } : config;
    const names = keptOn(this.client);
    const name = statementName(config.text);
    if (!names.has(name)) {
      if (names.size >= MAX_PREPARED) return config;
      names.add(name);
    }
    return { ...config, name };
  }
}

/**
 * Whether two statements' type parsers read values alike, so that one message may carry both: the
 * same object, or parsers of the same source (the driver layer gives each statement its own copy).
 */
function sameParsers(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return parserSource(a) === parserSource(b);
}

const parserSources = new WeakMap<object, string>();
function parserSource(types: object): string {
  let source = parserSources.get(types);
  if (source === undefined) {
    source = String((types as { getTypeParser?: unknown }).getTypeParser);
    parserSources.set(types, source);
  }
  return source;
}

/** A statement sent, waiting for its turn. */
interface Pending {
  config: QueryConfig;
  values: unknown[];
  resolve: (result: QueryResult) => void;
  reject: (err: unknown) => void;
}

interface QueryConfig {
  text: string;
  name?: string;
  rowMode?: 'array';
  types?: unknown;
}

/** A statement that may run alone: it reads (a write is refused by the read-only message). */
const READ = /^\s*(select|with)\b/i;
/** What must stay in the transaction: row locks, advisory locks, settings for later statements. */
const HOLDS = /\bfor\s+(update|no\s+key\s+update|share|key\s+share)\b|pg_advisory|set_config/i;
const READ_ONLY = `set_config('transaction_read_only', 'on', true)`;
/** SQLSTATE read_only_sql_transaction. */
const READ_ONLY_REFUSED = '25006';
/** Statements prepared per connection at most (each holds a plan in the server's memory). */
const MAX_PREPARED = 1000;
/** Texts known to write, kept at most (then forgotten and learnt again). */
const MAX_WRITING = 5000;

const known = new WeakMap<PooledDb, { writing: Set<string> }>();
function knownOf(node: PooledDb) {
  let k = known.get(node);
  if (!k) known.set(node, (k = { writing: new Set() }));
  return k;
}

/**
 * The statements the driver has prepared on this connection, by name (it prepares a named query
 * the first time it runs it there).
 */
const preparedOn = (client: PoolClient) =>
  (client as unknown as { connection: { parsedStatements: Record<string, string> } }).connection
    .parsedStatements;

/** Names this process prepared on a connection, to keep their number bounded. */
const kept = new WeakMap<PoolClient, Set<string>>();
function keptOn(client: PoolClient): Set<string> {
  let set = kept.get(client);
  if (!set) kept.set(client, (set = new Set()));
  return set;
}
