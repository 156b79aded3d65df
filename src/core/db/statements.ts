import { is, sql, SQL, type AnyColumn, type Placeholder } from 'drizzle-orm';
import type { Actor } from '../access/actor.ts';
import { keepsPlans, KEPT_PLAN, preparedStatementLost, type Queryable } from './client.ts';

/**
 * Statements built once per shape. Drizzle builds and renders a query's SQL at every call, and on
 * a hot read that is the largest share of the server's CPU (five statements for a page of the user
 * list). A `statement` is declared once, at module level, by a function that builds it from
 * placeholders (`sql.placeholder`, given as `p`) and from the few values its text depends on
 * (`shape`: which filters are present, the actor a policy is written for). The first call of each
 * shape builds and renders it; later calls bind their values to the rendered text, which the
 * tenant pipeline then sends as the connection's prepared statement of that text (pipeline.ts).
 *
 * The builder must read nothing but `p` and `shape`: a value captured otherwise would be frozen
 * into the first text. `checkShapes` (on in tests) builds every call again and fails it when the
 * text or its fixed parameters differ from what was kept.
 */
export function statement<V extends Record<string, unknown>, R, S = void>(
  build: (q: Queryable, p: Placeholders<V>, shape: S) => Preparable<R> | SQL,
): (q: Queryable, values: V, shape: S) => Promise<R> {
  const kept = new WeakMap<object, Map<string, Prepared<R>>>();
  const placeholders = new Proxy({} as Placeholders<V>, {
    get: (_, key) => (typeof key === 'string' ? sql.placeholder(key) : undefined),
  });
  const prepare = (q: Queryable, shape: S, name: string | undefined) =>
    preparedOf<R>(q, build(q, placeholders, shape), name);

  return async (q, values, shape) => {
    const named = keepsPlans(q);
    const session = sessionOf(q);
    // One set per driver: a prepared query is the driver's own kind (node-postgres or PGlite).
    const driver = Object.getPrototypeOf(session) as object;
    let byShape = kept.get(driver);
    if (!byShape) kept.set(driver, (byShape = new Map<string, Prepared<R>>()));
    const key = `${named ? 'n' : 'u'}${shape === undefined ? '' : JSON.stringify(shape)}`;
    let prepared = byShape.get(key);
    if (!prepared) {
      if (byShape.size >= MAX_SHAPES) byShape.clear();
      byShape.set(key, (prepared = prepare(q, shape, named ? KEPT_PLAN : undefined)));
    } else if (shapeChecks.on) {
      assertSameShape(prepared, prepare(q, shape, undefined));
    }
    // The kept statement, run on this call's connection (the transaction's client).
    const bound = Object.create(prepared, { client: { value: session.client } }) as Prepared<R>;
    try {
      return await bound.execute(values);
    } catch (err) {
      if (named && preparedStatementLost(err)) keepsPlans(q, false);
      throw err;
    }
  };
}

/** `column = any($n)`: one text for a list of any length, bound as one array parameter. */
export const isAnyOf = (column: AnyColumn | SQL, list: Placeholder) => sql`${column} = any(${list})`;

/**
 * What an access policy's SQL is built from: the actor's user, org, role and kind of credentials
 * (never the session or the label). A statement whose text holds a policy names it in its shape.
 */
export type PolicyShape = Pick<Actor, 'userId' | 'orgId' | 'orgRole' | 'via'>;

export const policyShapeOf = (actor: Actor): PolicyShape => ({
  userId: actor.userId,
  orgId: actor.orgId,
  orgRole: actor.orgRole,
  via: actor.via,
});

/** The actor a statement's builder hands to a policy. */
export const actorOfShape = (shape: PolicyShape): Actor => ({ ...shape, label: '' });

/** Whether every call builds its statement again to compare it with the kept one (tests). */
export const shapeChecks = { on: false };

export type Placeholders<V> = { readonly [K in keyof V & string]: Placeholder<K, V[K]> };

/** A Drizzle query builder (select, insert, update, delete). */
interface Preparable<R> {
  prepare(name: string): { execute(values?: Record<string, unknown>): Promise<R> };
}

/** Drizzle's prepared query: the rendered text, its parameters, and the connection it runs on. */
interface Prepared<R> {
  execute(values?: Record<string, unknown>): Promise<R>;
  queryString: string;
  params: unknown[];
  client: unknown;
}

interface Session {
  client: unknown;
  prepareQuery(
    query: { sql: string; params: unknown[] },
    fields: undefined,
    name: string | undefined,
    arrayMode: false,
  ): unknown;
}

/** Shapes kept per statement at most; a statement whose shape names an actor has one per actor. */
const MAX_SHAPES = 2000;

const sessionOf = (q: Queryable) => (q as unknown as { session: Session }).session;

function preparedOf<R>(q: Queryable, built: Preparable<R> | SQL, name: string | undefined): Prepared<R> {
  if (!is(built, SQL)) return built.prepare(name as string) as Prepared<R>;
  // Raw SQL answers as `execute(sql)` does: the driver's result, rows as objects.
  const dialect = (q as unknown as { dialect: { sqlToQuery(s: SQL): { sql: string; params: unknown[] } } })
    .dialect;
  return sessionOf(q).prepareQuery(dialect.sqlToQuery(built), undefined, name, false) as Prepared<R>;
}

function assertSameShape(kept: Prepared<unknown>, again: Prepared<unknown>) {
  if (kept.queryString === again.queryString && JSON.stringify(kept.params) === JSON.stringify(again.params))
    return;
  throw new Error(
    `A statement built once per shape came out different: its builder reads a value its shape does not name.\n` +
      `kept:  ${kept.queryString} ${JSON.stringify(kept.params)}\nagain: ${again.queryString} ${JSON.stringify(again.params)}`,
  );
}
