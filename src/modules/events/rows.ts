import { getTableColumns, type InferSelectModel } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';

/**
 * A row that SQL handed back as JSON (`to_jsonb(row)`: snake_case keys, timestamps as ISO
 * strings) turned into what a Drizzle select of `table` returns, through each column's own
 * driver mapping, so callers cannot tell the two apart.
 */
export function fromJson<T extends PgTable>(table: T, json: Record<string, unknown>): InferSelectModel<T> {
  const row: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = json[column.name];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as InferSelectModel<T>;
}
