import { and, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { keyset, type Page, type PageQuery } from '../http/pagination.ts';
import { withKeptPlan, type Queryable } from './client.ts';

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
