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
});
