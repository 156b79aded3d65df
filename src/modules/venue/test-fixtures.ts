import type { Client, TestEnv } from '../../../test/support/env.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import type { Organization } from '../identity/service.ts';
import { createEvent, createRoom, type EventInput } from '../events/service.ts';
import { eventAssignments, roomAssignments } from '../events/schema.ts';
import { createChassis, createLocation, createUnit } from '../monitoring/hardware.ts';
import { roomStages } from './schema.ts';

/** Builders the venue scenarios share: each test file still makes its own orgs, rooms, stages and screens. */

const HOUR = 3600_000;

export interface VenueOrgs {
  org: Organization;
  admin: Client;
  /** Another organization, whose rows must stay out of sight. */
  rival: Organization;
  rivalAdmin: Client;
  /** The members of `org` by username. */
  user: Record<string, { id: number; client: Client }>;
}

/** The organization under test with its owner and `members`, and a rival organization with its owner. */
export async function venueOrgs(env: TestEnv, slug: string, members: string[]): Promise<VenueOrgs> {
  const { org, admin } = await env.makeOrg(slug);
  const { org: rival, admin: rivalAdmin } = await env.makeOrg(`${slug}-rival`);
  const user: VenueOrgs['user'] = {};
  for (const name of members) user[name] = await env.makeUser(org, name);
  return { org, admin, rival, rivalAdmin, user };
}

/**
 * A published event with its rooms (name → capacity) and `roomManagers` holding its room manager
 * role (without a room slot: each scenario gives its own). Answers the event's id and the rooms' ids.
 */
export async function eventWithRooms(
  t: TenantTx,
  event: Pick<EventInput, 'name' | 'startDate' | 'endDate'>,
  capacities: Record<string, number>,
  roomManagers: number[] = [],
): Promise<{ eventId: string; room: Record<string, string> }> {
  const { id: eventId } = await createEvent(t, { ...event, status: 'published' });
  const room: Record<string, string> = {};
  for (const [name, capacity] of Object.entries(capacities))
    room[name] = (await createRoom(t, eventId, { name, capacity })).id;
  for (const userId of roomManagers)
    await t.tx
      .insert(eventAssignments)
      .values({ orgId: t.orgId, eventId, userId, role: 'gestionnaire_des_salles' });
  return { eventId, room };
}

/**
 * A stage: a location (of an org unit when `unitId` is given) with one rack holding one mic, linked
 * as the stage of `roomId` when one is named. The mic has no readings: no receiver ever polled it.
 */
export async function stageWithMic(
  t: TenantTx,
  place: { building: string; room: string; unitId?: number },
  names: { rack: string; mic: string },
  roomId?: string,
): Promise<{ locationId: string; micId: string }> {
  const location = await createLocation(t, place);
  const rack = await createChassis(t, { name: names.rack, locationId: location.id });
  const mic = await createUnit(t, { chassisId: rack.id, name: names.mic, slot: 1 });
  if (roomId) await t.tx.insert(roomStages).values({ orgId: t.orgId, roomId, locationId: location.id });
  return { locationId: location.id, micId: mic.id };
}

/**
 * A room manager slot, written as the events module stores it (windows in the past or at fixed
 * hours allowed). Unless `assignedAt` says otherwise it was planned an hour before it starts (or
 * before now): explain replays a slot only from when it existed.
 */
export async function roomSlot(
  t: TenantTx,
  slot: { eventId: string; roomId: string; userId: number; startsAt: Date; endsAt: Date; assignedAt?: Date },
): Promise<string> {
  const assignedAt = slot.assignedAt ?? new Date(Math.min(slot.startsAt.getTime(), Date.now()) - HOUR);
  const [row] = await t.tx
    .insert(roomAssignments)
    .values({ orgId: t.orgId, ...slot, role: 'gestionnaire_des_salles', assignedAt })
    .returning({ id: roomAssignments.id });
  return row.id;
}
