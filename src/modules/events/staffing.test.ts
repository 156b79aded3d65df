import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { describeEachBackend, type Client } from '../../../test/support/env.ts';
import { queryRows } from '../../core/db/client.ts';
import { parseCsv } from '../../core/util/csv.ts';

const HOUR = 3600_000;
const at = (h: number) => new Date(Date.now() + h * HOUR).toISOString();

interface Preview {
  dry_run: true;
  total: number;
  valid: number;
  rows: Array<{
    line: number;
    full_name: string;
    email: string | null;
    role: string;
    user_id: number | null;
  }>;
  errors: Array<{ line: number; column: string | null; message: string }>;
}
interface Problem {
  status: number;
  detail: string;
  errors: Array<{ path: string; message: string }>;
}

test('CSV: quotes, doubled quotes, line breaks in a field, CRLF, semicolons, BOM, blank lines', () => {
  const text = '\uFEFFfull_name;email\r\n"Dupont; Jean";j@x.fr\r\n\r\n"Say ""hi""\nthere";\n';
  assert.deepEqual(parseCsv(text), [
    { line: 1, fields: ['full_name', 'email'] },
    { line: 2, fields: ['Dupont; Jean', 'j@x.fr'] },
    { line: 4, fields: ['Say "hi"\nthere', ''] },
  ]);
  assert.throws(() => parseCsv('a,b\n"open,1\n'), /line 2: a quoted field is never closed/);
});

