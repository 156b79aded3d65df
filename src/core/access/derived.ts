import { sql, type SQL } from 'drizzle-orm';
import type { Actor } from './actor.ts';
import type { Condition } from './policy.ts';

/**
 * A derived grant: access to objects of one module that follows from an assignment held in
 * another (the room slot of a room reaches the stage linked to that room). The module that owns
 * the link contributes the grant; the module that owns the object consults every grant registered
 * for its object kind. Neither imports the other, and the rule exists once: its `sources`.
 */
export interface DerivedGrant {
  /** Stable name, shown by explain and in audit rows: `<module>.<what>`. */
  name: string;
  /** The kind of object it reaches, `<module>.<entity>` (e.g. `monitoring.location`). */
  target: string;
  /** What holding it means, in words for the explain answer. */
  summary: string;
  /**
   * The assignments granting it on the object whose id is `targetId`, in force at `at`: a SELECT
   * of `user_id` (bigint), `source` (the assignment's kind, e.g. `events.room_assignment`),
   * `source_id` (text), `starts_at` and `until` (timestamptz, null when open).
   */
  sources(targetId: SQL, at: SQL): SQL;
  /**
   * "The user holds at least one assignment this grant stands on at `at`, whatever the object": a
   * condition that does not depend on the object. Lists check it once per statement before the
   * per-object `sources`, so people without such an assignment (nearly everyone) pay nothing per row.
   */
  heldAnywhere(userId: SQL, at: SQL): SQL;
  /**
   * The ids of the objects the grant reaches for the user at `at`: a SELECT of one column, from
   * the user's side (their assignments first). Optional; with it a list asks "which objects does
   * this user reach" once instead of "does this user reach this object" for every row.
   */
  reached?(userId: SQL, at: SQL): SQL;
}

/** One granting assignment, as `sources` selects it. */
export interface GrantSource {
  grant: string;
  userId: number;
  source: string;
  sourceId: string;
  startsAt: Date | null;
  until: Date | null;
}

const registry = new Map<string, DerivedGrant>();

/** Adds a grant (a module's `register`); registering the same name again replaces it. */
export function registerDerivedGrant(grant: DerivedGrant): void {
  registry.set(grant.name, grant);
}

/** The grants reaching objects of `target`, in registration order. */
export function derivedGrantsOn(target: string): DerivedGrant[] {
  return [...registry.values()].filter((g) => g.target === target);
}

/** Every registered grant (explain lists them). */
export function derivedGrants(): DerivedGrant[] {
  return [...registry.values()];
}

const nowSql = sql`now()`;

/** `grant.sources` of the actor only: the condition "this actor holds it on that object at `at`". */
function heldBy(grant: DerivedGrant, actor: Actor, targetId: SQL, at: SQL): SQL {
  // The uncorrelated gate is a sub-select, so Postgres evaluates it once (an init plan) and skips
  // the correlated check on every row when it is false.
  return sql`((select ${grant.heldAnywhere(sql`${actor.userId}::bigint`, at)})
    and exists (select 1 from (${grant.sources(targetId, at)}) as derived_source
    where derived_source.user_id = ${actor.userId}))`;
}

/**
 * "Some derived grant reaches this object for this actor at `at`" — what an owning module's policy
 * adds to its `see` rule. Grants give sight, never actions: policies keep their actions on their
 * own assignments. An actor without a user holds no assignment, so no grant.
 */
export function derivedReach(target: string, actor: Actor, targetId: SQL, at: SQL = nowSql): Condition {
  if (actor.userId === null) return false;
  const grants = derivedGrantsOn(target);
  if (grants.length === 0) return false;
  return sql`(${sql.join(
    grants.map((g) => heldBy(g, actor, targetId, at)),
    sql` or `,
  )})`;
}

/**
 * The ids of the `target` objects some derived grant reaches for this actor at `at` (a SELECT of one
 * column); false when no grant can (no grants, or an actor without a user); null when a grant has
 * no `reached` form, so only the row-by-row `derivedReach` can ask it.
 */
export function derivedReached(target: string, actor: Actor, at: SQL = nowSql): SQL | false | null {
  const grants = derivedGrantsOn(target);
  if (actor.userId === null || grants.length === 0) return false;
  const parts: SQL[] = [];
  for (const g of grants) {
    if (!g.reached) return null;
    parts.push(g.reached(sql`${actor.userId}::bigint`, at));
  }
  return sql.join(parts, sql` union all `);
}

/**
 * Everyone a grant reaches the object through at `at`, with the granting assignment: a SELECT of
 * `grant`, `user_id`, `source`, `source_id`, `starts_at`, `until` (for live audiences and explain).
 */
export function derivedHolders(target: string, targetId: SQL, at: SQL = nowSql): SQL | null {
  const grants = derivedGrantsOn(target);
  if (grants.length === 0) return null;
  return sql.join(
    grants.map(
      (g) =>
        sql`select ${g.name}::text as grant, s.user_id, s.source, s.source_id, s.starts_at, s.until
          from (${g.sources(targetId, at)}) as s`,
    ),
    sql` union all `,
  );
}
