import { getTableColumns, sql, type InferSelectModel, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Actor } from './actor.ts';
import { queryRows, type Queryable } from '../db/client.ts';
import { forbidden, notFound } from '../http/problem.ts';

/**
 * A rule answers "which rows of the table may this actor …" as a SQL condition over the table's
 * columns, or a constant: `true` (every row of the org; RLS already keeps other orgs out) or
 * `false` (none). The same definition serves both list filtering (a WHERE clause) and the
 * single-row check (evaluated in SQL on that row), so the two can never disagree.
 */
export type Condition = SQL | boolean;
export type Rule = (actor: Actor) => Condition;

export function toSql(c: Condition): SQL {
  return typeof c === 'boolean' ? (c ? sql`true` : sql`false`) : c;
}

export function anyOf(...conds: Condition[]): Condition {
  if (conds.some((c) => c === true)) return true;
  const rest = conds.filter((c): c is SQL => typeof c !== 'boolean');
  if (rest.length === 0) return false;
  return rest.length === 1 ? rest[0] : sql`(${sql.join(rest, sql` or `)})`;
}

export function allOf(...conds: Condition[]): Condition {
  if (conds.some((c) => c === false)) return false;
  const rest = conds.filter((c): c is SQL => typeof c !== 'boolean');
  if (rest.length === 0) return true;
  return rest.length === 1 ? rest[0] : sql`(${sql.join(rest, sql` and `)})`;
}

export interface PolicyDefinition<A extends string, T extends PgTable = PgTable> {
  /** Name of the entity in error messages ("Performer not found"). */
  entity: string;
  table: T;
  /** Rows the actor may see at all; anything else is answered 404. */
  see: Rule;
  /** Rows the actor may act on per action; visible rows outside it are answered 403. */
  actions: Record<A, Rule>;
}

export interface Policy<A extends string, T extends PgTable = PgTable> {
  entity: string;
  /** WHERE condition for lists: only rows the actor may see. */
  visible(actor: Actor): SQL;
  /** WHERE condition for rows the actor may act on with `action`. */
  allowed(actor: Actor, action: A): SQL;
  /**
   * The single-row check as one SQL expression over the table's columns: 'not_found' when the
   * actor may not see the row, 'forbidden' when they may see it but not do `action`, 'allowed'
   * otherwise — for statements that check and act in one go (the door scan).
   */
  access(actor: Actor, action: A | 'see'): SQL<Access>;
  /**
   * Checks one row (selected by `where`): throws 404 when it does not exist or is outside what the
   * actor may see, 403 when visible but the action is not allowed.
   */
  authorize(q: Queryable, actor: Actor, action: A | 'see', where: SQL): Promise<void>;
  /** `authorize`, and the row itself from the same query: what a service reads before acting on it. */
  load(q: Queryable, actor: Actor, action: A | 'see', where: SQL): Promise<InferSelectModel<T>>;
  /** True when the actor may do `action` on some rows (to hide buttons, guard creates). */
  mayEver(actor: Actor, action: A): boolean;
}

export type Access = 'not_found' | 'forbidden' | 'allowed';

export function definePolicy<A extends string, T extends PgTable>(def: PolicyDefinition<A, T>): Policy<A, T> {
  const visible = (actor: Actor) => toSql(def.see(actor));
  const allowed = (actor: Actor, action: A) => toSql(allOf(def.see(actor), def.actions[action](actor)));
  /** 404 for a row that is missing or not visible, 403 for one visible but not open to `action`. */
  const refuseUnlessAllowed = (answer: Access | undefined, action: A | 'see') => {
    if (!answer || answer === 'not_found') throw notFound(def.entity);
    if (answer === 'forbidden') throw forbidden(`You may not ${action} this ${def.entity.toLowerCase()}`);
  };
  // The "see" rule is evaluated once: a CASE stops at the first branch that holds. IS NOT TRUE,
  // not NOT: a rule comparing with a NULL column is NULL, which must refuse, as in a WHERE.
  const access = (actor: Actor, action: A | 'see') =>
    sql<Access>`case when (${visible(actor)}) is not true then 'not_found'
      when (${action === 'see' ? sql`true` : toSql(def.actions[action](actor))}) is not true then 'forbidden'
      else 'allowed' end`;
  return {
    entity: def.entity,
    visible,
    allowed,
    access,
    async authorize(q, actor, action, where) {
      const [row] = await queryRows<{ access: Access }>(
        q,
        sql`select ${access(actor, action)} as access from ${def.table} where ${where} limit 1`,
      );
      refuseUnlessAllowed(row?.access, action);
    },
    async load(q, actor, action, where) {
      const [found] = await q
        .select({ access: access(actor, action), row: getTableColumns(def.table) })
        // tsc needs both casts (Drizzle's generic table type); typescript-eslint's view of it does not.
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
        .from(def.table as PgTable)
        .where(where)
        .limit(1);
      refuseUnlessAllowed(found?.access, action);
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
      return found.row as InferSelectModel<T>;
    },
    mayEver(actor, action) {
      return def.actions[action](actor) !== false;
    },
  };
}
