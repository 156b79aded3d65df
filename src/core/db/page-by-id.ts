import { and, asc, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { keyset, type Page, type PageQuery } from '../http/pagination.ts';
import { withKeptPlan, type Queryable } from './client.ts';
import { statement, type Placeholders } from './statements.ts';

type TableWithId = PgTable & { id: PgColumn };

/**
 * A page of a table's rows matching `where`, in id order (keyset on the id, so stable under
 * concurrent inserts). `keptPlan` runs it as a prepared statement kept per connection
 * (`withKeptPlan`): for the hot lists whose policy filter costs as much to plan as to run.
 */
export async function pageById<T extends TableWithId>(
  db: Queryable,
  table: T,
  where: SQL | undefined,
  page: PageQuery,
  opts: { keptPlan?: boolean } = {},
): Promise<Page<T['$inferSelect']>> {
  type Row = T['$inferSelect'];
  const k = keyset({ columns: [table.id], key: (r: Row) => [(r as { id: unknown }).id], page });
  // Drizzle cannot infer a select from a generic table: the rows are typed as the table's below.
  const source: PgTable = table;
  const query = db
    .select()
    .from(source)
    .where(and(where, k.after))
    .orderBy(...k.orderBy)
    .limit(k.limit);
  const rows = (opts.keptPlan ? await withKeptPlan(db, query) : await query) as Row[];
  return k.finish(rows);
}

/** What a page statement binds besides its filter's values: the cursor's id and the row limit. */
type PageValues = { after?: unknown; limit: number };

/**
 * `pageById` as a statement built once per shape (statements.ts), for hot lists whose filter (an
 * access policy) costs more to build and render than to run. `where` builds the filter from the
 * placeholders of `V` and the shape alone; the answer is the page in id order.
 */
export function pageByIdStatement<T extends TableWithId, V extends Record<string, unknown>, S>(
  table: T,
  where: (p: Placeholders<V>, shape: S) => SQL | undefined,
) {
  type Row = T['$inferSelect'];
  // Drizzle cannot infer a select from a generic table: the rows are typed as the table's below.
  const source: PgTable = table;
  const pageOf = (after: boolean) =>
    statement<V & PageValues, Row[], S>((q, p, s) =>
      q
        .select()
        .from(source)
        .where(and(where(p, s), after ? sql`${table.id} > ${p.after}` : undefined))
        .orderBy(asc(table.id))
        .limit(p.limit),
    );
  const first = pageOf(false);
  const next = pageOf(true);
  return async (db: Queryable, values: V, shape: S, page: PageQuery): Promise<Page<Row>> => {
    const k = keyset({ columns: [table.id], key: (r: Row) => [(r as { id: unknown }).id], page });
    const bound = { ...values, after: k.cursor?.[0], limit: k.limit };
    return k.finish(await (k.cursor ? next : first)(db, bound, shape));
  };
}
