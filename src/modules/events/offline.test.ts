import assert from 'node:assert/strict';
import crypto, { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { describeEachBackend, type Client } from '../../../test/support/env.ts';
import { queryRows } from '../../core/db/client.ts';
import { doorFixture } from './door-fixture.ts';
import { legacyBadgePayload } from './badges.ts';

const MINUTE = 60_000;
const at = (ms: number) => new Date(Date.now() + ms).toISOString();
/** SPKI header of an Ed25519 public key: a raw key from the kit becomes a key node:crypto takes. */
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');

describeEachBackend('events: offline scanning (scanner kit, badge keys, uploaded queues)', (env) => {
  const u: Record<string, { id: number; client: Client }> = {};
  let orgId = '';
  let eventId = '';
  const room: Record<string, string> = {};
  const badges: Array<{ id: string; qr: string }> = [];
  const url = <P extends string = ''>(p?: P) =>
    `/api/events/events/${eventId}${p ?? ''}` as `/api/events/events/${string}${P}`;
  const rows = <T>(q: ReturnType<typeof sql>) => queryRows<T>(env().database.db, q);
  const offline = (qr: string, minutesAgo: number, extra: Record<string, unknown> = {}) => ({
    nonce: randomUUID(),
    qr,
    direction: 'in',
    room_id: room.A,
    scanned_at: at(-minutesAgo * MINUTE),
    status: 'granted',
    ...extra,
  });

  async function assertCountsAgree() {
    const counts = await rows<{ name: string; occupancy: number; capacity: number; inside: number }>(
      sql`select r.name, r.current_occupancy as occupancy, r.capacity,
                 (select count(*)::int from event_participants p where p.current_room_id = r.id) as inside
            from event_rooms r where r.event_id = ${eventId}`,
    );
    for (const r of counts) {
      assert.ok(r.occupancy <= r.capacity, `${r.name}: ${r.occupancy} inside ${r.capacity} seats`);
      assert.equal(r.occupancy, r.inside, `${r.name}: the count equals the badges recorded inside`);
    }
  }

  test('set-up: rooms A (2 seats) and B, a controller at each door, one later, badges', async () => {
    const f = await doorFixture(env(), {
      org: 'offline',
      prefix: 'of',
      users: ['pres', 'gest', 'ctrlA', 'ctrlB', 'later'],
      event: 'Offline doors',
      hours: [-10, 30],
      rooms: [
        ['A', 2],
        ['B', 50],
      ],
      staff: [
        ['ctrlA', 'controlleur_des_badges', 'A', -1, 3],
        ['ctrlB', 'controlleur_des_badges', 'B', -1, 3],
        ['gest', 'gestionnaire_des_salles', 'A', -1, 3],
        ['later', 'controlleur_des_badges', 'A', 4, 6],
      ],
      // Guest 5 never checks in at the entrance.
      guests: 6,
      checkedIn: 5,
      checkInBy: 'ctrlA',
    });
    Object.assign(u, f.users);
    Object.assign(room, f.rooms);
    badges.push(...f.badges);
    ({ orgId, eventId } = f);
  });

  test('the kit: the room the controller holds now, with keys that verify the badges; 403 otherwise', async () => {
    const kit = await u.ctrlA.client.get(url('/scanner-kit'));
    assert.equal(kit.status, 200);
    assert.equal(kit.body.room.id, room.A);
    assert.equal(kit.body.event.org_id, orgId);
    assert.deepEqual(
      kit.body.slots.map((s) => s.room_id),
      [room.A],
    );
    assert.equal(kit.body.badges.length, 6);
    assert.deepEqual(
      kit.body.badges.filter((b) => !b.is_checked_in).map((b) => b.full_name),
      ['Guest 5'],
    );
    // The badge's signature verifies with the public key alone: what the scanner page does offline.
    const [key] = kit.body.public_keys;
    assert.equal(key.algorithm, 'Ed25519');
    const publicKey = crypto.createPublicKey({
      key: Buffer.concat([SPKI_ED25519, Buffer.from(key.public_key, 'base64url')]),
      format: 'der',
      type: 'spki',
    });
    const qr = badges[0].qr;
    assert.match(qr, /^RB2\./);
    const cut = qr.lastIndexOf('.');
    const signature = Buffer.from(qr.slice(cut + 1), 'base64url');
    assert.ok(crypto.verify(null, Buffer.from(qr.slice(0, cut)), publicKey, signature));
    const forged = Buffer.from(qr.slice(0, cut).replace(badges[0].id, badges[1].id));
    assert.equal(crypto.verify(null, forged, publicKey, signature), false);
    assert.equal(JSON.stringify(kit.body).includes('private'), false);

    assert.equal((await u.ctrlB.client.get(url('/scanner-kit'))).body.room.id, room.B);
    // A controller whose slot is later, the room's gestionnaire and the event's president: 403.
    for (const who of ['later', 'gest', 'pres']) {
      const refused = await u[who].client.get(url('/scanner-kit'));
      assert.equal(refused.status, 403, who);
      assert.equal(refused.body.room, undefined);
    }
    const stranger = (await env().makeOrg('offline-other')).admin;
    assert.equal((await stranger.get(url('/scanner-kit'))).status, 404);
  });

  test('a badge printed before public-key signatures is still let in online', async () => {
    const legacy = legacyBadgePayload(env().config.secret, { orgId, eventId, participantId: badges[4].id });
    const entered = await u.ctrlB.client.post(url('/scans'), { qr: legacy, nonce: randomUUID() });
    assert.deepEqual([entered.body.status, entered.body.reason], ['granted', null]);
    const out = await u.ctrlB.client.post(url('/scans'), { qr: legacy, direction: 'out' });
    assert.deepEqual([out.body.status, out.body.reason], ['granted', null]);
  });

  test('an upload is refused whole on bad input, and nothing is stored', async () => {
    const before = await rows<{ n: number }>(sql`select count(*)::int as n from room_accesses`);
    const future = await u.ctrlA.client.post(url('/scans/upload'), {
      scans: [offline(badges[0].qr, 1), offline(badges[1].qr, -30)],
    });
    assert.deepEqual([future.status, future.body.errors[0].path], [400, 'body.scans.1.scanned_at']);
    const twice = offline(badges[0].qr, 2);
    const dup = await u.ctrlA.client.post(url('/scans/upload'), { scans: [twice, twice] });
    assert.deepEqual([dup.status, dup.body.errors[0].path], [400, 'body.scans.1.nonce']);
    const noReason = await u.ctrlA.client.post(url('/scans/upload'), {
      scans: [offline(badges[0].qr, 2, { status: 'denied' })],
    });
    assert.deepEqual([noReason.status, noReason.body.errors[0].path], [400, 'body.scans.0.reason']);
    const empty = await u.ctrlA.client.post(url('/scans/upload'), { scans: [] });
    assert.deepEqual([empty.status, empty.body.errors[0].path], [400, 'body.scans']);
    const gest = await u.gest.client.post(url('/scans/upload'), { scans: [offline(badges[0].qr, 2)] });
    assert.equal(gest.status, 403);
    const after = await rows<{ n: number }>(sql`select count(*)::int as n from room_accesses`);
    assert.deepEqual(after, before);
  });

  test(
    'an uploaded queue: both times kept, entries that happened recorded, conflicts flagged, ' +
      'occupancy equal to the badges inside, a retried upload recorded once',
    async () => {
      // Guest 3 is let in at B online now: an older offline move must not take it back to A.
      const online = await u.ctrlB.client.post(url('/scans'), { qr: badges[3].qr, nonce: randomUUID() });
      assert.equal(online.body.status, 'granted');
      const forged = badges[0].qr.slice(0, -4) + 'AAAA';
      const queue = [
        offline(badges[0].qr, 30),
        offline(badges[1].qr, 29),
        offline(badges[0].qr, 28), // entered twice while offline
        offline(badges[2].qr, 27), // a third badge in a room of two
        offline(forged, 26), // the device let a forged badge in
        offline(badges[5].qr, 25, { status: 'denied', reason: 'not_checked_in' }),
        offline(badges[1].qr, 20, { direction: 'out' }),
        offline(badges[3].qr, 10), // older than its online entry into B
        offline(badges[4].qr, 5, { room_id: room.B }), // a room this controller does not hold
      ];
      // Sent out of order: the server applies them in the device's order.
      const sent = [...queue].reverse();
      const up = await u.ctrlA.client.post(url('/scans/upload'), { scans: sent });
      assert.equal(up.status, 200, JSON.stringify(up.body));
      assert.deepEqual(
        up.body.results.map((r) => r.nonce),
        sent.map((s) => s.nonce),
      );
      const by = new Map(up.body.results.map((r) => [r.nonce, r.scan]));
      const outcome = queue.map((q) => {
        const s = by.get(q.nonce)!;
        return [s.status, s.reason, s.conflict];
      });
      assert.deepEqual(outcome, [
        ['granted', null, null],
        ['granted', null, null],
        ['granted', 'already_in_room', 'entered_twice'],
        ['granted', 'room_full', 'capacity_exceeded'],
        ['denied', 'invalid_badge', 'invalid_badge'],
        ['denied', 'not_checked_in', null],
        ['granted', null, null],
        ['granted', 'later_scan_known', null],
        ['granted', 'controller_not_assigned', 'controller_not_assigned'],
      ]);
      for (const q of queue) {
        const s = by.get(q.nonce)!;
        assert.equal(s.device_scanned_at, q.scanned_at);
        assert.ok(Date.parse(s.scanned_at) > Date.parse(q.scanned_at), 'received after it was taken');
      }
      const where = await rows<{ full_name: string; room: string | null }>(
        sql`select p.full_name, r.name as room from event_participants p
              left join event_rooms r on r.id = p.current_room_id
             where p.event_id = ${eventId} order by p.full_name`,
      );
      assert.deepEqual(
        where.map((w) => `${w.full_name}:${w.room ?? '-'}`),
        ['Guest 0:A', 'Guest 1:-', 'Guest 2:-', 'Guest 3:B', 'Guest 4:-', 'Guest 5:-'],
      );
      await assertCountsAgree();

      const flagged = await u.gest.client.get(url(`/scans?conflict=true&room_id=${room.A}`));
      assert.deepEqual(flagged.body.items.map((s) => s.conflict).sort(), [
        'capacity_exceeded',
        'entered_twice',
        'invalid_badge',
      ]);

      const count = await rows<{ n: number }>(sql`select count(*)::int as n from room_accesses`);
      const again = await u.ctrlA.client.post(url('/scans/upload'), { scans: sent });
      assert.ok(again.body.results.every((r) => r.replayed));
      assert.deepEqual(
        again.body.results.map((r) => r.scan.id),
        up.body.results.map((r) => r.scan.id),
      );
      assert.deepEqual(await rows(sql`select count(*)::int as n from room_accesses`), count);
      await assertCountsAgree();
    },
  );

  test('a queue of 5,000 scans uploads in one request', { timeout: 120_000 }, async () => {
    await u.pres.client.patch(url(`/rooms/${room.B}`), { capacity: 10 });
    const queue = Array.from({ length: 5000 }, (_, i) =>
      offline(badges[i % 5].qr, 59 - i * 0.01, { room_id: room.B, direction: i % 10 < 5 ? 'in' : 'out' }),
    );
    const started = Date.now();
    const up = await u.ctrlB.client.post(url('/scans/upload'), { scans: queue });
    assert.equal(up.status, 200);
    assert.equal(up.body.results.length, 5000);
    const took = Date.now() - started;
    console.log(`5,000 uploaded scans: ${took} ms`);
    assert.ok(took < 100_000);
    await assertCountsAgree();
  });

  test('a printed badge id typed offline: uploaded as decided, or undecided for the server to decide', async () => {
    const printed = new Map(
      (
        await rows<{ id: string; badge_id: string }>(
          sql`select id, badge_id from event_participants where event_id = ${eventId}`,
        )
      ).map((r) => [r.id, r.badge_id]),
    );
    const typed = (badgeId: string, extra: Record<string, unknown>) => {
      const { qr, ...scan } = offline('', 1, { room_id: room.B, ...extra });
      void qr;
      return { ...scan, badge_id: badgeId };
    };
    const scans = [
      // The kit listed Guest 0: the device decided.
      typed(printed.get(badges[0].id)!.toLowerCase(), {}),
      // Not in the device's kit: the server decides by the door's rules, nothing flagged.
      typed(` ${printed.get(badges[5].id)!} `, { status: 'undecided' }),
      typed('BDG-NOPE0-NOPE0', { status: 'undecided' }),
    ];
    const sent = await u.ctrlB.client.post(url('/scans/upload'), { scans });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    assert.deepEqual(
      sent.body.results.map((r) => [r.scan.status, r.scan.reason, r.scan.conflict, r.scan.participant_id]),
      [
        ['granted', null, null, badges[0].id],
        ['denied', 'not_checked_in', null, badges[5].id],
        ['denied', 'unknown_badge', null, null],
      ],
    );
    await assertCountsAgree();
    const before = (await rows<{ n: number }>(sql`select count(*)::int as n from room_accesses`))[0].n;
    const neither = await u.ctrlB.client.post(url('/scans/upload'), {
      scans: [{ ...typed('x', {}), badge_id: undefined }],
    });
    assert.deepEqual([neither.status, neither.body.errors[0].path], [400, 'body.scans.0.qr']);
    const badStatus = await u.ctrlB.client.post(url('/scans/upload'), {
      scans: [typed(printed.get(badges[1].id)!, { status: 'maybe' })],
    });
    assert.deepEqual([badStatus.status, badStatus.body.errors[0].path], [400, 'body.scans.0.status']);
    const after = (await rows<{ n: number }>(sql`select count(*)::int as n from room_accesses`))[0].n;
    assert.equal(after, before, 'a refused upload stores nothing');
  });
});
