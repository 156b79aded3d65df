import { getTableColumns, sql, type AnyColumn, type InferSelectModel, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Actor } from './actor.ts';
import { derivedGrantsOn, derivedReach, derivedReached, type DerivedGrant } from './derived.ts';
import { queryRows, type Queryable } from '../db/client.ts';
import { forbidden, notFound } from '../http/problem.ts';

/**
 * A rule answers "which rows of the table may this actor …" as a SQL condition over the table's
 * columns, or a constant: `true` (every row of the org; RLS already keeps other orgs out) or
 * `false` (none). The same definition serves both list filtering (a WHERE clause) and the
 * single-row check (evaluated in SQL on that row), so the two can never disagree.
 */
export type Condition = SQL | boolean;
/**
 * `at` is the instant the rule is asked about (default: now). Rules over time-windowed assignments
 * read it to answer "who could see this at 15:00 yesterday?"; others are the same at every instant.
 */
export type Rule = (actor: Actor, at?: SQL) => Condition;

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
  /** How the `see` rule describes itself to explain; leave out for entities explain does not list. */
  describe?: RuleDescription;
  /**
   * Sight that other modules' assignments derive onto this entity (see derived.ts): the rows whose
   * `objectId` a grant on `target` reaches are visible too, and only those `only` also accepts.
   * Derived sight never grants an action: actions stay on the entity's own rules.
   */
  derived?: {
    target: string;
    /** The object's id on the row, for the grants; left out, the object is the row itself (its id). */
    objectId?: () => SQL;
    only?: () => SQL;
    /**
     * The same sight from the object's side, for lists: the ids of this table's rows whose object
     * is one of `targets` (an array of target ids: compare with `= any(targets)`) and that `only`
     * accepts. Optional; with it (and grants that say what they reach) a list joins the few rows a
     * grant reaches. An array, not a sub-select: the planner then expects a few targets, as there
     * are, where a sub-select it cannot see through was estimated at every row of the table.
     * Left out when the object is the row itself: the targets are then the rows.
     */
    ownersOf?: (targets: SQL) => SQL;
  };
}

/** What a policy's own `see` rule stands on, in words, and how explain names and lists its rows. */
export interface RuleDescription {
  /** The object kind in explain (`<module>.<entity>`, e.g. `monitoring.performer`). */
  kind: string;
  /** The assignment (or role) that grants sight, e.g. "membership of a monitoring group assigned to it". */
  source: string;
  /** A short label of a row (its name) for explain answers. */
  label: () => SQL;
  /** The row's id column, as text. */
  id: () => SQL;
  /** True when the rule reads `at` (time-windowed assignments); false: it answers as of now. */
  timeAware: boolean;
}

/** Why an actor sees a row: the entity's own rule, or a derived grant with its granting assignment. */
export interface Reason {
  rule: string;
  source: string;
  /** True when the rule reads assignments that keep no history: it answers for now, whatever `at`. */
  as_of_now?: boolean;
  grant?: string;
  assignment?: { kind: string; id: string; starts_at: string | null; until: string | null };
}

export interface Policy<A extends string, T extends PgTable = PgTable> {
  entity: string;
  table: T;
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
  /** The self-description explain reads (undefined for policies without one). */
  describe?: RuleDescription;
  /** The entity's own `see` rule alone, at `at` (derived grants left out). */
  ownSight(actor: Actor, at?: SQL): SQL;
  /** The granting assignments of every derived grant on the row for the actor at `at` (a SELECT). */
  derivedSources(actor: Actor, at?: SQL): SQL | null;
  /** `visible`, at `at` (default now). */
  visibleAt(actor: Actor, at?: SQL): SQL;
  /** The derived grants this policy's `see` consults now. */
  grantsConsulted(): DerivedGrant[];
}

export type Access = 'not_found' | 'forbidden' | 'allowed';

const explainable = new Map<string, Policy<string>>();

/** The policies that describe themselves, by kind (what explain walks). */
export function explainablePolicies(): Map<string, Policy<string>> {
  return explainable;
}

const defined: Array<{ entity: string; actions: string[] }> = [];

/** Every policy's entity and action names: the words its refusals are worded with. */
export function policyWords(): ReadonlyArray<{ entity: string; actions: string[] }> {
  return defined;
}

