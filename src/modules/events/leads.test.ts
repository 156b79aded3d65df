import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { describeEachBackend, type Client } from '../../../test/support/env.ts';
import { queryRows } from '../../core/db/client.ts';

const HOUR = 3600_000;
const at = (h: number) => new Date(Date.now() + h * HOUR).toISOString();

describeEachBackend('events: lead capture at the stands', (env) => {
  const u: Record<string, { id: number; client: Client }> = {};
  let eventId = '';
  const people: Array<{ id: string; qr: string; badgeId: string }> = [];
  const url = <P extends string = ''>(p?: P) =>
    `/api/events/events/${eventId}${p ?? ''}` as `/api/events/events/${string}${P}`;
  const count = async (table: string) =>
    (
      await queryRows<{ n: number }>(
        env().database.db,
        sql`select count(*)::int as n from ${sql.identifier(table)} where event_id = ${eventId}`,
      )
    )[0].n;

  test('set-up: an event with an exposant and visitors', async () => {
    const made = await env().makeOrg('leads');
    for (const name of ['ld.pres', 'ld.expo', 'ld.expo2'])
      u[name.slice(3)] = await env().makeUser(made.org, name);
    eventId = (
      await u.pres.client.post('/api/events/events', { name: 'Expo', start_date: at(-10), end_date: at(30) })
    ).body.id;
    for (const who of ['expo', 'expo2'])
      await u.pres.client.post(url('/assignments'), { user_id: u[who].id, role: 'exposant' });
    for (let i = 0; i < 3; i++) {
      const p = await u.pres.client.post(url('/participants'), { full_name: `Visitor ${i}` });
      people.push({ id: p.body.id, qr: p.body.qr_payload, badgeId: p.body.badge_id });
    }
  });

  test('every scan is kept: notes appended, rating and tags, the printed badge id typed by hand', async () => {
    const [v0] = people;
    const first = await u.expo.client.post(url('/exposant-scans'), {
      badge_id: v0.badgeId.toLowerCase(),
      notes: 'Wants pricing',
      rating: 3,
      tags: ['api'],
    });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.deepEqual(
      [first.status, first.body.status, first.body.visit.rating, first.body.visit.tags],
      [201, 'recorded', 3, ['api']],
    );
    const second = await u.expo.client.post(url('/exposant-scans'), {
      qr: v0.qr,
      notes: 'Came back with the CTO',
      rating: 5,
      tags: ['hot', 'api'],
    });
    assert.equal(second.status, 200, JSON.stringify(second.body));
    assert.deepEqual(
      [second.status, second.body.visit.id, second.body.visit.notes, second.body.visit.rating],
      [200, first.body.visit.id, 'Wants pricing\nCame back with the CTO', 5],
    );
    assert.deepEqual(second.body.visit.tags, ['api', 'hot']);
    const before = await count('exposant_scan_events');
    const unknown = await u.expo.client.post(url('/exposant-scans'), { badge_id: 'BDG-NOPE0-NOPE0' });
    assert.deepEqual([unknown.status, unknown.body.errors[0].path], [422, 'body.badge_id']);
    const both = await u.expo.client.post(url('/exposant-scans'), { qr: v0.qr, badge_id: v0.badgeId });
    assert.deepEqual([both.status, both.body.errors[0].path], [400, 'body.qr']);
    const badRating = await u.expo.client.post(url('/exposant-scans'), { qr: v0.qr, rating: 9 });
    assert.deepEqual([badRating.status, badRating.body.errors[0].path], [400, 'body.rating']);
    assert.equal(await count('exposant_scan_events'), before, 'refused scans store nothing');

    const list = await u.expo.client.get(url('/exposant-scans'));
    assert.deepEqual(
      list.body.items[0].scans?.map((s) => s.notes),
      ['Wants pricing', 'Came back with the CTO'],
    );
    const patched = await u.expo.client.patch(url(`/exposant-scans/${first.body.visit.id}`), {
      rating: null,
      tags: ['partner'],
      note: 'Send the contract',
    });
    assert.deepEqual(
      [patched.body.rating, patched.body.tags, patched.body.notes.split('\n').length],
      [null, ['partner'], 3],
    );
    assert.equal(
      (await u.expo2.client.patch(url(`/exposant-scans/${first.body.visit.id}`), { rating: 1 })).status,
      404,
      'another stand’s lead',
    );
  });

  test('upload: each scan once however often it is sent, device time kept, a refused one does not stop the rest', async () => {
    const [, v1, v2] = people;
    const yesterday = new Date(Date.now() - 24 * HOUR).toISOString();
    const scans = [
      { qr: v1.qr, nonce: randomUUID(), scanned_at: yesterday, notes: 'Offline at the stand', rating: 4 },
      { badge_id: v2.badgeId, nonce: randomUUID(), tags: ['newsletter'] },
      { qr: 'RB1.forged', nonce: randomUUID() },
    ];
    const sent = await u.expo.client.post(url('/exposant-scans/upload'), { scans });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    assert.deepEqual(
      sent.body.results.map((r) => r.status),
      ['recorded', 'recorded', 'refused'],
    );
    assert.equal(sent.body.results[2].error?.path, 'body.scans.2.qr');
    const events = await count('exposant_scan_events');
    const again = await u.expo.client.post(url('/exposant-scans/upload'), { scans });
    assert.deepEqual(
      again.body.results.map((r) => r.status),
      ['already_recorded', 'already_recorded', 'refused'],
    );
    assert.equal(await count('exposant_scan_events'), events, 'a retried upload records nothing');
    const noNonce = await u.expo.client.post(url('/exposant-scans/upload'), { scans: [{ qr: v1.qr }] });
    assert.deepEqual([noNonce.status, noNonce.body.errors[0].path], [400, 'body.scans.0.nonce']);

    const hot = await u.expo.client.get(url('/exposant-scans?min_rating=4'));
    assert.deepEqual(
      hot.body.items.map((l) => l.visitor.id),
      [v1.id],
    );
    assert.equal(hot.body.items[0].scans?.[0].device_scanned_at, yesterday);
    assert.notEqual(
      hot.body.items[0].visit_day,
      (await u.expo.client.get(url('/exposant-scans?tag=newsletter'))).body.items[0].visit_day,
    );
    const tagged = await u.expo.client.get(url('/exposant-scans?tag=newsletter'));
    assert.deepEqual(
      tagged.body.items.map((l) => l.visitor.id),
      [v2.id],
    );
    const stats = await u.expo.client.get(url('/exposant-scans/stats'));
    assert.deepEqual(
      [stats.body.total_visits, stats.body.today_visits, stats.body.unique_visitors, stats.body.total_scans],
      [3, 2, 3, 4],
    );
    const json = await u.expo.client.get(url('/exposant-scans/export.json'));
    assert.equal(json.body.leads.length, 3);
    assert.ok(json.body.leads.every((l) => Array.isArray(l.scans) && l.scans.length > 0));
  });

  test('a stand with 250 leads: pages of 200 with filters reach every lead once, the exports give all', async () => {
    const made = await env().makeOrg('leads-many');
    const pres = await env().makeUser(made.org, 'lm.pres');
    const expo = await env().makeUser(made.org, 'lm.expo');
    const event = (
      await pres.client.post('/api/events/events', {
        name: 'Big expo',
        start_date: at(-10),
        end_date: at(30),
      })
    ).body.id;
    const on = <P extends string>(p: P): `/api/events/events/${string}${P}` =>
      `/api/events/events/${event}${p}`;
    await pres.client.post(on('/assignments'), { user_id: expo.id, role: 'exposant' });
    // 250 visitors and their leads, one a minute: rating i % 6, tag "hot" on every fifth, two days.
    await queryRows(
      env().database.db,
      sql`with stand as (select org_id, id from event_participants where event_id = ${event}::uuid),
          visitor as (
            insert into event_participants (org_id, id, event_id, full_name, badge_id)
            select stand.org_id, gen_random_uuid(), ${event}::uuid, 'Visitor ' || i, 'BDG-MANY-' || lpad(i::text, 4, '0')
              from stand, generate_series(1, 250) i
            returning id, full_name)
          insert into exposant_scans
            (org_id, id, event_id, exposant_id, scanned_participant_id, visit_day, scanned_at, rating, tags)
          select stand.org_id, gen_random_uuid(), ${event}::uuid, stand.id, v.id,
                 date '2026-01-01' + (n % 2), now() - n * interval '1 minute', n % 6,
                 case when n % 5 = 0 then array['hot'] else '{}'::text[] end
            from stand, (select id, substr(full_name, 9)::int as n from visitor) v`,
    );
    const all = async (query: string) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: { status: number; body: { items: Array<{ id: string }>; next_cursor: string | null } } =
          await expo.client.get(on(`/exposant-scans?limit=200${query}${cursor ? `&cursor=${cursor}` : ''}`));
        assert.equal(page.status, 200, JSON.stringify(page.body));
        ids.push(...page.body.items.map((l) => l.id));
        cursor = page.body.next_cursor;
        pages++;
      } while (cursor);
      return { ids, pages };
    };
    const everything = await all('');
    assert.deepEqual([everything.ids.length, new Set(everything.ids).size, everything.pages], [250, 250, 2]);
    assert.equal((await all('&min_rating=5')).ids.length, 41, 'ratings 5: n = 5, 11, … 245');
    assert.equal((await all('&tag=hot&day=2026-01-01')).ids.length, 25, 'every tenth: hot and an even n');
    assert.equal((await all('&q=Visitor%2012')).ids.length, 11, 'Visitor 12 and 120…129');

    const csv = await expo.client.get(on('/exposant-scans/export.csv'));
    const text: unknown = csv.body;
    assert.ok(typeof text === 'string', 'a text body');
    assert.equal(text.split('\r\n').filter(Boolean).length, 251, 'header and every lead');
    const json = await expo.client.get(on('/exposant-scans/export.json?min_rating=5'));
    assert.equal(json.body.leads.length, 41);
    const forged = await expo.client.get(on('/exposant-scans?cursor=bm90LWEtY3Vyc29y'));
    assert.deepEqual([forged.status, forged.body.errors[0].path], [400, 'query.cursor']);
    const tooMany = await expo.client.get(on('/exposant-scans?limit=201'));
    assert.deepEqual([tooMany.status, tooMany.body.errors[0].path], [400, 'query.limit']);
  });
});
