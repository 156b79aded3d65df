// The console's scanning without network, run in node: the door's offline decisions, how a desk
// tells a QR payload from a typed badge id, and the queue both the door and the stand keep.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { describe, it } from 'node:test';
import { badgeKeyOf, badgePayload, legacyBadgePayload } from '../src/modules/events/badges.ts';
import { badgeRead, isQr } from '../web/src/pages/events/badgeRead.ts';
import { decideOffline, type Kit } from '../web/src/pages/events/doorOffline.ts';
import { offlineQueue, uploadQueue, type QueueStore } from '../web/src/pages/events/offlineQueue.ts';

const SECRET = 'console-offline-queue-test-secret';
const HOUR = 3_600_000;
const NOW = Date.parse('2025-06-01T10:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

const orgId = crypto.randomUUID();
const eventId = crypto.randomUUID();
const roomId = crypto.randomUUID();
const ids = { ada: crypto.randomUUID(), ben: crypto.randomUUID(), cy: crypto.randomUUID() };
const qrOf = (participantId: string, event = eventId) =>
  badgePayload(SECRET, { orgId, eventId: event, participantId });

type KitChange = {
  room?: Partial<Kit['room']>;
  slots?: Kit['slots'];
  sessions?: Kit['sessions'];
  badges?: Kit['badges'];
};

/** A controller's kit for one room, held from an hour before NOW to an hour after. */
function kitOf(change: KitChange = {}): Kit {
  const key = badgeKeyOf(SECRET, orgId);
  return {
    generated_at: iso(NOW),
    valid_until: iso(NOW + HOUR),
    event: {
      id: eventId,
      org_id: orgId,
      name: 'Expo',
      timezone: 'Europe/Paris',
      start_date: iso(NOW - 5 * HOUR),
      end_date: iso(NOW + 5 * HOUR),
    },
    room: {
      id: roomId,
      event_id: eventId,
      name: 'Salle 1',
      description: '',
      location: '',
      capacity: 10,
      current_occupancy: 1,
      door_mode: 'both',
      ...change.room,
    },
    slots: change.slots ?? [
      {
        id: 's1',
        room_id: roomId,
        room_name: 'Salle 1',
        starts_at: iso(NOW - HOUR),
        ends_at: iso(NOW + HOUR),
      },
    ],
    sessions: change.sessions ?? [],
    public_keys: [{ kid: key.kid, algorithm: 'Ed25519', public_key: key.publicKey }],
    badges: change.badges ?? [
      {
        id: ids.ada,
        badge_id: 'BDG-AAAAA-AAAAA',
        full_name: 'Ada',
        role: 'participant',
        is_checked_in: true,
        inside: false,
      },
      {
        id: ids.ben,
        badge_id: 'BDG-BBBBB-BBBBB',
        full_name: 'Ben',
        role: 'participant',
        is_checked_in: false,
        inside: false,
      },
      {
        id: ids.cy,
        badge_id: 'BDG-CCCCC-CCCCC',
        full_name: 'Cy',
        role: 'exposant',
        is_checked_in: true,
        inside: true,
      },
    ],
  };
}
const atelier = (change: Partial<Kit['sessions'][number]> = {}): Kit['sessions'][number] => ({
  id: 'atelier',
  title: 'Paid atelier',
  start_time: iso(NOW - HOUR / 2),
  end_time: iso(NOW + HOUR / 2),
  session_type: 'atelier',
  is_paid: true,
  status_override: null,
  paid_participant_ids: [ids.cy],
  ...change,
});
const decide = async (kit: Kit, payload: string, direction: 'in' | 'out' = 'in', now = NOW) => {
  const d = await decideOffline(kit, payload, direction, now);
  return { status: d.status, reason: d.reason, badge: d.badge?.id ?? null };
};

describe("the door's offline decision", () => {
  it('lets a checked-in badge in during the slot, the slot start included', async () => {
    assert.deepEqual(await decide(kitOf(), qrOf(ids.ada)), {
      status: 'granted',
      reason: null,
      badge: ids.ada,
    });
    assert.equal((await decide(kitOf(), qrOf(ids.ada), 'in', NOW - HOUR)).status, 'granted');
  });

  it('refuses outside the slot (its end excluded) and at a room the controller does not hold', async () => {
    const outside = { status: 'denied', reason: 'controller_not_assigned', badge: null };
    assert.deepEqual(await decide(kitOf(), qrOf(ids.ada), 'in', NOW + HOUR), outside);
    assert.deepEqual(await decide(kitOf(), qrOf(ids.ada), 'in', NOW - HOUR - 1), outside);
    const otherRoom = kitOf({
      slots: [
        {
          id: 's2',
          room_id: crypto.randomUUID(),
          room_name: 'Salle 2',
          starts_at: iso(NOW - HOUR),
          ends_at: iso(NOW + HOUR),
        },
      ],
    });
    assert.deepEqual(await decide(otherRoom, qrOf(ids.ada)), outside);
    assert.deepEqual(await decide(kitOf({ slots: [] }), qrOf(ids.ada)), outside);
  });

  it('refuses a forged, altered, truncated or old-format payload as not authentic', async () => {
    const qr = qrOf(ids.ada);
    const signature = qr.split('.')[4];
    const flipped = qr.slice(0, -signature.length) + (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
    const swapped = qr.replace(ids.ada, ids.ben);
    const legacy = legacyBadgePayload(SECRET, { orgId, eventId, participantId: ids.ada });
    for (const payload of [flipped, swapped, qr.slice(0, -10), legacy, 'RB2.garbage'])
      assert.deepEqual(
        await decide(kitOf(), payload),
        { status: 'denied', reason: 'invalid_badge', badge: null },
        payload,
      );
  });

  it('refuses a badge of another event, and an authentic one the kit does not list', async () => {
    assert.equal((await decide(kitOf(), qrOf(ids.ada, crypto.randomUUID()))).reason, 'other_event');
    assert.equal((await decide(kitOf(), qrOf(crypto.randomUUID()))).reason, 'unknown_badge');
  });

  it("keeps to the door's direction", async () => {
    const exitOnly = kitOf({ room: { door_mode: 'exit' } });
    assert.deepEqual(await decide(exitOnly, qrOf(ids.ada)), {
      status: 'denied',
      reason: 'wrong_direction',
      badge: ids.ada,
    });
    assert.equal(
      (await decide(kitOf({ room: { door_mode: 'entry' } }), qrOf(ids.cy), 'out')).reason,
      'wrong_direction',
    );
  });

  it('lets anyone out, saying when the badge was not recorded inside', async () => {
    assert.deepEqual(await decide(kitOf(), qrOf(ids.cy), 'out'), {
      status: 'granted',
      reason: null,
      badge: ids.cy,
    });
    assert.deepEqual(await decide(kitOf(), qrOf(ids.ben), 'out'), {
      status: 'granted',
      reason: 'not_inside',
      badge: ids.ben,
    });
  });

  it('refuses a badge not checked in at the entrance', async () => {
    assert.deepEqual(await decide(kitOf(), qrOf(ids.ben)), {
      status: 'denied',
      reason: 'not_checked_in',
      badge: ids.ben,
    });
  });

  it("asks the paid list of the session running now, by the clock or the manager's status", async () => {
    assert.equal((await decide(kitOf({ sessions: [atelier()] }), qrOf(ids.ada))).reason, 'payment_required');
    const paid = kitOf({ sessions: [atelier({ paid_participant_ids: [ids.ada] })] });
    assert.deepEqual(await decide(paid, qrOf(ids.ada)), { status: 'granted', reason: null, badge: ids.ada });
    const ended = kitOf({ sessions: [atelier({ status_override: 'termine' })] });
    assert.equal((await decide(ended, qrOf(ids.ada))).status, 'granted');
    const startedEarly = kitOf({
      sessions: [
        atelier({ start_time: iso(NOW + HOUR), end_time: iso(NOW + 2 * HOUR), status_override: 'en_cours' }),
      ],
    });
    assert.equal((await decide(startedEarly, qrOf(ids.ada))).reason, 'payment_required');
    const free = kitOf({ sessions: [atelier({ is_paid: false, paid_participant_ids: null })] });
    assert.equal((await decide(free, qrOf(ids.ada))).status, 'granted');
  });

  it('counts a badge already inside once, and refuses a full room', async () => {
    assert.deepEqual(await decide(kitOf(), qrOf(ids.cy)), {
      status: 'granted',
      reason: 'already_in_room',
      badge: ids.cy,
    });
    const full = kitOf({ room: { capacity: 1, current_occupancy: 1 } });
    assert.deepEqual(await decide(full, qrOf(ids.ada)), {
      status: 'denied',
      reason: 'room_full',
      badge: ids.ada,
    });
  });

  it('decides a typed badge id the kit lists like its QR, and leaves an unlisted one undecided', async () => {
    assert.deepEqual(await decide(kitOf(), ' bdg-aaaaa-aaaaa '), {
      status: 'granted',
      reason: null,
      badge: ids.ada,
    });
    assert.equal((await decide(kitOf(), 'BDG-BBBBB-BBBBB')).reason, 'not_checked_in');
    assert.deepEqual(await decide(kitOf(), 'BDG-ZZZZZ-ZZZZZ'), {
      status: 'undecided',
      reason: null,
      badge: null,
    });
  });
});

describe('what a desk read: QR payload or typed badge id', () => {
  it('sends a signed payload as qr and anything else as badge_id, trimmed', () => {
    const qr = qrOf(ids.ada);
    assert.deepEqual(badgeRead(` ${qr}\n`), { qr });
    assert.deepEqual(badgeRead('RB1.old.payload'), { qr: 'RB1.old.payload' });
    assert.deepEqual(badgeRead('  BDG-AAAAA-AAAAA '), { badge_id: 'BDG-AAAAA-AAAAA' });
    assert.deepEqual(badgeRead('bdg-aaaaa-aaaaa'), { badge_id: 'bdg-aaaaa-aaaaa' });
    assert.equal(isQr('RB3.x'), false);
    assert.equal(isQr('xRB2.x'), false);
  });
});

/** A store like localStorage, in memory. */
function memoryStore(): QueueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}
interface Scan {
  nonce: string;
  badge_id: string;
}
const scan = (n: number): Scan => ({ nonce: `nonce-${n}-${crypto.randomUUID()}`, badge_id: `BDG-${n}` });
const answerAll = (part: Scan[]) =>
  Promise.resolve(part.map((s) => ({ nonce: s.nonce, status: 'recorded' })));
const noNetwork = () => Promise.reject(new TypeError('Failed to fetch'));
/** A refusal as the console's API client throws it: the status and the fields at fault. */
class Refused extends Error {
  constructor(
    readonly status: number,
    readonly errors: Array<{ path: string; message: string }> = [],
  ) {
    super(`refused (${status})`);
  }
}

describe('the offline queue shared by the door and the stand', () => {
  it('keeps its items in the store, under its key', () => {
    const store = memoryStore();
    const items = [scan(1), scan(2)];
    for (const s of items) offlineQueue<Scan>('q.a', store).add(s);
    assert.deepEqual(offlineQueue<Scan>('q.a', store).items(), items);
    assert.deepEqual(offlineQueue<Scan>('q.b', store).items(), []);
    store.setItem('q.broken', '{not json');
    assert.deepEqual(offlineQueue<Scan>('q.broken', store).items(), []);
  });

  it('keeps everything, with the same nonces, when the network fails, and sends those nonces again', async () => {
    const queue = offlineQueue<Scan>('q', memoryStore());
    const items = [scan(1), scan(2)];
    items.forEach((s) => queue.add(s));
    await assert.rejects(uploadQueue(queue, 500, noNetwork), TypeError);
    assert.deepEqual(queue.items(), items);
    const sent: string[] = [];
    const outcomes = await uploadQueue(queue, 500, (part) => {
      sent.push(...part.map((s) => s.nonce));
      return answerAll(part);
    });
    assert.deepEqual(
      sent,
      items.map((s) => s.nonce),
    );
    assert.deepEqual(
      outcomes.map((o) => [o.item.nonce, o.answer?.status, o.refused]),
      items.map((s) => [s.nonce, 'recorded', null]),
    );
  });

  it('is empty once an upload is answered', async () => {
    const queue = offlineQueue<Scan>('q', memoryStore());
    [scan(1), scan(2), scan(3)].forEach((s) => queue.add(s));
    await uploadQueue(queue, 500, answerAll);
    assert.deepEqual(queue.items(), []);
  });

  it('sets aside the item a 4xx names and sends the others again', async () => {
    const queue = offlineQueue<Scan>('q', memoryStore());
    const items = [scan(1), scan(2), scan(3)];
    items.forEach((s) => queue.add(s));
    const calls: string[][] = [];
    const outcomes = await uploadQueue(queue, 500, (part) => {
      calls.push(part.map((s) => s.badge_id));
      if (calls.length === 1)
        return Promise.reject(
          new Refused(400, [{ path: 'body.scans.1.scanned_at', message: 'in the future' }]),
        );
      return answerAll(part);
    });
    assert.deepEqual(calls, [
      ['BDG-1', 'BDG-2', 'BDG-3'],
      ['BDG-1', 'BDG-3'],
    ]);
    assert.deepEqual(queue.items(), []);
    assert.deepEqual(
      outcomes.map((o) => [o.item.badge_id, o.answer?.status ?? null, o.refused]),
      [
        ['BDG-2', null, 'in the future'],
        ['BDG-1', 'recorded', null],
        ['BDG-3', 'recorded', null],
      ],
    );
  });

  it('passes an item the server answers as refused, and records the others', async () => {
    const queue = offlineQueue<Scan>('q', memoryStore());
    [scan(1), scan(2)].forEach((s) => queue.add(s));
    const outcomes = await uploadQueue(queue, 500, (part) =>
      Promise.resolve(part.map((s, i) => ({ nonce: s.nonce, status: i === 0 ? 'refused' : 'recorded' }))),
    );
    assert.deepEqual(queue.items(), []);
    assert.deepEqual(
      outcomes.map((o) => o.answer?.status),
      ['refused', 'recorded'],
    );
  });

  it('keeps everything when a 4xx names no item (a lost role, an expired session)', async () => {
    const queue = offlineQueue<Scan>('q', memoryStore());
    const items = [scan(1), scan(2)];
    items.forEach((s) => queue.add(s));
    const forbidden = new Refused(403);
    await assert.rejects(
      uploadQueue(queue, 500, () => Promise.reject(forbidden)),
      (err) => err === forbidden,
    );
    const outOfRange = new Refused(400, [{ path: 'body.scans.7.qr', message: 'unknown' }]);
    await assert.rejects(uploadQueue(queue, 500, () => Promise.reject(outOfRange)));
    assert.deepEqual(queue.items(), items);
  });

  it('sends big queues in parts, in order, keeping what a failed part did not send', async () => {
    const queue = offlineQueue<Scan>('q', memoryStore());
    const items = [1, 2, 3, 4, 5].map(scan);
    items.forEach((s) => queue.add(s));
    const parts: number[] = [];
    await assert.rejects(
      uploadQueue(queue, 2, (part) => {
        parts.push(part.length);
        return parts.length === 2 ? noNetwork() : answerAll(part);
      }),
    );
    assert.deepEqual(parts, [2, 2]);
    assert.deepEqual(queue.items(), items.slice(2));
  });

  it('keeps a scan queued while an upload is under way', async () => {
    const queue = offlineQueue<Scan>('q', memoryStore());
    queue.add(scan(1));
    const late = scan(2);
    await uploadQueue(queue, 500, (part) => {
      queue.add(late);
      return answerAll(part);
    });
    assert.deepEqual(queue.items(), [late]);
  });
});
