import { asc, desc, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { invalidField } from './problem.ts';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** `?limit=&cursor=` accepted by every list route. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  cursor: z.string().max(500).optional(),
});
export type PageQuery = z.infer<typeof pageQuery>;

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), next_cursor: z.string().nullable() });
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** A page of rows as a page of their JSON (the cursor stays as it is). */
export function mapPage<Row, T>(page: Page<Row>, view: (row: Row) => T): Page<T> {
  return { items: page.items.map(view), next_cursor: page.next_cursor };
}

type KeyValue = string | number | boolean | null;

function encodeCursor(values: KeyValue[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A forged cursor must be the same 400 as a garbled one, not a database cast error. */
function fitsColumn(value: unknown, column: AnyColumn): value is KeyValue {
  if (value === null) return !column.notNull;
  const type = sqlTypeOf(column);
  if (type === 'uuid') return typeof value === 'string' && UUID.test(value);
  if (/^(integer|bigint|smallint)$/.test(type))
    return typeof value === 'number'
      ? Number.isSafeInteger(value)
      : typeof value === 'string' && /^-?\d{1,19}$/.test(value);
  if (type.startsWith('timestamp') || type === 'date')
    return typeof value === 'string' && !Number.isNaN(Date.parse(value));
  if (type === 'boolean') return typeof value === 'boolean';
  return typeof value === 'string' || typeof value === 'number';
}

function decodeCursor(cursor: string, columns: AnyColumn[]): KeyValue[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(values) &&
      values.length === columns.length &&
      values.every((v, i): v is KeyValue => fitsColumn(v, columns[i]))
    )
      return values;
  } catch {
    // fall through to the 400 below
  }
  throw invalidField('query.cursor', 'not a cursor returned by this list');
}

function keyValue(v: unknown): KeyValue {
  if (v instanceof Date) return v.toISOString();
  if (v === undefined) return null;
  return v as KeyValue;
}

/**
 * Keyset pagination over a unique ordering (last column must be unique, usually the id):
 * stable under concurrent inserts and as fast on page 1000 as on page 1.
 */
export function keyset<Row>(opts: {
  columns: AnyColumn[];
  key: (row: Row) => unknown[];
  page: PageQuery;
  descending?: boolean;
}) {
  const { columns, page } = opts;
  let after: SQL | undefined;
  let values: KeyValue[] | undefined;
  if (page.cursor) {
    values = decodeCursor(page.cursor, columns);
    const left = sql.join(
      columns.map((c) => sql`${c}`),
      sql`, `,
    );
    const right = sql.join(
      values.map((v, i) => sql`${v}::${sql.raw(sqlTypeOf(columns[i]))}`),
      sql`, `,
    );
    after = opts.descending ? sql`(${left}) < (${right})` : sql`(${left}) > (${right})`;
  }
  return {
    /** Extra WHERE condition selecting rows after the cursor (undefined on the first page). */
    after,
    /** The cursor's key values, checked against the columns (undefined on the first page). */
    cursor: values,
    orderBy: columns.map((c) => (opts.descending ? desc(c) : asc(c))),
    /** One more than asked, to know whether a next page exists. */
    limit: page.limit + 1,
    finish<T = Row>(rows: Row[], map: (row: Row) => T = (r) => r as unknown as T): Page<T> {
      const more = rows.length > page.limit;
      const items = more ? rows.slice(0, page.limit) : rows;
      const last = items[items.length - 1];
      return {
        items: items.map(map),
        next_cursor: more && last ? encodeCursor(opts.key(last).map(keyValue)) : null,
      };
    },
  };
}

function sqlTypeOf(column: AnyColumn): string {
  return column.getSQLType();
}
