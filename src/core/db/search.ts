import { ilike, like, or, type AnyColumn, type SQL, type SQLWrapper } from 'drizzle-orm';

/** A user's text taken literally in a LIKE pattern: `%`, `_` and the escape character itself. */
export function escapeLike(text: string): string {
  return text.replace(/[%_\\]/g, '\\$&');
}

/** Case-insensitive "contains" over one or more columns, the search box of every list. */
export function containsText(text: string, ...columns: AnyColumn[]): SQL | undefined {
  return matchesPattern(containsPattern(text), ...columns);
}

/** The ILIKE pattern of `containsText`, for a statement that binds it as a value. */
export const containsPattern = (text: string) => `%${escapeLike(text)}%`;

/** Any of the columns matches the ILIKE pattern (a value, or a placeholder for one). */
export function matchesPattern(pattern: string | SQLWrapper, ...columns: AnyColumn[]): SQL | undefined {
  return or(...columns.map((c) => ilike(c, pattern)));
}

/** Case-sensitive "starts with", the user's text taken literally. */
export function startsWith(column: AnyColumn, text: string): SQL {
  return like(column, `${escapeLike(text)}%`);
}