describeEachBackend('events: staffing and registration', (env) => {
  const u: Record<string, { id: number; client: Client }> = {};
  let admin: Client;
  let eventId = '';
  let otherAdmin: Client;
  const url = (p = '') => `/api/events/events/${eventId}${p}`;
  const badges = async () =>
    (
      await queryRows<{ n: number }>(
        env().database.db,
        sql`select count(*)::int as n from event_participants where event_id = ${eventId} and is_active`,
      )
    )[0].n;
  const importCsv = <T = Problem>(who: Client, csv: string, dryRun = false) =>
    who.request<T>('POST', url(`/participants/import${dryRun ? '?dry_run=true' : ''}`), csv, {
      'content-type': 'text/csv',
    });

  test('set-up: an event, its manager, members who hold no role yet', async () => {
    const made = await env().makeOrg('staffing');
    admin = made.admin;
    for (const name of ['st.pres', 'st.ctrl', 'st.alice', 'st.bob', 'st.member'])
      u[name.slice(3)] = await env().makeUser(made.org, name);
    eventId = (
      await u.pres.client.post('/api/events/events', { name: 'Forum', start_date: at(-1), end_date: at(30) })
    ).body.id;
    otherAdmin = (await env().makeOrg('staffing-other')).admin;
  });

  test('the member picker: managers search the org, each member with their role in the event', async () => {
    await u.pres.client.post(url('/assignments'), { user_id: u.ctrl.id, role: 'controlleur_des_badges' });
    const found = await u.pres.client.get<string, { items: Array<Record<string, unknown>> }>(
      url('/member-candidates?q=st.c'),
    );
    assert.equal(found.status, 200, JSON.stringify(found.body));
    assert.deepEqual(
      found.body.items.map((m) => [m.username, (m.assignment as { role: string } | null)?.role]),
      [['st.ctrl', 'controlleur_des_badges']],
    );
    const holding = await u.pres.client.get<string, { items: Array<{ username: string }> }>(
      url('/member-candidates?assigned=true'),
    );
    assert.deepEqual(
      holding.body.items.map((m) => m.username),
      ['st.ctrl'],
    );
    const page = await u.pres.client.get<string, { items: unknown[]; next_cursor: string }>(
      url('/member-candidates?limit=2'),
    );
    assert.deepEqual([page.body.items.length, typeof page.body.next_cursor], [2, 'string']);
    // A controller sees the event but does not staff it; a member without a role does not see it.
    assert.equal((await u.ctrl.client.get(url('/member-candidates'))).status, 403);
    assert.equal((await u.member.client.get(url('/member-candidates'))).status, 404);
  });

  test('invite by username or email: a member gets the role; a stranger is invited by an org admin only', async () => {
    const byEmail = await u.pres.client.post<string, { status: string; assignment: { role: string } }>(
      url('/invitations'),
      { login: 'ST.BOB@test.roster', role: 'exposant' },
    );
    assert.deepEqual(
      [byEmail.status, byEmail.body.status, byEmail.body.assignment.role],
      [201, 'assigned', 'exposant'],
    );
    const again = await u.pres.client.post(url('/invitations'), { login: 'st.bob', role: 'participant' });
    assert.equal(again.status, 409);
    const stranger = await u.pres.client.post<string, Problem>(url('/invitations'), {
      login: 'nobody@elsewhere.test',
      role: 'participant',
    });
    assert.equal(stranger.status, 403, JSON.stringify(stranger.body));
    const invited = await admin.post<string, { status: string; invitation: { login: string; role: string } }>(
      url('/invitations'),
      { login: 'nobody@elsewhere.test', role: 'participant' },
    );
    assert.deepEqual(
      [invited.status, invited.body.status, invited.body.invitation.login, invited.body.invitation.role],
      [202, 'invited', 'nobody@elsewhere.test', 'member'],
    );
    const blank = await u.pres.client.post<string, Problem>(url('/invitations'), {
      login: ' ',
      role: 'participant',
    });
    assert.deepEqual([blank.status, blank.body.errors[0].path], [400, 'body.login']);
  });

  test('an invitation carries the event role: accepting it gives the role and the badge, audited', async () => {
    const { org, admin: owner } = await env().makeOrg('staff-invite');
    // Carol and Dan are members of another organization only.
    const { org: elsewhere } = await env().makeOrg('staff-elsewhere');
    const carol = await env().makeUser(elsewhere, 'si.carol');
    const dan = await env().makeUser(elsewhere, 'si.dan');
    const event = (
      await owner.post('/api/events/events', { name: 'Invited', start_date: at(1), end_date: at(9) })
    ).body.id;
    const invite = (login: string) =>
      owner.post<string, { status: string; invitation: { id: string } }>(
        `/api/events/events/${event}/invitations`,
        { login, role: 'exposant' },
      );
    const roleOf = async (userId: number) =>
      queryRows<{ role: string; assigned_by: string | null; badge: string | null }>(
        env().database.db,
        sql`select a.role, a.assigned_by::text, p.role as badge
              from event_assignments a
              left join event_participants p on p.event_id = a.event_id and p.user_id = a.user_id and p.is_active
             where a.event_id = ${event}::uuid and a.user_id = ${userId} and a.is_active`,
      );
    const toCarol = await invite('si.carol');
    assert.deepEqual([toCarol.status, toCarol.body.status], [202, 'invited']);
    assert.deepEqual(await roleOf(carol.id), [], 'nothing is given before the answer');
    const toDan = await invite('si.dan');

    const accepted = await carol.client.post(`/api/auth/invitations/${toCarol.body.invitation.id}/accept`);
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    const [ownerRow] = await queryRows<{ id: string }>(
      env().database.db,
      sql`select user_id::text as id from memberships where org_id = ${org.id}::uuid and role = 'owner'`,
    );
    assert.deepEqual(await roleOf(carol.id), [
      { role: 'exposant', assigned_by: ownerRow.id, badge: 'exposant' },
    ]);
    const audited = await queryRows<{ message: string }>(
      env().database.db,
      sql`select message from audit_log where org_id = ${org.id}::uuid and entity_type = 'event_assignment'`,
    );
    assert.deepEqual(
      audited.map((a) => a.message),
      [`User ${carol.id} assigned as exposant on accepting the invitation`],
    );

    const declined = await dan.client.post(`/api/auth/invitations/${toDan.body.invitation.id}/decline`);
    assert.equal(declined.status, 200);
    assert.deepEqual(await roleOf(dan.id), [], 'a declined invitation gives nothing');
  });

  test('CSV preview: what would be registered and every row error, nothing written', async () => {
    const before = await badges();
    const csv = [
      'Full Name,email,role,username',
      'Ada Lovelace,ada@example.org,,',
      '"Grace Hopper",grace@example.org,exposant,',
      ',,participant,',
      'Bad Mail,not-an-email,participant,',
      'Twice,ada@example.org,participant,',
      'Odd role,odd@example.org,speaker,',
      ',,,st.alice',
      'Ghost,,,st.ghost',
      'Bob again,,,st.bob',
      'Short row,short@example.org',
    ].join('\n');
    const res = await importCsv<Preview>(u.pres.client, csv, true);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual([res.body.total, res.body.valid], [10, 3]);
    assert.deepEqual(
      res.body.rows.map((r) => [r.line, r.full_name, r.role, r.user_id]),
      [
        [2, 'Ada Lovelace', 'participant', null],
        [3, 'Grace Hopper', 'exposant', null],
        [8, 'st.alice', 'participant', u.alice.id],
      ],
    );
    assert.deepEqual(
      res.body.errors.map((e) => [e.line, e.column]),
      [
        [4, 'full_name'],
        [5, 'email'],
        [6, 'email'],
        [7, 'role'],
        [9, 'username'],
        [10, 'username'],
        [11, null],
      ],
    );
    assert.match(res.body.errors[2].message, /same email as line 2/);
    assert.match(res.body.errors[5].message, /already holds the role exposant/);
    assert.equal(await badges(), before);
  });

  test('CSV import is all or nothing: one bad row refuses the file with each row error, nothing stored', async () => {
    const before = await badges();
    const bad = await importCsv(u.pres.client, 'full_name,email\nAda,ada@example.org\nBad,nope\n');
    assert.equal(bad.status, 422, JSON.stringify(bad.body));
    assert.deepEqual(bad.body.errors, [
      { path: 'body.csv.3.email', message: 'nope is not an email address' },
    ]);
    assert.equal(await badges(), before);
    for (const [csv, path] of [
      ['full_name,shoe_size\nAda,42\n', 'body.csv'],
      ['full_name\n', 'body.csv'],
      ['full_name\n"Ada\n', 'body.csv'],
      ['', 'body.csv'],
    ]) {
      const res = await importCsv(u.pres.client, csv);
      assert.deepEqual([res.status, res.body.errors?.[0]?.path], [400, path], csv);
    }
    const json = await u.pres.client.post<string, Problem>(url('/participants/import'), {
      csv: 'x',
      org_id: 1,
    });
    assert.deepEqual([json.status, json.body.errors[0].path], [400, 'body.org_id']);
    assert.equal(await badges(), before);
  });

  test('CSV import registers every row: badges issued, a member also gets the event role', async () => {
    const before = await badges();
    const csv =
      'full_name;email;role;username\r\nAda Lovelace;ada@example.org;;\r\nGrace Hopper;;exposant;\r\n;;;st.alice\r\n';
    const res = await importCsv(u.pres.client, csv);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const body = res.body as unknown as {
      imported: number;
      items: Array<{ full_name: string; badge_id: string }>;
    };
    assert.deepEqual(
      [body.imported, body.items.map((p) => p.full_name)],
      [3, ['Ada Lovelace', 'Grace Hopper', 'st.alice']],
    );
    assert.ok(body.items.every((p) => /^BDG-/.test(p.badge_id)));
    assert.equal(await badges(), before + 3);
    const roles = await u.pres.client.get<string, { items: Array<{ user_id: number; role: string }> }>(
      url('/assignments?role=participant'),
    );
    assert.ok(roles.body.items.some((a) => a.user_id === u.alice.id));
    // The same file again: every row is now a duplicate, and nothing more is stored.
    const again = await importCsv(u.pres.client, csv);
    assert.equal(again.status, 422);
    assert.deepEqual(
      again.body.errors.map((e) => e.path),
      ['body.csv.2.email', 'body.csv.4.username'],
    );
    assert.equal(await badges(), before + 3);
  });

  test("the stand's lead list is searched by name, email, badge id or notes", async () => {
    const list = await u.pres.client.get<string, { items: Array<{ badge_id: string; full_name: string }> }>(
      url('/participants?q=Lovelace'),
    );
    const ada = list.body.items[0];
    const scan = await u.bob.client.post(url('/exposant-scans'), {
      badge_id: ada.badge_id,
      notes: 'Wants a demo',
    });
    assert.equal(scan.status, 201, JSON.stringify(scan.body));
    for (const [q, n] of [
      ['lovelace', 1],
      ['ada@example', 1],
      [ada.badge_id.toLowerCase(), 1],
      ['DEMO', 1],
      ['50%_', 0],
    ] as const) {
      const found = await u.bob.client.get<string, { items: unknown[] }>(
        url(`/exposant-scans?q=${encodeURIComponent(q)}`),
      );
      assert.deepEqual([found.status, found.body.items.length], [200, n], q);
    }
  });

  test('only the event managers and org admins import; another org sees no such event', async () => {
    const before = await badges();
    const csv = 'full_name\nIntruder\n';
    assert.equal((await importCsv(u.ctrl.client, csv, true)).status, 403);
    assert.equal((await importCsv(u.ctrl.client, csv)).status, 403);
    assert.equal((await importCsv(u.member.client, csv)).status, 404);
    assert.equal((await importCsv(u.bob.client, csv)).status, 403);
    assert.equal((await importCsv(otherAdmin, csv, true)).status, 404);
    assert.equal((await importCsv(otherAdmin, csv)).status, 404);
    assert.equal((await otherAdmin.get(url('/member-candidates'))).status, 404);
    assert.equal(
      (await otherAdmin.post(url('/invitations'), { login: 'st.bob', role: 'participant' })).status,
      404,
    );
    assert.equal((await importCsv(admin, csv)).status, 201);
    assert.equal(await badges(), before + 1);
  });
});
