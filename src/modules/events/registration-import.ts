import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { memberships, users } from '../../core/db/platform-schema.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { badRequest, unprocessable } from '../../core/http/problem.ts';
import { phrase } from '../../core/http/problem-texts.ts';
import { CsvSyntaxError, parseCsv, type CsvRecord } from '../../core/util/csv.ts';
import { activeBadgeOf, registerParticipant, type Participant } from './participants.ts';
import { assignEventRole } from './roles.ts';
import { BADGE_ROLES, eventAssignments, participants } from './schema.ts';
import { getEvent } from './service.ts';

/** The columns a registration file may have, in the order the documentation lists them. */
export const IMPORT_COLUMNS = ['full_name', 'email', 'role', 'username'] as const;
type Column = (typeof IMPORT_COLUMNS)[number];
/** Enough for a large conference in one go, small enough to answer within a request. */
export const IMPORT_MAX_ROWS = 2000;

export interface ImportRow {
  /** The row's line in the file (the header is line 1), as a spreadsheet numbers it. */
  line: number;
  fullName: string;
  email: string | null;
  role: Participant['role'];
  /** The org member the row names by `username`, who then also gets the event role. */
  userId: number | null;
  username: string | null;
}

export interface RowError {
  line: number;
  column: Column | null;
  message: string;
}

export interface ImportPreview {
  rows: ImportRow[];
  errors: RowError[];
}

const email = z.email().max(254);

/** Maps the header to column positions; an unknown or repeated column, or no full_name/username, is refused. */
function columnsOf(header: CsvRecord): Map<Column, number> {
  const positions = new Map<Column, number>();
  header.fields.forEach((raw, i) => {
    const name = raw
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, '_');
    if (!(IMPORT_COLUMNS as readonly string[]).includes(name))
      throw badRequest(phrase('import.unknownColumn', { column: raw, columns: IMPORT_COLUMNS.join(', ') }), [
        { path: 'body.csv', message: phrase('import.unknownColumnField', { column: raw }) },
      ]);
    if (positions.has(name as Column))
      throw badRequest(phrase('import.columnTwice', { column: name }), [
        { path: 'body.csv', message: phrase('import.columnTwiceField', { column: name }) },
      ]);
    positions.set(name as Column, i);
  });
  if (!positions.has('full_name') && !positions.has('username'))
    throw badRequest('The header must name a full_name column (or username for org members)', [
      { path: 'body.csv', message: 'line 1: no full_name column' },
    ]);
  return positions;
}

function recordsOf(csv: string): { header: CsvRecord; body: CsvRecord[] } {
  let records: CsvRecord[];
  try {
    records = parseCsv(csv);
  } catch (err) {
    if (!(err instanceof CsvSyntaxError)) throw err;
    throw badRequest(phrase('import.notCsv', { reason: err.message }), [
      { path: 'body.csv', message: err.message },
    ]);
  }
  const [header, ...body] = records;
  if (!header || body.length === 0)
    throw badRequest('The file has no rows under its header', [
      { path: 'body.csv', message: 'a header line and at least one row are needed' },
    ]);
  if (body.length > IMPORT_MAX_ROWS)
    throw badRequest(phrase('import.tooManyRows', { max: IMPORT_MAX_ROWS, rows: body.length }), [
      { path: 'body.csv', message: phrase('import.tooManyRowsField', { max: IMPORT_MAX_ROWS }) },
    ]);
  return { header, body };
}

/** The org's active members named by these usernames (lower-cased), with their names. */
async function membersNamed(t: TenantTx, usernames: string[]) {
  if (usernames.length === 0)
    return new Map<string, { id: number; fullName: string; email: string | null }>();
  const rows = await t.tx
    .select({ id: users.id, username: users.username, fullName: users.fullName, email: users.email })
    .from(users)
    .innerJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.isActive, true)))
    .where(inArray(sql`lower(${users.username})`, usernames));
  return new Map(rows.map((r) => [r.username.toLowerCase(), r]));
}

/**
 * Reads a registration file and checks every row against the file itself and the event as it is
 * now, without writing anything: what would be registered, and each row's errors.
 */
