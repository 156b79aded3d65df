import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import type { ProblemBody } from '../../../test/support/api-types.ts';
import { describeEachBackend, type Client } from '../../../test/support/env.ts';
import { queryRows } from '../../core/db/client.ts';
import type { LiveEvent } from '../../core/events/bus.ts';
import { csvField } from '../../core/http/csv.ts';
import { type annonceView, type checkedInData, type occupancyData, type scanRecordedData } from './views.ts';

type AnnonceData = ReturnType<typeof annonceView>;
type CheckedIn = ReturnType<typeof checkedInData>;
type ScanRecorded = ReturnType<typeof scanRecordedData>;
type Occupancy = ReturnType<typeof occupancyData>;

const HOUR = 3600_000;
const at = (h: number) => new Date(Date.now() + h * HOUR).toISOString();
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

function multipart(bytes: Buffer, filename: string, contentType: string) {
  const boundary = '----rosterEventsBoundary';
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
        `Content-Type: ${contentType}\r\n\r\n`,
    ),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** The body of a text answer (CSV, HTML, SVG): the test client hands it over as a string. */
function textOf(res: { body: unknown }): string {
  assert.ok(typeof res.body === 'string', 'a text body');
  return res.body;
}

describeEachBackend(
  'events: announcements, questions, exhibitors, documents, statistics, live events, seed-demo',
  (env) => {
    const u: Record<string, { id: number; client: Client }> = {};
    let eventId = '';
    let orgSlug = '';
    const room: Record<string, string> = {};
    const session: Record<string, string> = {};
    const badge: Record<string, { id: string; qr: string }> = {};
    const live: LiveEvent[] = [];
    const url = <P extends string = ''>(p?: P) =>
      `/api/events/events/${eventId}${p ?? ''}` as `/api/events/events/${string}${P}`;
    const rows = <T>(q: ReturnType<typeof sql>) => queryRows<T>(env().database.db, q);
    const count = async (table: string, where = 'true') =>
      Number(
        (await rows<{ n: number }>(sql.raw(`select count(*)::int as n from ${table} where ${where}`)))[0].n,
      );
    const upload = (c: Client, path_: string, part: ReturnType<typeof multipart>) =>
      env().app.inject({
        method: 'PUT',
        url: url(path_),
        payload: part.body,
        headers: { ...part.headers, authorization: `Bearer ${c.token}` },
      });
    const lastLive = (type: string) => [...live].reverse().find((e) => e.type === type);
    const sorted = (ids: number[] | undefined) => [...(ids ?? [])].sort((a, b) => a - b);

    test('set-up: an event with two rooms, a conference and a paid atelier running now, staff and badge holders', async () => {
      env().bus.subscribe((e) => live.push(e));
      const made = await env().makeOrg('expo');
      orgSlug = made.org.slug;
      for (const name of ['pres', 'gest', 'gest2', 'ctrl', 'part1', 'part2', 'expo', 'expo2', 'outsider'])
        u[name] = await env().makeUser(made.org, name);
      const ev = await u.pres.client.post('/api/events/events', {
        name: 'Salon <Tech>',
        location: 'Hall 7',
        start_date: at(-10),
        end_date: at(30),
        status: 'published',
      });
      assert.equal(ev.body.timezone, 'Europe/Paris', 'events default to the Paris time zone');
      eventId = ev.body.id;
      const badZone = await u.pres.client.patch(url(), { timezone: 'Mars/Olympus' });
      assert.deepEqual([badZone.status, badZone.body.errors[0].path], [400, 'body.timezone']);
      for (const [name, capacity] of [
        ['A', 10],
        ['B', 10],
      ] as const)
        room[name] = (await u.pres.client.post(url('/rooms'), { name, capacity })).body.id;
      session.conf = (
        await u.pres.client.post(url('/sessions'), {
          room_id: room.A,
          title: 'Keynote',
          start_time: at(-1),
          end_time: at(1),
        })
      ).body.id;
      session.paid = (
        await u.pres.client.post(url('/sessions'), {
          room_id: room.B,
          title: 'Paid atelier',
          start_time: at(-1),
          end_time: at(1),
          session_type: 'atelier',
          is_paid: true,
          price: 40,
        })
      ).body.id;
      const roles = [
        ['gest', 'gestionnaire_des_salles'],
        ['gest2', 'gestionnaire_des_salles'],
        ['ctrl', 'controlleur_des_badges'],
        ['part1', 'participant'],
        ['part2', 'participant'],
        ['expo', 'exposant'],
        ['expo2', 'exposant'],
      ] as const;
      for (const [name, role] of roles)
        assert.equal(
          (await u.pres.client.post(url('/assignments'), { user_id: u[name].id, role })).status,
          201,
        );
      await u.pres.client.post(url('/room-assignments'), {
        user_id: u.gest.id,
        room_id: room.A,
        role: 'gestionnaire_des_salles',
        start_time: at(-2),
        end_time: at(2),
      });
      await u.pres.client.post(url('/room-assignments'), {
        user_id: u.gest2.id,
        room_id: room.B,
        role: 'gestionnaire_des_salles',
        start_time: at(3),
        end_time: at(5),
      });
      await u.pres.client.post(url('/room-assignments'), {
        user_id: u.ctrl.id,
        room_id: room.A,
        role: 'controlleur_des_badges',
        start_time: at(-2),
        end_time: at(2),
      });
      for (const p of (await u.pres.client.get(url('/participants'))).body.items) {
        const name = Object.keys(u).find((k) => u[k].id === p.user_id)!;
        badge[name] = { id: p.id, qr: p.qr_payload };
      }
      assert.deepEqual(Object.keys(badge).sort(), ['expo', 'expo2', 'part1', 'part2']);
    });

    test('announcements: gestionnaires publish, each role reads its own, pushed live to that audience only', async () => {
      const refused = await u.part1.client.post(url('/annonces'), {
        title: 'Hi',
        description: 'x',
        target: 'all',
      });
      assert.equal(refused.status, 403);
      assert.equal(
        (await u.outsider.client.post(url('/annonces'), { title: 'Hi', description: 'x', target: 'all' }))
          .status,
        404,
      );
      const badTarget = await u.gest.client.post(url('/annonces'), {
        title: 'Hi',
        description: 'x',
        target: 'everyone',
      });
      assert.deepEqual([badTarget.status, badTarget.body.errors[0].path], [400, 'body.target']);
      assert.equal(await count('event_annonces'), 0, 'refused announcements stored nothing');

      const forParticipants = await u.gest.client.post(url('/annonces'), {
        title: 'Keynote moved',
        description: 'Now in room A',
        target: 'participants',
      });
      assert.equal(forParticipants.status, 201);
      assert.deepEqual(
        [forParticipants.body.target, forParticipants.body.created_by],
        ['participants', u.gest.id],
      );
      const pushed = lastLive('events.annonce.created')!;
      assert.equal((pushed.data as AnnonceData).title, 'Keynote moved');
      assert.deepEqual(
        sorted(pushed.audience.userIds),
        sorted([u.pres.id, u.gest.id, u.part1.id, u.part2.id]),
        'participants, the author and the event managers',
      );
      assert.deepEqual(pushed.audience.orgRoles, ['owner', 'admin']);

      const forAll = await u.gest.client.post(url('/annonces'), {
        title: 'Lunch at noon',
        description: 'Hall B',
        target: 'all',
      });
      assert.deepEqual(
        sorted(lastLive('events.annonce.created')!.audience.userIds),
        sorted([u.pres.id, u.gest.id, u.gest2.id, u.ctrl.id, u.part1.id, u.part2.id, u.expo.id, u.expo2.id]),
      );
      await u.pres.client.post(url('/annonces'), {
        title: 'Stands open',
        description: 'Exposants: set up by 9',
        target: 'exposants',
      });

      const titles = async (c: Client) => (await c.get(url('/annonces'))).body.items.map((a) => a.title);
      assert.deepEqual(await titles(u.part1.client), ['Lunch at noon', 'Keynote moved']);
      assert.deepEqual(await titles(u.expo.client), ['Stands open', 'Lunch at noon']);
      assert.deepEqual(await titles(u.ctrl.client), ['Lunch at noon']);
      assert.deepEqual(await titles(u.gest2.client), ['Lunch at noon']);
      assert.deepEqual(
        await titles(u.gest.client),
        ['Lunch at noon', 'Keynote moved'],
        'the author sees their own',
      );
      assert.deepEqual(await titles(u.pres.client), ['Stands open', 'Lunch at noon', 'Keynote moved']);
      assert.equal((await u.outsider.client.get(url('/annonces'))).status, 404, 'outside the event');
      assert.equal((await u.part1.client.get(url(`/annonces?target=exposants`))).body.items.length, 0);
      const stands = (await u.pres.client.get(url('/annonces?target=exposants'))).body.items[0];
      assert.equal(
        (await u.part1.client.get(url(`/annonces/${stands.id}`))).status,
        404,
        'not aimed at participants',
      );

      const byOther = await u.pres.client.patch(url(`/annonces/${forAll.body.id}`), { title: 'Hijacked' });
      assert.equal(byOther.status, 403, 'even the president cannot edit someone else’s announcement');
      assert.equal((await u.gest2.client.delete(url(`/annonces/${forAll.body.id}`))).status, 403);
      assert.equal(
        (await u.part1.client.get(url(`/annonces/${forAll.body.id}`))).body.title,
        'Lunch at noon',
        'unchanged',
      );
      const unknownField = await u.gest.client.patch(url(`/annonces/${forAll.body.id}`), { colour: 'red' });
      assert.deepEqual(unknownField.body.errors, [{ path: 'body.colour', message: 'unknown field' }]);
      const edited = await u.gest.client.patch(url(`/annonces/${forAll.body.id}`), {
        title: 'Lunch at 12:30',
      });
      assert.deepEqual(
        [edited.status, edited.body.title, edited.body.description],
        [200, 'Lunch at 12:30', 'Hall B'],
      );
      assert.equal(lastLive('events.annonce.updated')!.type, 'events.annonce.updated');
      assert.equal((await u.gest.client.delete(url(`/annonces/${forParticipants.body.id}`))).status, 204);
      assert.equal(lastLive('events.annonce.deleted')!.audience.userIds!.includes(u.part1.id), true);
      assert.equal(await count('event_annonces'), 2);
    });

    const questionId: Record<string, string> = {};

    test('questions: asked on sessions one may attend; the room’s gestionnaire answers; answered ones are public', async () => {
      const ask = (c: Client, sessionId: string, text: string) =>
        c.post(url('/questions'), { session_id: sessionId, question_text: text });
      const q1 = await ask(u.part1.client, session.conf, 'Will the slides be shared?');
      assert.equal(q1.status, 201);
      assert.deepEqual(
        [q1.body.is_answered, q1.body.answer_text, q1.body.participant_id],
        [false, null, badge.part1.id],
      );
      questionId.conf = q1.body.id;
      const heardAsked = lastLive('events.question.asked')!;
      assert.deepEqual(heardAsked.data, {
        event_id: eventId,
        session_id: session.conf,
        question_id: q1.body.id,
      });
      assert.deepEqual(
        sorted(heardAsked.audience.userIds),
        sorted([u.pres.id, u.gest.id]),
        'the event managers and room A’s gestionnaire now',
      );
      assert.deepEqual(heardAsked.audience.orgRoles, ['owner', 'admin']);
      const questionEvents = () => live.filter((e) => e.type.startsWith('events.question.')).length;
      const heardBefore = questionEvents();
      const unpaid = await ask(u.part2.client, session.paid, 'Can I join?');
      assert.equal(unpaid.status, 403);
      assert.match(unpaid.body.detail, /paid access/);
      assert.equal(
        (await ask(u.ctrl.client, session.conf, 'Me too')).status,
        403,
        'controllers hold no badge',
      );
      assert.equal((await ask(u.outsider.client, session.conf, 'Hello')).status, 404);
      assert.equal((await ask(u.part1.client, session.conf, '   ')).status, 400);
      assert.equal((await ask(u.part1.client, '01900000-0000-7000-8000-000000000000', 'Where?')).status, 404);
      assert.equal(await count('session_questions'), 1, 'refused questions stored nothing');
      assert.equal(questionEvents(), heardBefore, 'and published nothing');

      await u.pres.client.put(url(`/sessions/${session.paid}/access`), {
        participant_id: badge.part1.id,
        payment_status: 'paid',
      });
      const q2 = await ask(u.part1.client, session.paid, 'Do we need a laptop?');
      assert.equal(q2.status, 201, 'paid access opens the atelier');
      questionId.paid = q2.body.id;
      assert.deepEqual(lastLive('events.question.asked')!.data, {
        event_id: eventId,
        session_id: session.paid,
        question_id: q2.body.id,
      });
      assert.deepEqual(
        lastLive('events.question.asked')!.audience.userIds,
        [u.pres.id],
        'room B’s gestionnaire holds it only later: managers alone',
      );
      await ask(u.part2.client, session.conf, 'Is there a recording?');

      const texts = async (c: Client, query = '') =>
        (await c.get(url(`/questions?${query}`))).body.items.map((x) => x.question_text);
      assert.deepEqual(await texts(u.part1.client), ['Will the slides be shared?', 'Do we need a laptop?']);
      assert.deepEqual(
        await texts(u.part2.client),
        ['Is there a recording?'],
        'only their own until answered',
      );
      assert.deepEqual(
        await texts(u.gest.client),
        ['Will the slides be shared?', 'Is there a recording?'],
        'room A’s gestionnaire sees room A’s sessions only',
      );
      assert.deepEqual(await texts(u.gest2.client), [], 'gest2 holds no room right now');

      assert.equal(
        (await u.gest.client.put(url(`/questions/${questionId.paid}/answer`), { answer_text: 'Yes' })).status,
        404,
        'not their room',
      );
      assert.equal(
        (await u.gest2.client.put(url(`/questions/${questionId.conf}/answer`), { answer_text: 'Yes' }))
          .status,
        404,
      );
      assert.equal(
        (await u.part2.client.put(url(`/questions/${questionId.conf}/answer`), { answer_text: 'Yes' }))
          .status,
        404,
      );
      const answered = await u.gest.client.put(url(`/questions/${questionId.conf}/answer`), {
        answer_text: 'Yes, after the talk.',
      });
      assert.equal(answered.status, 200);
      assert.deepEqual(
        [answered.body.is_answered, answered.body.answer_text, answered.body.answered_by],
        [true, 'Yes, after the talk.', u.gest.id],
      );
      assert.ok(answered.body.answered_at);
      const heardAnswer = lastLive('events.question.answered')!;
      assert.deepEqual(heardAnswer.data, {
        event_id: eventId,
        session_id: session.conf,
        question_id: questionId.conf,
      });
      assert.deepEqual(
        sorted(heardAnswer.audience.userIds),
        sorted([u.pres.id, u.gest.id, u.part1.id]),
        'the asker, the managers and the room’s gestionnaire now',
      );
      assert.deepEqual(heardAnswer.audience.orgRoles, ['owner', 'admin']);
      assert.deepEqual(
        await texts(u.part2.client),
        ['Will the slides be shared?', 'Is there a recording?'],
        'answered questions are visible to every participant',
      );
      assert.deepEqual(await texts(u.part2.client, 'answered=true'), ['Will the slides be shared?']);
      assert.deepEqual(await texts(u.part1.client, `session_id=${session.paid}`), ['Do we need a laptop?']);
      assert.equal(
        (await u.pres.client.put(url(`/questions/${questionId.paid}/answer`), { answer_text: 'Bring one.' }))
          .body.answered_by,
        u.pres.id,
        'event managers answer anywhere',
      );
      assert.deepEqual(lastLive('events.question.answered')!.data, {
        event_id: eventId,
        session_id: session.paid,
        question_id: questionId.paid,
      });
      assert.deepEqual(
        sorted(lastLive('events.question.answered')!.audience.userIds),
        sorted([u.pres.id, u.part1.id]),
      );
    });

    test('exhibitor scans: a visit per visitor a day, concurrent scans count once, forgeries refused, stats, CSV', async () => {
      const scan = (c: Client, qr: string, notes?: string) =>
        c.post(url('/exposant-scans'), notes === undefined ? { qr } : { qr, notes });
      const first = await scan(u.expo.client, badge.part1.qr, 'Interested in the API');
      assert.equal(first.status, 201);
      assert.deepEqual(
        [
          first.body.status,
          first.body.visit.visitor.id,
          first.body.visit.notes,
          first.body.visit.exposant_id,
        ],
        ['recorded', badge.part1.id, 'Interested in the API', badge.expo.id],
      );
      const again = await scan(u.expo.client, badge.part1.qr, 'Came back for a demo');
      assert.deepEqual(
        [again.status, again.body.status, again.body.visit.id, again.body.visit.notes],
        [200, 'already_visited_today', first.body.visit.id, 'Interested in the API\nCame back for a demo'],
        'a second scan appends its notes, never replaces the first ones',
      );

      const rush = await Promise.all(Array.from({ length: 6 }, () => scan(u.expo.client, badge.part2.qr)));
      assert.equal(rush.filter((r) => r.status === 201).length, 1);
      assert.equal(
        rush.filter((r) => r.status === 200 && r.body.status === 'already_visited_today').length,
        5,
      );
      assert.equal(
        await count('exposant_scans', `scanned_participant_id = '${badge.part2.id}'`),
        1,
        'concurrent scans of one badge store one visit',
      );

      const before = await count('exposant_scans');
      const forged = await scan(u.expo.client, badge.part1.qr.slice(0, -2) + 'xx');
      assert.deepEqual([forged.status, forged.body.errors[0].message], [422, 'not an authentic badge']);
      assert.equal((await scan(u.expo.client, 'RB1.truncated')).status, 422);
      assert.equal((await scan(u.part1.client, badge.part2.qr)).status, 403, 'only exposants scan visitors');
      assert.equal((await scan(u.outsider.client, badge.part2.qr)).status, 404);
      const self = await scan(u.expo.client, badge.expo.qr);
      assert.deepEqual([self.status, self.body.errors[0].path], [400, 'body.qr']);
      const other = await u.pres.client.post('/api/events/events', {
        name: 'Other',
        start_date: at(-10),
        end_date: at(30),
      });
      const stranger = await u.pres.client.post(`/api/events/events/${other.body.id}/participants`, {
        full_name: 'Stranger',
      });
      assert.equal(
        (await scan(u.expo.client, stranger.body.qr_payload)).body.errors[0].message,
        'badge of another event',
      );
      assert.equal(await count('exposant_scans'), before, 'refused scans stored nothing');

      const tricky = await u.pres.client.post(url('/participants'), {
        full_name: 'Doe, "Jo"',
        email: 'jo@example.test',
      });
      await scan(u.expo.client, tricky.body.qr_payload, '=HYPERLINK("x")\nsecond line');
      assert.equal(
        (await scan(u.expo2.client, badge.part1.qr)).status,
        201,
        'each stand counts its own visitors',
      );
      // A visit yesterday (event time zone): counts in the total, not today, and not as a new visitor.
      await rows(sql`insert into exposant_scans
        (org_id, id, event_id, exposant_id, scanned_participant_id, visit_day, scanned_at)
      select org_id, gen_random_uuid(), event_id, id, ${badge.part1.id}::uuid,
             (now() at time zone 'Europe/Paris')::date - 1, now() - interval '1 day'
        from event_participants where id = ${badge.expo.id}`);

      const stats = await u.expo.client.get(url('/exposant-scans/stats'));
      assert.deepEqual(stats.body, {
        exposant_id: badge.expo.id,
        timezone: 'Europe/Paris',
        total_visits: 4,
        today_visits: 3,
        unique_visitors: 3,
        // Every scan is kept: part1 twice, part2's six concurrent scans, the tricky one.
        total_scans: 9,
        rated_leads: 0,
      });
      assert.equal(
        (await u.expo2.client.get(url(`/exposant-scans/stats?exposant_id=${badge.expo.id}`))).status,
        404,
        'another stand’s figures are hidden',
      );
      assert.deepEqual(
        (await u.pres.client.get(url(`/exposant-scans/stats?exposant_id=${badge.expo.id}`))).body,
        stats.body,
        'event managers see any stand',
      );
      assert.equal((await u.part1.client.get(url('/exposant-scans/stats'))).status, 403);

      const page1 = await u.expo.client.get(url('/exposant-scans?limit=3'));
      assert.equal(page1.body.items.length, 3);
      assert.deepEqual(
        page1.body.items.map((v) => v.visitor.full_name),
        ['Doe, "Jo"', 'part2', 'part1'],
        'newest first',
      );
      const page2 = await u.expo.client.get(url(`/exposant-scans?limit=3&cursor=${page1.body.next_cursor}`));
      assert.deepEqual(
        [page2.body.items.length, page2.body.next_cursor, page2.body.items[0].visitor.id],
        [1, null, badge.part1.id],
      );
      assert.deepEqual(
        (await u.expo2.client.get(url('/exposant-scans'))).body.items.map((v) => v.visitor.id),
        [badge.part1.id],
      );

      const csv = await u.expo.client.get(url('/exposant-scans/export.csv'));
      assert.match(String(csv.headers['content-type']), /^text\/csv/);
      assert.match(String(csv.headers['content-disposition']), /attachment; filename="visitors-BDG-/);
      const lines = textOf(csv).split('\r\n');
      assert.equal(
        lines[0],
        'scanned_at,visit_day,full_name,email,badge_id,role,notes,rating,tags,scans,device_scanned_at',
      );
      assert.equal(lines.filter(Boolean).length, 5, 'header plus four visits');
      assert.ok(
        textOf(csv).includes(
          `"Doe, ""Jo""",jo@example.test,${tricky.body.badge_id},participant,"'=HYPERLINK(""x"")\nsecond line"`,
        ),
      );
      assert.equal(csvField('plain'), 'plain');
      assert.equal(csvField('-1'), "'-1");
    });

    test('documents: programme, guide and stand plans are PDFs only, size-limited, nothing stored when refused', async () => {
      const uploads = path.join(env().config.dataDir, 'uploads');
      const stored = () =>
        fs.existsSync(uploads)
          ? fs.readdirSync(uploads, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).length
          : 0;
      const ok = await upload(
        u.pres.client,
        '/programme',
        multipart(PDF, 'programme.pdf', 'application/pdf'),
      );
      assert.equal(ok.statusCode, 200);
      assert.deepEqual(JSON.parse(ok.body), { programme_url: url('/programme') });
      assert.equal((await u.part1.client.get(url())).body.programme_url, url('/programme'));
      const got = await env().app.inject({
        url: url('/programme'),
        headers: { authorization: `Bearer ${u.part1.client.token}` },
      });
      assert.deepEqual([got.statusCode, got.headers['content-type']], [200, 'application/pdf']);
      assert.deepEqual(got.rawPayload, PDF);
      assert.equal(stored(), 1);

      const fake = await upload(
        u.pres.client,
        '/guide',
        multipart(Buffer.from('MZ\x90\x00 an executable'), 'guide.pdf', 'application/pdf'),
      );
      assert.equal(fake.statusCode, 400);
      assert.equal((JSON.parse(fake.body) as ProblemBody).errors[0].path, 'file');
      const huge = await upload(
        u.pres.client,
        '/guide',
        multipart(Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024)]), 'guide.pdf', 'application/pdf'),
      );
      assert.equal(huge.statusCode, 413);
      assert.equal(
        (await upload(u.part1.client, '/guide', multipart(PDF, 'guide.pdf', 'application/pdf'))).statusCode,
        403,
      );
      const notMultipart = await u.pres.client.put(url('/guide'), { file: 'x' });
      assert.equal(notMultipart.status, 400);
      assert.equal(stored(), 1, 'refused uploads left no file behind');
      assert.equal((await u.part1.client.get(url())).body.guide_url, null);
      assert.equal((await u.part1.client.get(url('/guide'))).status, 404);

      const replaced = await upload(
        u.pres.client,
        '/programme',
        multipart(Buffer.concat([PDF, Buffer.from('v2')]), 'programme.pdf', 'application/pdf'),
      );
      assert.equal(replaced.statusCode, 200);
      assert.equal(stored(), 1, 'the old programme was removed');

      const plan = await upload(
        u.expo.client,
        `/participants/${badge.expo.id}/plan`,
        multipart(PDF, 'plan.pdf', 'application/pdf'),
      );
      assert.equal(plan.statusCode, 200);
      assert.equal(
        (await u.expo.client.get(url(`/participants/${badge.expo.id}`))).body.plan_url,
        url(`/participants/${badge.expo.id}/plan`),
      );
      const seen = await env().app.inject({
        url: url(`/participants/${badge.expo.id}/plan`),
        headers: { authorization: `Bearer ${u.part2.client.token}` },
      });
      assert.deepEqual(
        [seen.statusCode, seen.headers['content-type']],
        [200, 'application/pdf'],
        'visitors read stand plans',
      );
      assert.equal(
        (
          await upload(
            u.expo2.client,
            `/participants/${badge.expo.id}/plan`,
            multipart(PDF, 'plan.pdf', 'application/pdf'),
          )
        ).statusCode,
        403,
      );
      assert.equal(
        (
          await upload(
            u.pres.client,
            `/participants/${badge.part1.id}/plan`,
            multipart(PDF, 'plan.pdf', 'application/pdf'),
          )
        ).statusCode,
        422,
        'participants have no stand',
      );
      assert.equal(stored(), 2);
    });

    test('printable badge: an HTML page with name, role, event and the QR inline; only for who may see the badge', async () => {
      const page = await u.part1.client.get(url(`/participants/${badge.part1.id}/badge`));
      assert.equal(page.status, 200);
      assert.match(String(page.headers['content-type']), /^text\/html/);
      const html = textOf(page);
      assert.match(html, /<div class="name">part1<\/div>/);
      assert.match(html, /<div class="role">Participant<\/div>/);
      assert.match(html, /Salon &lt;Tech&gt;/, 'event name escaped');
      assert.match(html, /<svg[^>]*>/);
      assert.match(html, /@media print/);
      assert.equal((await u.part2.client.get(url(`/participants/${badge.part1.id}/badge`))).status, 404);
      assert.match(textOf(await u.pres.client.get(url(`/participants/${badge.expo.id}/badge`))), /Exposant/);
    });

    test('door activity is pushed live to event managers and the room’s staff now; statistics for managers', async () => {
      live.length = 0;
      await u.ctrl.client.post(url('/check-in'), { qr: badge.part1.qr });
      const checkedIn = lastLive('events.participant.checked_in')!;
      assert.equal((checkedIn.data as CheckedIn).participant_id, badge.part1.id);
      assert.deepEqual(sorted(checkedIn.audience.userIds), sorted([u.pres.id, u.ctrl.id]));
      const door = await u.ctrl.client.post(url('/scans'), { qr: badge.part1.qr });
      assert.equal(door.body.status, 'granted');
      const scanned = lastLive('events.scan.recorded')!;
      assert.deepEqual(
        [(scanned.data as ScanRecorded).status, (scanned.data as ScanRecorded).room_id],
        ['granted', room.A],
      );
      assert.deepEqual(
        sorted(scanned.audience.userIds),
        sorted([u.pres.id, u.ctrl.id, u.gest.id]),
        'the room’s controller and manager now; not the participant, not staff of other rooms or times',
      );
      const occupancy = lastLive('events.room.occupancy')!;
      assert.deepEqual(
        [(occupancy.data as Occupancy).room_id, (occupancy.data as Occupancy).current_occupancy],
        [room.A, 1],
      );
      await u.ctrl.client.post(url('/scans'), { qr: badge.part2.qr });
      assert.equal((lastLive('events.scan.recorded')!.data as ScanRecorded).reason, 'not_checked_in');

      assert.equal((await u.ctrl.client.get(url('/stats'))).status, 403);
      assert.equal((await u.part1.client.get(url('/stats'))).status, 403);
      const stats = await u.pres.client.get(url('/stats'));
      assert.equal(stats.status, 200);
      assert.deepEqual(stats.body.participants_by_role, {
        gestionnaire_des_salles: 2,
        controlleur_des_badges: 1,
        participant: 3,
        exposant: 2,
      });
      assert.deepEqual(stats.body.badges, { total: 5, checked_in: 1 });
      assert.deepEqual(
        stats.body.rooms.map((r) => [r.name, r.current_occupancy, r.scans_granted, r.scans_denied]),
        [
          ['A', 1, 1, 1],
          ['B', 0, 0, 0],
        ],
      );
      assert.deepEqual(stats.body.sessions.map((s) => [s.title, s.questions, s.answered]).sort(), [
        ['Keynote', 2, 1],
        ['Paid atelier', 1, 1],
      ]);
      assert.deepEqual(
        stats.body.exhibitors.map((x) => [x.full_name, x.total_visits, x.today_visits, x.unique_visitors]),
        [
          ['expo', 4, 3, 3],
          ['expo2', 1, 1, 1],
        ],
      );
    });

    test('`roster events seed-demo` builds a full event with bulk inserts and prints a summary', async () => {
      const { eventsModule } = await import('./index.ts');
      const out: string[] = [];
      const original = console.log;
      console.log = (line: string) => out.push(line);
      try {
        await eventsModule.commands!['events seed-demo'].run(env().app, [
          '--org',
          orgSlug,
          '--participants',
          '40',
        ]);
      } finally {
        console.log = original;
      }
      const text = out.join('\n');
      assert.match(text, /rooms: 10, sessions: 60 \(\d+ paid ateliers\)/);
      assert.match(text, /participants: 40 .* exposants: 2/);
      const demoId = /\(([0-9a-f-]{36})\)/.exec(out[0])![1];
      assert.equal(await count('event_participants', `event_id = '${demoId}' and role = 'participant'`), 40);
      assert.equal(await count('event_rooms', `event_id = '${demoId}'`), 10);
      assert.equal(
        await count('room_assignments', `event_id = '${demoId}'`),
        40,
        'twenty staff, morning and evening',
      );
      const [ctrlName, password] = [/^\s+(\S+\.ctrl01)/m.exec(text)![1], /password (\S+)\)/.exec(text)![1]];
      const ctrl = await env().login(ctrlName, orgSlug, password);
      assert.equal(
        (await ctrl.get(`/api/events/events/${demoId}/my-room`)).body.room?.name,
        'Salle 1',
        'the morning slot is in force now',
      );
      const [guest] = (
        await ctrl.get(`/api/events/events/${demoId}/participants?checked_in=true&role=participant&limit=1`)
      ).body.items;
      assert.equal(
        (await ctrl.post(`/api/events/events/${demoId}/scans`, { qr: guest.qr_payload })).body.status,
        'granted',
        'seeded badges verify at the door',
      );
      await assert.rejects(
        eventsModule.commands!['events seed-demo'].run(env().app, [
          '--org',
          orgSlug,
          '--participants',
          'many',
        ]),
        /participants/,
      );
    });
  },
);