export function definePolicy<A extends string, T extends PgTable>(def: PolicyDefinition<A, T>): Policy<A, T> {
  defined.push({ entity: def.entity, actions: Object.keys(def.actions) });
  const derived = def.derived;
  const idColumn: AnyColumn | undefined = getTableColumns(def.table).id;
  if (derived && !idColumn) throw new Error(`${def.entity}: derived sight needs the table's id column`);
  const objectId = derived?.objectId ?? (() => sql`${idColumn}`);
  const ownersOf =
    derived?.ownersOf ??
    (derived && !derived.objectId
      ? (ids: SQL) =>
          sql`select ${idColumn} from ${def.table} where ${idColumn} = any(${ids}) and ${toSql(derived.only?.() ?? true)}`
      : undefined);
  /** Sight a derived grant gives on the row, checked row by row (false without grants). */
  const grantedRowByRow = (actor: Actor, at?: SQL): Condition => {
    if (!derived) return false;
    const reach = derivedReach(derived.target, actor, objectId(), at);
    return derived.only ? allOf(derived.only(), reach) : reach;
  };
  /** Own rule or a derived grant, row by row: the one `see` that checks a row and explains. */
  const see = (actor: Actor, at?: SQL): Condition => {
    const own = def.see(actor, at);
    return own === true ? true : anyOf(own, grantedRowByRow(actor, at));
  };
  const rowsWhere = (c: SQL) => sql`select ${idColumn} from ${def.table} where ${c}`;
  /**
   * The same `see` for lists. Two sights joined by OR are checked row by row: Postgres cannot turn
   * an `exists` under an OR into a join, so a list walked every row of the table (10,000 performers
   * for a technician who sees 80). As a set instead, "the row is one of those the own rule finds,
   * or one of those a grant reaches", each sight is planned alone (a join from the actor's
   * assignments; a grant whose holder check fails skips its part), and the list joins the few ids.
   * Inside each part the table's own name is the part's row, so the rules read it unchanged. With
   * the grant's set form the ids go as an array, which the planner sizes small: a plan kept per
   * connection priced the union at all a grant might reach and walked the table in id order.
   */
  const listed = (actor: Actor, at?: SQL): Condition => {
    const own = def.see(actor, at);
    if (!derived || own === true) return own;
    const ownPart = own === false ? [] : [rowsWhere(own)];
    const reached = ownersOf ? derivedReached(derived.target, actor, at) : null;
    if (reached === false) return own;
    if (reached && ownersOf) {
      const parts = [...ownPart, ownersOf(sql`array(${reached})`)];
      return sql`${idColumn} = any(array(${sql.join(parts, sql` union `)}))`;
    }
    const granted = grantedRowByRow(actor, at);
    if (own === false || typeof granted === 'boolean') return anyOf(own, granted);
    return sql`${idColumn} in (${sql.join([...ownPart, rowsWhere(granted)], sql` union `)})`;
  };
  const visible = (actor: Actor) => toSql(listed(actor));
  const allowed = (actor: Actor, action: A) => toSql(allOf(see(actor), def.actions[action](actor)));
  /** 404 for a row that is missing or not visible, 403 for one visible but not open to `action`. */
  const refuseUnlessAllowed = (answer: Access | undefined, action: A | 'see') => {
    if (!answer || answer === 'not_found') throw notFound(def.entity);
    if (answer === 'forbidden') throw forbidden(`You may not ${action} this ${def.entity.toLowerCase()}`);
  };
  // The "see" rule is evaluated once: a CASE stops at the first branch that holds. IS NOT TRUE,
  // not NOT: a rule comparing with a NULL column is NULL, which must refuse, as in a WHERE.
  const access = (actor: Actor, action: A | 'see') =>
    sql<Access>`case when (${toSql(see(actor))}) is not true then 'not_found'
      when (${action === 'see' ? sql`true` : toSql(def.actions[action](actor))}) is not true then 'forbidden'
      else 'allowed' end`;
  const policy: Policy<A, T> = {
    entity: def.entity,
    table: def.table,
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
    describe: def.describe,
    ownSight: (actor, at) => toSql(def.see(actor, at)),
    derivedSources(actor, at = sql`now()`) {
      if (!derived || actor.userId === null) return null;
      const grants = derivedGrantsOn(derived.target);
      if (grants.length === 0) return null;
      const only = derived.only ? derived.only() : sql`true`;
      return sql.join(
        grants.map(
          (g) => sql`select ${g.name}::text as grant, s.source, s.source_id, s.starts_at, s.until
            from (${g.sources(objectId(), at)}) as s where s.user_id = ${actor.userId} and ${only}`,
        ),
        sql` union all `,
      );
    },
    visibleAt: (actor, at) => toSql(listed(actor, at)),
    grantsConsulted: () => (derived ? derivedGrantsOn(derived.target) : []),
  };
  if (def.describe) explainable.set(def.describe.kind, policy);
  return policy;
}
