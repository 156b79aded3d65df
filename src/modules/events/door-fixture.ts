// The door scenarios' common set-up: an organization, its people, an event with rooms, staff
// holding room slots, and badges (some checked in at the entrance). Used by the module's tests.
import assert from 'node:assert/strict';
import type { Client, TestEnv } from '../../../test/support/env.ts';

const HOUR = 3600_000;
const at = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();

export interface DoorFixtureSpec {
  /** The org's slug; users are `<prefix>.<name>`. */
  org: string;
  prefix: string;
  /** `pres` (the event's president) first, then everyone else. */
  users: string[];
  event: string;
  /** The event's dates, in hours from now. */
  hours: [number, number];
  rooms: Array<[name: string, capacity: number]>;
  /** Each holds the role in the event and the room from `from` to `to` hours from now. */
  staff: Array<
    [
      who: string,
      role: 'controlleur_des_badges' | 'gestionnaire_des_salles',
      room: string,
      from: number,
      to: number,
    ]
  >;
  /** How many guests get a badge, and how many of the first of them `checkInBy` checks in. */
  guests: number;
  checkedIn: number;
  checkInBy: string;
}

export interface DoorFixture {
  orgId: string;
  eventId: string;
  users: Record<string, { id: number; client: Client }>;
  /** Room ids by name. */
  rooms: Record<string, string>;
  badges: Array<{ id: string; qr: string }>;
}

export async function doorFixture(env: TestEnv, spec: DoorFixtureSpec): Promise<DoorFixture> {
  const made = await env.makeOrg(spec.org);
  const users: DoorFixture['users'] = {};
  for (const name of spec.users) users[name] = await env.makeUser(made.org, `${spec.prefix}.${name}`);
  const pres = users.pres.client;
  const ev = await pres.post('/api/events/events', {
    name: spec.event,
    start_date: at(spec.hours[0]),
    end_date: at(spec.hours[1]),
    status: 'published',
  });
  const eventId = ev.body.id;
  const url = <P extends string>(p: P) => `/api/events/events/${eventId}${p}` as const;
  const rooms: DoorFixture['rooms'] = {};
  for (const [name, capacity] of spec.rooms)
    rooms[name] = (await pres.post(url('/rooms'), { name, capacity })).body.id;
  for (const [who, role, room, from, to] of spec.staff) {
    await pres.post(url('/assignments'), { user_id: users[who].id, role });
    const slot = await pres.post(url('/room-assignments'), {
      user_id: users[who].id,
      room_id: rooms[room],
      role,
      start_time: at(from),
      end_time: at(to),
    });
    assert.equal(slot.status, 201);
  }
  const badges: DoorFixture['badges'] = [];
  for (let i = 0; i < spec.guests; i++) {
    const p = await pres.post(url('/participants'), { full_name: `Guest ${i}` });
    if (i < spec.checkedIn)
      await users[spec.checkInBy].client.post(url('/check-in'), { qr: p.body.qr_payload });
    badges.push({ id: p.body.id, qr: p.body.qr_payload });
  }
  return { orgId: made.org.id, eventId, users, rooms, badges };
}
