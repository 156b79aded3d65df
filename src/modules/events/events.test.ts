import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { describeEachBackend, type Client } from '../../../test/support/env.ts';
import { assignmentInForce } from '../../core/access/assignment.ts';
import { queryRows } from '../../core/db/client.ts';
import type { LiveEvent } from '../../core/events/bus.ts';
import { verifyBadge } from './badges.ts';
import { roomAssignments } from './schema.ts';
import type { scanRecordedData } from './views.ts';

type ScanRecorded = ReturnType<typeof scanRecordedData>;

const HOUR = 3600_000;
const at = (h: number) => new Date(Date.now() + h * HOUR).toISOString();

/** The body of a text answer (CSV, HTML, SVG): the test client hands it over as a string. */
function textOf(res: { body: unknown }): string {
  assert.ok(typeof res.body === 'string', 'a text body');
  return res.body;
}

describeEachBackend('events: events, rooms, sessions, roles, room slots, badges, door scans', (env) => {
  const u: Record<string, { id: number; client: Client }> = {};
  let admin: Client;
  let eventId = '';
  const room: Record<string, string> = {};
  const badge: Record<string, { id: string; qr: string }> = {};
  const url = <P extends string = ''>(p?: P) =>
    `/api/events/events/${eventId}${p ?? ''}` as `/api/events/events/${string}${P}`;
  const count = async (table: string) =>
    Number(
      (
        await queryRows<{ n: number }>(env().database.db, sql.raw(`select count(*)::int as n from ${table}`))
      )[0].n,
    );

  test('an org member creates an event; bad dates are a 400 and store nothing; strangers get 404', async () => {
    const made = await env().makeOrg('fest');
    admin = made.admin;
    for (const name of ['pres', 'gest', 'ctrl', 'ctrl2', 'part1', 'part2', 'outsider'])
      u[name] = await env().makeUser(made.org, name);
    const bad = await u.pres.client.post('/api/events/events', {
      name: 'Bad',
      start_date: at(2),
      end_date: at(1),
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].path, 'body.end_date');
    const unknown = await u.pres.client.post('/api/events/events', {
      name: 'X',
      start_date: at(-10),
      end_date: at(30),
      colour: 'red',
    });
    assert.deepEqual(unknown.body.errors, [{ path: 'body.colour', message: 'unknown field' }]);
    assert.equal(await count('events'), 0);

    const res = await u.pres.client.post('/api/events/events', {
      name: 'Tech Days',
      location: 'Hall A',
      start_date: at(-10),
      end_date: at(30),
      status: 'published',
    });
    assert.equal(res.status, 201);
    assert.equal(res.body.created_by, u.pres.id);
    assert.equal(res.body.president_id, u.pres.id);
    eventId = res.body.id;
    assert.equal((await u.outsider.client.get(url())).status, 404);
    assert.deepEqual((await u.outsider.client.get('/api/events/events')).body, {
      items: [],
      next_cursor: null,
    });
    assert.equal(
      (await admin.get('/api/events/events')).body.items[0].name,
      'Tech Days',
      'org admins see every event',
    );
    assert.equal((await u.outsider.client.patch(url(), { name: 'Mine' })).status, 404);
  });

  test('a room slot is in force by the one rule on every boundary, in the door functions as in policies', async () => {
    // Both read now() of one statement; the VALUES list stands in for room_assignments rows.
    const rows = await queryRows<{ name: string; sql_rule: boolean; js_rule: boolean }>(
      env().database.db,
      sql`select name, app_in_force(is_active, starts_at, ends_at, now()) as sql_rule,
                 (${assignmentInForce(roomAssignments)}) as js_rule
            from (values ('starts now', true, now(), now() + interval '1 hour'),
                         ('ends now', true, now() - interval '1 hour', now()),
                         ('inside', true, now() - interval '1 hour', now() + interval '1 hour'),
                         ('not started', true, now() + interval '1 second', now() + interval '1 hour'),
                         ('ended', true, now() - interval '2 hours', now() - interval '1 second'),
                         ('inactive', false, now() - interval '1 hour', now() + interval '1 hour'),
                         ('open start', true, null::timestamptz, now() + interval '1 hour'),
                         ('open end', true, now() - interval '1 hour', null::timestamptz),
                         ('open both', true, null::timestamptz, null::timestamptz)
                 ) as room_assignments(name, is_active, starts_at, ends_at)`,
    );
    assert.deepEqual(
      rows.map((r) => [r.name, r.sql_rule]),
      [
        ['starts now', true],
        ['ends now', false],
        ['inside', true],
        ['not started', false],
        ['ended', false],
        ['inactive', false],
        ['open start', true],
        ['open end', true],
        ['open both', true],
      ],
    );
    for (const r of rows) assert.equal(r.sql_rule, r.js_rule, r.name);
  });

  test('rooms: the president adds them; a duplicate name is a 409', async () => {
    for (const [name, capacity] of [
      ['A', 2],
      ['B', 10],
      ['C', 50],
    ] as const) {
      const r = await u.pres.client.post(url('/rooms'), { name, capacity, location: 'Floor 1' });
      assert.equal(r.status, 201);
      assert.deepEqual([r.body.name, r.body.capacity, r.body.current_occupancy], [name, capacity, 0]);
      room[name] = r.body.id;
    }
    const dup = await u.pres.client.post(url('/rooms'), { name: 'A', capacity: 5 });
    assert.equal(dup.status, 409);
    assert.equal(await count('event_rooms'), 3);
  });

  test('sessions: overlaps in one room are 409, outside the event 422, a priced conference 400; old statuses map', async () => {
    const ok = await u.pres.client.post(url('/sessions'), {
      room_id: room.A,
      title: 'Keynote',
      speaker_name: 'Ada',
      start_time: at(-1),
      end_time: at(1),
    });
    assert.equal(ok.status, 201);
    assert.deepEqual(
      [ok.body.session_type, ok.body.status, ok.body.status_is_manual, ok.body.price],
      ['conference', 'en_cours', false, '0.00'],
    );
    const overlap = await u.pres.client.post(url('/sessions'), {
      room_id: room.A,
      title: 'Clash',
      start_time: at(0.5),
      end_time: at(2),
    });
    assert.equal(overlap.status, 409);
    assert.match(overlap.body.detail, /taken by "Keynote"/);
    const outside = await u.pres.client.post(url('/sessions'), {
      room_id: room.B,
      title: 'Late',
      start_time: at(29),
      end_time: at(31),
    });
    assert.equal(outside.status, 422);
    const priced = await u.pres.client.post(url('/sessions'), {
      room_id: room.B,
      title: 'Talk',
      start_time: at(2),
      end_time: at(3),
      session_type: 'conference',
      price: 10,
    });
    assert.equal(priced.status, 400);
    assert.equal(priced.body.errors[0].path, 'body.price');
    const cancelled = await u.pres.client.post(url('/sessions'), {
      room_id: room.B,
      title: 'Old',
      start_time: at(2),
      end_time: at(3),
      status: 'cancelled',
    });
    assert.equal(cancelled.status, 400);
    assert.equal(await count('event_sessions'), 1, 'refused sessions stored nothing');

    const b = await u.pres.client.post(url('/sessions'), {
      room_id: room.B,
      title: 'Later talk',
      start_time: at(2),
      end_time: at(3),
      status: 'live',
    });
    assert.deepEqual([b.body.status, b.body.status_is_manual], ['en_cours', true]);
    const back = await u.pres.client.patch(url(`/sessions/${b.body.id}`), { status: null });
    assert.deepEqual([back.body.status, back.body.status_is_manual], ['pas_encore', false]);
    const paid = await u.pres.client.post(url('/sessions'), {
      room_id: room.C,
      title: 'Paid atelier',
      start_time: at(-1),
      end_time: at(1),
      session_type: 'atelier',
      is_paid: true,
      price: '25.00',
    });
    assert.equal(paid.status, 201);
    assert.equal(paid.body.price, '25.00');
  });

  test('roles: "organisateur" maps to gestionnaire_des_salles; one role per user per event', async () => {
    const g = await u.pres.client.post(url('/assignments'), { user_id: u.gest.id, role: 'organisateur' });
    assert.equal(g.status, 201);
    assert.equal(g.body.role, 'gestionnaire_des_salles');
    for (const [name, role] of [
      ['ctrl', 'controlleur_des_badges'],
      ['ctrl2', 'controlleur_des_badges'],
      ['part1', 'participant'],
      ['part2', 'participant'],
    ] as const) {
      assert.equal(
        (await u.pres.client.post(url('/assignments'), { user_id: u[name].id, role })).status,
        201,
      );
    }
    const again = await u.pres.client.post(url('/assignments'), { user_id: u.gest.id, role: 'participant' });
    assert.equal(again.status, 409);
    const notAllowed = await u.gest.client.post(url('/assignments'), {
      user_id: u.outsider.id,
      role: 'participant',
    });
    assert.equal(notAllowed.status, 403);
    const mine = await u.part1.client.get(url('/assignments'));
    assert.deepEqual(
      mine.body.items.map((a) => a.user_id),
      [u.part1.id],
      'a participant sees only their own role',
    );
  });

  test('room slots: one room at a time (409); my-room tracks the clock; gestionnaires see and edit only that room', async () => {
    const slot = await u.pres.client.post(url('/room-assignments'), {
      user_id: u.gest.id,
      room_id: room.A,
      role: 'gestionnaire_des_salles',
      start_time: at(-2),
      end_time: at(2),
    });
    assert.equal(slot.status, 201);
    const clash = await u.pres.client.post(url('/room-assignments'), {
      user_id: u.gest.id,
      room_id: room.B,
      role: 'gestionnaire_des_salles',
      start_time: at(1),
      end_time: at(4),
    });
    assert.equal(clash.status, 409);
    const wrongRole = await u.pres.client.post(url('/room-assignments'), {
      user_id: u.part1.id,
      room_id: room.B,
      role: 'controlleur_des_badges',
      start_time: at(1),
      end_time: at(4),
    });
    assert.equal(wrongRole.status, 422);
    const later = await u.pres.client.post(url('/room-assignments'), {
      user_id: u.gest.id,
      room_id: room.B,
      role: 'gestionnaire_des_salles',
      start_time: at(2),
      end_time: at(6),
    });
    assert.equal(later.status, 201, 'back-to-back slots do not overlap');

    const here = await u.gest.client.get(url('/my-room'));
    assert.equal(here.body.room?.name, 'A');
    const visible = await u.gest.client.get(url('/sessions'));
    assert.deepEqual(
      visible.body.items.map((s) => s.title),
      ['Keynote'],
    );
    const other = (await u.pres.client.get(url(`/sessions?room_id=${room.B}`))).body.items[0];
    assert.equal((await u.gest.client.patch(url(`/sessions/${other.id}`), { title: 'Hijack' })).status, 404);
    const keynote = visible.body.items[0];
    const edited = await u.gest.client.patch(url(`/sessions/${keynote.id}`), { status: 'termine' });
    assert.equal(edited.status, 200);
    assert.equal(edited.body.status, 'termine');
    assert.equal(
      (await u.gest.client.delete(url(`/sessions/${keynote.id}`))).status,
      403,
      'deleting is for event managers',
    );
    await u.pres.client.patch(url(`/sessions/${keynote.id}`), { status: null });
    assert.equal(
      (await u.part1.client.get(url('/sessions'))).body.items.length,
      3,
      'participants read the whole programme',
    );
  });

  test('badges: signed QR payloads verify without the database; concurrent check-ins record exactly one', async () => {
    const list = await u.pres.client.get(url('/participants'));
    assert.equal(list.body.items.length, 2);
    for (const p of list.body.items)
      badge[p.user_id === u.part1.id ? 'part1' : 'part2'] = { id: p.id, qr: p.qr_payload };
    assert.deepEqual(verifyBadge(env().config.secret, badge.part1.qr)?.participantId, badge.part1.id);
    assert.equal(verifyBadge('another-secret', badge.part1.qr), null);
    assert.deepEqual(
      (await u.part2.client.get(url('/participants'))).body.items.map((p) => p.id),
      [badge.part2.id],
    );
    const svg = await u.part1.client.get(url(`/participants/${badge.part1.id}/qr.svg`));
    assert.match(String(svg.headers['content-type']), /image\/svg\+xml/);
    assert.match(textOf(svg), /<svg/);
    const png = await env().app.inject({
      url: url(`/participants/${badge.part1.id}/qr.png`),
      headers: { authorization: `Bearer ${u.part1.client.token}` },
    });
    assert.equal(png.headers['content-type'], 'image/png');
    assert.equal(png.rawPayload.subarray(1, 4).toString(), 'PNG');

    const forged = badge.part1.qr.slice(0, -3) + 'AAA';
    const refused = await u.ctrl.client.post(url('/check-in'), { qr: forged });
    assert.equal(refused.status, 422);
    assert.equal(refused.body.errors[0].message, 'not an authentic badge');
    assert.equal(
      (await u.part1.client.post(url('/check-in'), { qr: badge.part1.qr })).status,
      403,
      'a participant cannot check in',
    );

    const results = await Promise.all(
      Array.from({ length: 6 }, () => u.ctrl.client.post(url('/check-in'), { qr: badge.part1.qr })),
    );
    assert.deepEqual(
      results.map((r) => r.status),
      Array(6).fill(200),
    );
    assert.equal(results.filter((r) => r.body.status === 'checked_in').length, 1);
    assert.equal(
      new Set(results.map((r) => r.body.checked_in_at)).size,
      1,
      'the others answer "already checked in at T"',
    );
    const checkIns = await queryRows<{ n: number }>(
      env().database.db,
      sql`select count(*)::int as n from audit_log where action = 'check_in'`,
    );
    assert.equal(Number(checkIns[0].n), 1);
  });

  test('door scans: every refusal reason, occupancy moves atomically and never passes capacity', async () => {
    const scan = (c: Client, qr: string) => c.post(url('/scans'), { qr });
    const noRoom = await scan(u.ctrl.client, badge.part1.qr);
    assert.deepEqual(
      [noRoom.status, noRoom.body.status, noRoom.body.reason],
      [200, 'denied', 'controller_not_assigned'],
    );
    assert.equal((await scan(u.part1.client, badge.part1.qr)).status, 403, 'only controllers scan');
    assert.equal((await scan(u.outsider.client, badge.part1.qr)).status, 404);

    await u.pres.client.post(url('/room-assignments'), {
      user_id: u.ctrl.id,
      room_id: room.A,
      role: 'controlleur_des_badges',
      start_time: at(-1),
      end_time: at(3),
    });
    await u.pres.client.post(url('/room-assignments'), {
      user_id: u.ctrl2.id,
      room_id: room.C,
      role: 'controlleur_des_badges',
      start_time: at(-1),
      end_time: at(3),
    });
    assert.equal((await scan(u.ctrl.client, 'RB1.garbage')).body.reason, 'invalid_badge');
    assert.equal((await scan(u.ctrl.client, badge.part1.qr.slice(0, -1))).body.reason, 'invalid_badge');
    assert.equal((await scan(u.ctrl.client, badge.part2.qr)).body.reason, 'not_checked_in');

    const other = await u.pres.client.post('/api/events/events', {
      name: 'Other',
      start_date: at(-10),
      end_date: at(30),
    });
    const stranger = await u.pres.client.post(`/api/events/events/${other.body.id}/participants`, {
      full_name: 'Stranger',
    });
    assert.equal((await scan(u.ctrl.client, stranger.body.qr_payload)).body.reason, 'other_event');

    const first = await scan(u.ctrl.client, badge.part1.qr);
    assert.deepEqual(
      [first.body.status, first.body.reason, first.body.room?.current_occupancy, first.body.session?.title],
      ['granted', null, 1, 'Keynote'],
    );
    const again = await scan(u.ctrl.client, badge.part1.qr);
    assert.deepEqual(
      [again.body.status, again.body.reason, again.body.room?.current_occupancy],
      ['granted', 'already_in_room', 1],
    );

    const crowd: string[] = [];
    for (let i = 0; i < 5; i++) {
      const p = await u.pres.client.post(url('/participants'), { full_name: `Guest ${i}` });
      await u.ctrl.client.post(url('/check-in'), { qr: p.body.qr_payload });
      crowd.push(p.body.qr_payload);
    }
    const rush = await Promise.all(crowd.map((qr) => scan(u.ctrl.client, qr)));
    assert.equal(rush.filter((r) => r.body.status === 'granted').length, 1, 'room A holds 2');
    assert.equal(rush.filter((r) => r.body.reason === 'room_full').length, 4);
    assert.equal((await u.pres.client.get(url(`/rooms/${room.A}`))).body.current_occupancy, 2);

    const unpaid = await scan(u.ctrl2.client, badge.part1.qr);
    assert.deepEqual(
      [unpaid.body.status, unpaid.body.reason, unpaid.body.session?.title],
      ['denied', 'payment_required', 'Paid atelier'],
    );
    const paidSession = unpaid.body.session!.id;
    assert.equal(
      (
        await u.gest.client.put(url(`/sessions/${paidSession}/access`), {
          participant_id: badge.part1.id,
          payment_status: 'paid',
        })
      ).status,
      403,
      'payments are marked by event managers',
    );
    const mark = await u.pres.client.put(url(`/sessions/${paidSession}/access`), {
      participant_id: badge.part1.id,
      payment_status: 'paid',
    });
    assert.deepEqual([mark.status, mark.body.payment_status, mark.body.amount_paid], [200, 'paid', '25.00']);
    const remark = await u.pres.client.put(url(`/sessions/${paidSession}/access`), {
      participant_id: badge.part1.id,
      payment_status: 'paid',
      amount_paid: 20,
    });
    assert.equal(remark.body.id, mark.body.id, 'one row per participant and session');
    const paid = await scan(u.ctrl2.client, badge.part1.qr);
    assert.deepEqual([paid.body.status, paid.body.room?.current_occupancy], ['granted', 1]);
    assert.equal(
      (await u.pres.client.get(url(`/rooms/${room.A}`))).body.current_occupancy,
      1,
      'leaving A for C frees a seat in A',
    );
  });

  test('controller statistics: totals and the paginated list cover only the room held now', async () => {
    const stats = await u.ctrl.client.get(url('/stats/scans'));
    assert.equal(stats.status, 200);
    assert.equal(stats.body.room?.name, 'A');
    // In room A: 2 forged + not checked in + other event + 2 granted + 5 rush (1 granted, 4 full).
    assert.deepEqual([stats.body.total_scans, stats.body.granted, stats.body.denied], [11, 3, 8]);
    const denied = await u.ctrl.client.get(url('/scans?status=denied&limit=5'));
    assert.equal(denied.body.items.length, 5);
    assert.ok(denied.body.items.every((s) => s.status === 'denied' && s.room_id === room.A));
    const rest = await u.ctrl.client.get(
      url(`/scans?status=denied&limit=5&cursor=${denied.body.next_cursor}`),
    );
    assert.equal(rest.body.items.length, 3);
    assert.equal(rest.body.next_cursor, null);
    const c2 = await u.ctrl2.client.get(url('/scans'));
    assert.ok(c2.body.items.every((s) => s.room_id === room.C));
    const all = await u.pres.client.get(url('/stats/scans'));
    assert.equal(all.body.total_scans, await count('room_accesses'));
  });

  test('one badge at two doors at once: decided in turn, every scan recorded and heard by the right people', async () => {
    const guest = await u.pres.client.post(url('/participants'), { full_name: 'Runner' });
    await u.ctrl.client.post(url('/check-in'), { qr: guest.body.qr_payload });
    const paidSession = (await u.pres.client.get(url(`/sessions?room_id=${room.C}`))).body.items.find(
      (s) => s.is_paid,
    )!.id;
    await u.pres.client.put(url(`/sessions/${paidSession}/access`), {
      participant_id: guest.body.id,
      payment_status: 'paid',
    });
    const occupancy = async () => {
      const [a, c] = await Promise.all([room.A, room.C].map((id) => u.pres.client.get(url(`/rooms/${id}`))));
      return a.body.current_occupancy + c.body.current_occupancy;
    };
    const before = { seats: await occupancy(), scans: await count('room_accesses') };
    const heard: LiveEvent[] = [];
    const stop = env().bus.subscribe((e) => heard.push(e));
    const rounds = 4;
    const answers = [];
    for (let i = 0; i < rounds; i++) {
      answers.push(
        ...(await Promise.all(
          [u.ctrl.client, u.ctrl2.client].map((c) => c.post(url('/scans'), { qr: guest.body.qr_payload })),
        )),
      );
    }
    stop();
    assert.ok(
      answers.every((a) => a.status === 200 && a.body.status === 'granted'),
      JSON.stringify(answers.map((a) => a.body.reason)),
    );
    assert.equal(await count('room_accesses'), before.scans + rounds * 2, 'every scan is recorded');
    assert.equal(await occupancy(), before.seats + 1, 'the badge is counted in exactly one room');
    const where = (await u.pres.client.get(url(`/participants/${guest.body.id}`))).body.current_room_id;
    assert.ok(where !== null && [room.A, room.C].includes(where));

    const atC = answers.find((a) => a.body.room?.id === room.C)!.body;
    assert.deepEqual(
      [
        atC.session?.id,
        atC.session?.price,
        atC.session?.is_paid,
        atC.participant?.id,
        atC.scan.participant_id,
        atC.scan.verified_by,
      ],
      [paidSession, '25.00', true, guest.body.id, guest.body.id, u.ctrl2.id],
    );
    assert.match(atC.scan.scanned_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const recorded = heard.filter((e) => e.type === 'events.scan.recorded');
    assert.equal(recorded.length, rounds * 2);
    assert.deepEqual(
      new Set(recorded.map((e) => (e.data as ScanRecorded).id)),
      new Set(answers.map((a) => a.body.scan.id)),
    );
    // The last move took the badge from one door's room to the other's: both controllers hear it.
    const moved = heard.filter((e) => e.type === 'events.room.occupancy').at(-1)!;
    assert.ok(moved, 'a granted entry announces the occupancy');
    assert.ok(
      moved.audience.userIds?.includes(u.pres.id) &&
        moved.audience.userIds.includes(u.ctrl.id) &&
        moved.audience.userIds.includes(u.ctrl2.id),
      JSON.stringify(moved.audience),
    );
    assert.ok(
      moved.audience.userIds?.includes(u.gest.id),
      'the gestionnaire holding room A now hears its door',
    );
    assert.ok(!moved.audience.userIds?.includes(u.part1.id), 'not the participant whose badge moved');
    assert.deepEqual(moved.audience.orgRoles, ['owner', 'admin']);
  });

  test('a scan locks the two rooms it moves a badge between in id order, so opposite moves can never deadlock', async (t) => {
    if (env().backend !== 'postgres')
      return t.skip('row locks held across connections need a Postgres server');
    const [low, high] = [room.A, room.C].sort();
    const doorOf = { [room.A]: u.ctrl.client, [room.C]: u.ctrl2.client };
    // Room A was left full by the capacity test.
    for (const id of [low, high])
      assert.equal((await u.pres.client.patch(url(`/rooms/${id}`), { capacity: 50 })).status, 200);
    const walker = await u.pres.client.post(url('/participants'), { full_name: 'Walker' });
    await u.pres.client.post(url('/check-in'), { qr: walker.body.qr_payload });
    const paidSession = (await u.pres.client.get(url(`/sessions?room_id=${room.C}`))).body.items.find(
      (s) => s.is_paid,
    )!.id;
    await u.pres.client.put(url(`/sessions/${paidSession}/access`), {
      participant_id: walker.body.id,
      payment_status: 'paid',
    });
    assert.equal(
      (await doorOf[low].post(url('/scans'), { qr: walker.body.qr_payload })).body.status,
      'granted',
    );

    // Another transaction holds the lower room while the walker moves: from it into the higher
    // one, then back. Either way the scan waits for the lower room before touching the higher one.
    const pg = (await import('pg')).default;
    const holder = new pg.Client({ connectionString: env().url });
    const prober = new pg.Client({ connectionString: env().url });
    await Promise.all([holder.connect(), prober.connect()]);
    try {
      for (const into of [high, low]) {
        await holder.query('begin');
        await holder.query('select 1 from event_rooms where id = $1 for update', [low]);
        const entering = doorOf[into].post(url('/scans'), { qr: walker.body.qr_payload });
        const waitingBy = Date.now() + 10_000;
        while (
          !(
            await holder.query(
              `select 1 from pg_stat_activity where datname = current_database()
                  and wait_event_type = 'Lock' and pid <> pg_backend_pid()`,
            )
          ).rowCount
        ) {
          assert.ok(Date.now() < waitingBy, 'the scan reached the held room');
          await new Promise((r) => setTimeout(r, 20));
        }
        // The higher room is still free.
        await prober.query('begin');
        await prober.query('select 1 from event_rooms where id = $1 for update nowait', [high]);
        await prober.query('rollback');
        await holder.query('rollback');
        const entered = await entering;
        assert.deepEqual(
          [entered.status, entered.body.status, entered.body.reason, entered.body.room?.id],
          [200, 'granted', null, into],
          `entering ${into === high ? 'the higher' : 'the lower'} room`,
        );
      }
    } finally {
      await Promise.all([holder.end(), prober.end()]);
    }
  });

  test('the demo seed works whenever it runs: staff hold a room now and the participant gets in', async () => {
    const { org } = await env().makeOrg('demo-ev');
    const users: Record<string, number> = {};
    for (const name of ['gestionnaire', 'controleur', 'participant', 'exposant'])
      users[name] = (await env().makeUser(org, `demo-ev.${name}`)).id;
    const { eventsModule } = await import('./index.ts');
    await env().inOrg(org, (t) => eventsModule.seedDemo!(t, users));
    const ctrl = await env().login('demo-ev.controleur');
    const [event] = (await ctrl.get('/api/events/events')).body.items;
    const mine = await ctrl.get(`/api/events/events/${event.id}/my-room`);
    assert.equal(mine.body.room?.name, 'Salle 2');
    const gest = await env().login('demo-ev.gestionnaire');
    assert.equal((await gest.get(`/api/events/events/${event.id}/my-room`)).body.room?.name, 'Salle 1');
    const part = await env().login('demo-ev.participant');
    const [own] = (await part.get(`/api/events/events/${event.id}/participants`)).body.items;
    assert.equal(own.is_checked_in, true);
    const scan = await ctrl.post(`/api/events/events/${event.id}/scans`, { qr: own.qr_payload });
    assert.deepEqual(
      [scan.body.status, scan.body.reason, scan.body.session?.title],
      ['granted', null, 'Hands-on: building APIs (paid)'],
      'the demo participant gets in on the first scan',
    );
    const unpaid = (await ctrl.get(`/api/events/events/${event.id}/participants?q=Unpaid`)).body.items[0];
    const refused = await ctrl.post(`/api/events/events/${event.id}/scans`, { qr: unpaid.qr_payload });
    assert.deepEqual([refused.body.status, refused.body.reason], ['denied', 'payment_required']);
    const expo = await env().login('demo-ev.exposant');
    const leads = await expo.get(`/api/events/events/${event.id}/exposant-scans?min_rating=3`);
    assert.ok(leads.body.items.length >= 2, 'rated leads at the stand');
    assert.ok(leads.body.items.every((l) => (l.rating ?? 0) >= 3 && l.scans?.length === 1));
    assert.ok(leads.body.items.some((l) => l.tags.includes('api')));
  });
});
