/**
 * A text as a quoted SQL literal for statements sent inline (group commit, pipelined reads).
 * Postgres text cannot hold NUL, and inside the statement's own text a NUL would end the protocol
 * message early and break the connection: it is refused here with Postgres's own error code
 * (`22021`), which the API answers as a 400 like any other NUL the database refuses.
 */
export function textLiteral(value: string, quote: (value: string) => string): string {
  if (value.includes('\u0000'))
    throw Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' });
  return quote(value);
}