export async function previewImport(t: TenantTx, eventId: string, csv: string): Promise<ImportPreview> {
  await getEvent(t, eventId, 'manage');
  const { header, body } = recordsOf(csv);
  const columns = columnsOf(header);
  const cell = (r: CsvRecord, c: Column) => {
    const i = columns.get(c);
    return i === undefined ? '' : (r.fields[i] ?? '').trim();
  };
  const usernames = [...new Set(body.map((r) => cell(r, 'username').toLowerCase()).filter(Boolean))];
  const members = await membersNamed(t, usernames);
  const emails = [...new Set(body.map((r) => cell(r, 'email').toLowerCase()).filter(Boolean))];
  const badgedEmails = new Set(
    emails.length === 0
      ? []
      : (
          await t.tx
            .select({ email: sql<string>`lower(${participants.email})` })
            .from(participants)
            .where(
              and(
                eq(participants.eventId, eventId),
                eq(participants.isActive, true),
                inArray(sql`lower(${participants.email})`, emails),
              ),
            )
        ).map((r) => r.email),
  );
  const memberIds = [...members.values()].map((m) => m.id);
  const roleHeld = new Map(
    memberIds.length === 0
      ? []
      : (
          await t.tx
            .select({ userId: eventAssignments.userId, role: eventAssignments.role })
            .from(eventAssignments)
            .where(
              and(
                eq(eventAssignments.eventId, eventId),
                eq(eventAssignments.isActive, true),
                inArray(eventAssignments.userId, memberIds),
              ),
            )
        ).map((a) => [a.userId, a.role]),
  );

  const rows: ImportRow[] = [];
  const errors: RowError[] = [];
  const firstLineOf = { email: new Map<string, number>(), username: new Map<string, number>() };
  for (const r of body) {
    const fail = (column: Column | null, message: string) => errors.push({ line: r.line, column, message });
    const before = errors.length;
    if (r.fields.length !== header.fields.length)
      fail(null, `has ${r.fields.length} fields where the header has ${header.fields.length}`);
    const username = cell(r, 'username');
    const member = username ? members.get(username.toLowerCase()) : undefined;
    if (username && !member) fail('username', `no member of this organization has the username ${username}`);
    const held = member && roleHeld.get(member.id);
    if (held) fail('username', `${username} already holds the role ${held} in this event`);
    const fullName = cell(r, 'full_name') || (member ? member.fullName || username : '');
    if (!fullName) fail('full_name', 'is required');
    else if (fullName.length > 200) fail('full_name', 'is longer than 200 characters');
    const mail = cell(r, 'email') || (member?.email ?? '');
    if (mail && !email.safeParse(mail).success) fail('email', `${mail} is not an email address`);
    else if (mail && badgedEmails.has(mail.toLowerCase()))
      fail('email', `${mail} already has a badge for this event`);
    const role = (cell(r, 'role').toLowerCase() || 'participant') as Participant['role'];
    if (!BADGE_ROLES.includes(role))
      fail('role', `must be ${BADGE_ROLES.join(' or ')}, not ${cell(r, 'role')}`);
    for (const [key, value] of [
      ['email', mail.toLowerCase()],
      ['username', username.toLowerCase()],
    ] as const) {
      if (!value) continue;
      const first = firstLineOf[key].get(value);
      if (first !== undefined) fail(key, `same ${key} as line ${first}`);
      else firstLineOf[key].set(value, r.line);
    }
    if (errors.length === before)
      rows.push({
        line: r.line,
        fullName,
        email: mail || null,
        role,
        userId: member?.id ?? null,
        username: username || null,
      });
  }
  return { rows, errors };
}

/**
 * Registers every row of the file, all or nothing: one row in error refuses the whole file (422
 * with every row's errors) and nothing is stored. A row naming an org member gives them the event
 * role too, so the event shows in their console.
 */
export async function importRegistrations(t: TenantTx, eventId: string, csv: string): Promise<Participant[]> {
  const preview = await previewImport(t, eventId, csv);
  if (preview.errors.length > 0)
    throw unprocessable(
      phrase('import.rowsInError', { rows: new Set(preview.errors.map((e) => e.line)).size }),
      preview.errors.map(rowErrorField),
    );
  const issued: Participant[] = [];
  for (const row of preview.rows) {
    if (row.userId !== null) {
      await assignEventRole(t, eventId, { userId: row.userId, role: row.role });
      issued.push((await activeBadgeOf(t, eventId, row.userId))!);
    } else
      issued.push(
        await registerParticipant(t, eventId, { fullName: row.fullName, email: row.email, role: row.role }),
      );
  }
  return issued;
}

/** A row's error as a problem's field error: `body.csv.<line>.<column>`. */
export const rowErrorField = (e: RowError) => ({
  path: `body.csv.${e.line}${e.column ? `.${e.column}` : ''}`,
  message: e.message,
});
