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

/**
 * A parameter as the literal EXECUTE takes for it: text the statement's parameter type reads, as
 * the driver would have sent it. Undefined for what has no plain text form here (bytes, objects,
 * dates, lists of those): the statement then runs in the transaction.
 */
export function literalOf(value: unknown, quote: (value: string) => string): string | undefined {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return textLiteral(value, quote);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return quote(String(value));
  if (Array.isArray(value)) return arrayLiteral(value, quote);
  return undefined;
}

/**
 * A list of numbers or texts (`= any($1)`) as an array literal, elements quoted as the driver
 * quotes them; undefined for lists of anything else.
 */
function arrayLiteral(list: unknown[], quote: (value: string) => string): string | undefined {
  const elements: string[] = [];
  for (const element of list) {
    if (element === null) elements.push('NULL');
    else if (typeof element === 'number' || typeof element === 'bigint') elements.push(String(element));
    else if (typeof element === 'string') elements.push(`"${element.replace(/(["\\])/g, '\\$1')}"`);
    else return undefined;
  }
  return textLiteral(`{${elements.join(',')}}`, quote);
}
