import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { describeEachBackend, type Client } from '../../../test/support/env.ts';
import { queryRows } from '../../core/db/client.ts';
import { doorFixture } from './door-fixture.ts';

describeEachBackend('events: entries and exits, retries, supervisor overrides, emptying a room', (env) => {
  const u: Record<string, { id: number; client: Client }> = {};
  let eventId = '';
  const room: Record<string, string> = {};
  const badges: Array<{ id: string; qr: string }> = [];
  const url = <P extends string = ''>(p?: P) =>
    `/api/events/events/${eventId}${p ?? ''}` as `/api/events/events/${string}${P}`;
  const rows = <T>(q: ReturnType<typeof sql>) => queryRows<T>(env().database.db, q);
  const scan = (c: Client, body: Record<string, unknown>) => c.post(url('/scans'), body);

  /** Every room: its count, its capacity, and the badges recorded inside it. */
  async function counts() {
    return rows<{ id: string; occupancy: number; capacity: number; inside: number }>(
      sql`select r.id, r.current_occupancy as occupancy, r.capacity,
                 (select count(*)::int from event_participants p where p.current_room_id = r.id) as inside
            from event_rooms r where r.event_id = ${eventId}`,
    );
  }

  /**
   * Where the scan records put each badge: the room of its last movement (a granted entry or exit
   * that moved it, or an emptying), or nowhere after an exit.
   */
  async function recordedInside(): Promise<Map<string, number>> {
    const last = await rows<{ room_id: string | null }>(
      sql`select distinct on (participant_id)
                 case when direction = 'in' then room_id end as room_id
            from room_accesses
           where event_id = ${eventId} and status = 'granted'
             and (reason is null or reason = 'room_emptied') and participant_id is not null
           order by participant_id, scanned_at desc, id desc`,
    );
    const by = new Map<string, number>();
    for (const r of last) if (r.room_id) by.set(r.room_id, (by.get(r.room_id) ?? 0) + 1);
    return by;
  }

  async function assertInvariants(context: string) {
    const recorded = await recordedInside();
    for (const r of await counts()) {
      assert.ok(r.occupancy <= r.capacity, `${context}: ${r.occupancy} inside a room of ${r.capacity}`);
      assert.equal(r.occupancy, r.inside, `${context}: the count equals the badges recorded inside`);
      assert.equal(r.occupancy, recorded.get(r.id) ?? 0, `${context}: the count equals the scan records`);
    }
  }

  test('set-up: two rooms, a controller at each door, a gestionnaire, checked-in badges', async () => {
    const f = await doorFixture(env(), {
      org: 'doors',
      prefix: 'dr',
      users: ['pres', 'gest', 'ctrlA', 'ctrlB', 'part'],
      event: 'Doors',
      hours: [-10, 30],
      rooms: [
        ['A', 2],
        ['B', 3],
      ],
      staff: [
        ['ctrlA', 'controlleur_des_badges', 'A', -1, 3],
        ['ctrlB', 'controlleur_des_badges', 'B', -1, 3],
        ['gest', 'gestionnaire_des_salles', 'A', -1, 3],
      ],
      guests: 6,
      checkedIn: 6,
      checkInBy: 'ctrlA',
    });
    Object.assign(u, f.users);
    Object.assign(room, f.rooms);
    badges.push(...f.badges);
    eventId = f.eventId;
  });

  test(
    'exits: out takes a badge out of the room; ' +
      'an entry-only door refuses exits, an exit-only door lets out by default',
    async () => {
      const [b0, b1] = badges;
      assert.equal((await scan(u.ctrlA.client, { qr: b0.qr })).body.room?.current_occupancy, 1);
      const out = await scan(u.ctrlA.client, { qr: b0.qr, direction: 'out' });
      assert.deepEqual(
        [out.body.status, out.body.reason, out.body.scan.direction, out.body.room?.current_occupancy],
        ['granted', null, 'out', 0],
      );
      assert.equal((await u.pres.client.get(url(`/participants/${b0.id}`))).body.current_room_id, null);
      const notInside = await scan(u.ctrlA.client, { qr: b0.qr, direction: 'out' });
      assert.deepEqual([notInside.body.status, notInside.body.reason], ['granted', 'not_inside']);

      const bad = await u.pres.client.patch(url(`/rooms/${room.A}`), { door_mode: 'sideways' });
      assert.deepEqual([bad.status, bad.body.errors[0].path], [400, 'body.door_mode']);
      const entryOnly = await u.pres.client.patch(url(`/rooms/${room.A}`), { door_mode: 'entry' });
      assert.equal(entryOnly.body.door_mode, 'entry');
      await scan(u.ctrlA.client, { qr: b1.qr });
      const refused = await scan(u.ctrlA.client, { qr: b1.qr, direction: 'out' });
      assert.deepEqual([refused.body.status, refused.body.reason], ['denied', 'wrong_direction']);
      await u.pres.client.patch(url(`/rooms/${room.A}`), { door_mode: 'exit' });
      const byDefault = await scan(u.ctrlA.client, { qr: b1.qr });
      assert.deepEqual(
        [byDefault.body.status, byDefault.body.scan.direction, byDefault.body.room?.current_occupancy],
        ['granted', 'out', 0],
      );
      const noEntry = await scan(u.ctrlA.client, { qr: b1.qr, direction: 'in' });
      assert.deepEqual([noEntry.body.status, noEntry.body.reason], ['denied', 'wrong_direction']);
      await u.pres.client.patch(url(`/rooms/${room.A}`), { door_mode: 'both' });
      await assertInvariants('after exits');
    },
  );

  test('retries count once: the same nonce answers the first decision and records nothing more', async () => {
    const [b0] = badges;
    const total = async () =>
      (
        await rows<{ n: number }>(
          sql`select count(*)::int as n from room_accesses where event_id = ${eventId}`,
        )
      )[0].n;
    const before = await total();
    const nonce = randomUUID();
    const first = await scan(u.ctrlA.client, { qr: b0.qr, nonce });
    const retry = await scan(u.ctrlA.client, { qr: b0.qr, nonce });
    assert.deepEqual(
      [first.body.replayed, retry.body.replayed, retry.body.scan.id, retry.body.status, retry.body.reason],
      [false, true, first.body.scan.id, 'granted', null],
    );
    assert.equal(retry.body.room?.current_occupancy, 1, 'counted once');
    const racing = randomUUID();
    const copies = await Promise.all(
      [0, 1, 2].map(() => scan(u.ctrlA.client, { qr: b0.qr, nonce: racing, direction: 'out' })),
    );
    assert.ok(copies.every((c) => c.status === 200));
    assert.equal(new Set(copies.map((c) => c.body.scan.id)).size, 1, 'one scan, however many copies');
    assert.equal(await total(), before + 2);
    // A nonce is the device's: another controller's scan with the same nonce is its own scan.
    const elsewhere = await scan(u.ctrlB.client, { qr: b0.qr, nonce });
    assert.deepEqual([elsewhere.body.replayed, elsewhere.body.room?.id], [false, room.B]);
    const short = await scan(u.ctrlA.client, { qr: b0.qr, nonce: 'x' });
    assert.deepEqual([short.status, short.body.errors[0].path], [400, 'body.nonce']);
    assert.equal(await total(), before + 3, 'the refused request stored nothing');
    await assertInvariants('after retries');
  });

  test('supervisor override: the room’s gestionnaire or an event manager forces an entry with a reason, audited', async () => {
    const late = await u.pres.client.post(url('/participants'), { full_name: 'Late speaker' });
    const qr = late.body.qr_payload;
    const plain = await scan(u.ctrlA.client, { qr });
    assert.equal(plain.body.reason, 'not_checked_in');
    const force = { qr, force: true, reason: 'Speaker, badge desk closed', room_id: room.A };
    assert.equal((await scan(u.ctrlA.client, force)).status, 403, 'a controller cannot force');
    assert.equal((await scan(u.part.client, force)).status, 404);
    assert.equal(
      (await scan(u.gest.client, { ...force, room_id: room.B })).status,
      403,
      'a gestionnaire only into the room they hold now',
    );
    const noReason = await scan(u.gest.client, { qr, force: true, room_id: room.A });
    assert.deepEqual([noReason.status, noReason.body.errors[0].path], [400, 'body.reason']);
    const stray = await scan(u.ctrlA.client, { qr, reason: 'because' });
    assert.deepEqual([stray.status, stray.body.errors[0].path], [400, 'body.reason']);

    const forced = await scan(u.gest.client, force);
    assert.deepEqual(
      [forced.status, forced.body.status, forced.body.reason, forced.body.scan.forced],
      [200, 'granted', null, true],
    );
    assert.equal(forced.body.scan.override_reason, 'Speaker, badge desk closed');
    const [audited] = await rows<{ n: number }>(
      sql`select count(*)::int as n from audit_log
           where action = 'force_entry' and entity_id = ${forced.body.scan.id}`,
    );
    assert.equal(audited.n, 1);
    // Capacity still holds: room A (2 seats) is full once one more is in.
    const other = badges[2];
    await scan(u.ctrlA.client, { qr: other.qr });
    const full = await scan(u.pres.client, { qr: badges[3].qr, force: true, reason: 'VIP', room_id: room.A });
    assert.deepEqual(
      [full.body.status, full.body.reason, full.body.scan.forced],
      ['denied', 'room_full', true],
    );
    await assertInvariants('after overrides');
  });

  test('emptying a room checks every badge out in one go, recorded and audited; a count cannot be set by hand', async () => {
    const before = await counts();
    const setByHand = await u.pres.client.patch(url(`/rooms/${room.A}`), { current_occupancy: 7 });
    assert.deepEqual([setByHand.status, setByHand.body.errors[0].path], [400, 'body.current_occupancy']);
    assert.equal((await u.ctrlA.client.post(url(`/rooms/${room.A}/empty`))).status, 403);
    assert.deepEqual(await counts(), before, 'refused requests change nothing');

    const inside = before.find((r) => r.id === room.A)!.occupancy;
    assert.ok(inside > 0);
    const emptied = await u.gest.client.post(url(`/rooms/${room.A}/empty`));
    assert.deepEqual(
      [emptied.status, emptied.body.checked_out, emptied.body.room.current_occupancy],
      [200, inside, 0],
    );
    const exits = await rows<{ n: number }>(
      sql`select count(*)::int as n from room_accesses
           where room_id = ${room.A} and reason = 'room_emptied' and direction = 'out'`,
    );
    assert.equal(exits[0].n, inside);
    const again = await scan(u.ctrlA.client, { qr: badges[2].qr });
    assert.deepEqual(
      [again.body.status, again.body.reason, again.body.room?.current_occupancy],
      ['granted', null, 1],
      'a badge scanned after the emptying enters again and is counted',
    );
    const reset = await u.pres.client.patch(url(`/rooms/${room.A}`), { current_occupancy: 0 });
    assert.equal(reset.body.current_occupancy, 0);
    await assertInvariants('after emptying');
  });

  test('statistics are true or refused: a controller gets their room, 403 for another; managers get every figure', async () => {
    const other = await u.ctrlA.client.get(url(`/stats/scans?room_id=${room.B}`));
    assert.equal(other.status, 403, 'no false figures for a room one does not hold');
    assert.equal((await u.part.client.get(url('/stats/scans'))).status, 404, 'no role: the event is hidden');
    const mine = await u.ctrlA.client.get(url('/stats/scans'));
    assert.equal(mine.body.room?.id, room.A);
    const [records] = await rows<{ entries: number; exits: number; forced: number; denied: number }>(
      sql`select count(*) filter (where status = 'granted' and direction = 'in'
                                   and (reason is null or reason = 'room_emptied'))::int as entries,
                 count(*) filter (where status = 'granted' and direction = 'out'
                                   and (reason is null or reason = 'room_emptied'))::int as exits,
                 count(*) filter (where forced)::int as forced,
                 count(*) filter (where status = 'denied')::int as denied
            from room_accesses where room_id = ${room.A}`,
    );
    assert.deepEqual(
      [mine.body.entries, mine.body.exits, mine.body.forced, mine.body.denied],
      [records.entries, records.exits, records.forced, records.denied],
    );
    assert.ok(mine.body.forced >= 2 && mine.body.denied_by_reason.wrong_direction >= 2);
    assert.equal(mine.body.peak_occupancy, 2, 'room A was full (2 seats) before it was emptied');
    const binned = mine.body.series.reduce((n, b) => n + b.entries, 0);
    assert.equal(binned, mine.body.entries, 'the 15-minute series adds up to the totals');
    assert.ok(mine.body.series.every((b) => new Date(b.start).getTime() % (15 * 60_000) === 0));
    const manager = await u.pres.client.get(url(`/stats/scans?room_id=${room.B}`));
    assert.deepEqual([manager.status, manager.body.room?.id], [200, room.B]);
    const event = await u.pres.client.get(url('/stats/scans'));
    assert.deepEqual([event.body.room, event.body.peak_occupancy], [null, null]);
  });

  test('property: any interleaving of entries, exits, emptyings and parallel scans keeps both invariants', async () => {
    const doors = [
      { id: () => room.A, client: () => u.ctrlA.client },
      { id: () => room.B, client: () => u.ctrlB.client },
    ];
    const move = fc.record({
      kind: fc.constantFrom('in' as const, 'out' as const),
      badge: fc.integer({ min: 0, max: badges.length - 1 }),
      door: fc.integer({ min: 0, max: 1 }),
    });
    const step = fc.oneof(
      { weight: 6, arbitrary: move },
      {
        weight: 1,
        arbitrary: fc.record({ kind: fc.constant('empty' as const), door: fc.integer({ min: 0, max: 1 }) }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('parallel' as const),
          moves: fc.uniqueArray(move, { minLength: 2, maxLength: 5, selector: (m) => m.badge }),
        }),
      },
    );
    type Move = { kind: 'in' | 'out'; badge: number; door: number };
    const run = (m: Move) =>
      scan(doors[m.door].client(), { qr: badges[m.badge].qr, direction: m.kind, nonce: randomUUID() });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        for (const s of steps) {
          if (s.kind === 'empty') {
            assert.equal((await u.pres.client.post(url(`/rooms/${doors[s.door].id()}/empty`))).status, 200);
          } else if (s.kind === 'parallel') {
            const answers = await Promise.all(s.moves.map(run));
            assert.ok(answers.every((a) => a.status === 200));
          } else {
            assert.equal((await run(s)).status, 200);
          }
          await assertInvariants(JSON.stringify(s));
        }
      }),
      { numRuns: 12 },
    );
  });
});
