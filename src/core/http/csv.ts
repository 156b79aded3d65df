/**
 * One RFC 4180 field: quoted when it holds a comma, a quote or a line break. A leading = + - @
 * (or tab/CR) is defused with a quote so a spreadsheet never runs a cell as a formula.
 */
export function csvField(value: string | number | boolean | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV document: a header row of `columns`, then one line per row, CRLF line ends. */
export function csvDocument<C extends string>(
  columns: readonly C[],
  rows: Iterable<Record<C, string | number | boolean | null | undefined>>,
): string {
  const lines = [columns.join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvField(row[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
