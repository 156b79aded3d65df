import { systemActor } from '../src/core/access/actor.ts';
import type { Db } from '../src/core/db/client.ts';
import { withTenant, type TenantTx } from '../src/core/db/tenant.ts';
import { createOrganization, createUser, type Organization } from '../src/modules/identity/service.ts';
import {
  chassis,
  groupMembers,
  locations,
  monitoringGroups,
  performerAssignments,
  performers,
  PRIORITIES,
  wirelessUnits,
} from '../src/modules/monitoring/schema.ts';
import { checkInParticipant, registerParticipant } from '../src/modules/events/participants.ts';
import { qrPayloadOf } from '../src/modules/events/badges.ts';
import { assignEventRole } from '../src/modules/events/roles.ts';
import { setOrgPlan } from '../src/modules/signage/plans.ts';
import { assignRoom, createEvent, createRoom, createSession } from '../src/modules/events/service.ts';

/**
 * Realistic bench data in an org of its own (`bench`): a monitoring estate of 10,000 performers in
 * 500 groups on 2,000 wireless units (500 four-channel receivers), a technician who belongs to a handful of those groups, an
 * event with 10 rooms, 500 checked-in participants and a controller in every room, and a pool of
 * console users for the login scenario. The monitoring estate is bulk-inserted through the same
 * tenant transaction (RLS applies) because 10,000 audited service calls would dominate the run;
 * the event goes through the module's services so its invariants hold.
 */
export const BENCH = {
  performers: 10_000,
  groups: 500,
  /** 500 receivers × 4 channels: the telemetry scenario polls them all at 1 Hz. */
  units: 2_000,
  slotsPerChassis: 4,
  techGroups: 5,
  rooms: 10,
  participants: 500,
  loginUsers: 50,
  password: 'bench-password-not-secret',
};

export interface BenchData {
  org: Organization;
  admin: string;
  technician: string;
  /** What the technician may see: performers with an active assignment in one of their groups. */
  technicianPerformers: number;
  loginUsers: string[];
  eventId: string;
  controllers: string[];
  qrs: string[];
  assignmentIds: string[];
  /** Receivers in order, each with its units by slot (1-based), for the telemetry scenario. */
  chassis: { id: string; units: string[] }[];
}

const HOUR = 3600_000;

async function chunked<T>(rows: T[], size: number, insert: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}

async function monitoringEstate(t: TenantTx, technicianId: number) {
  const [site] = await t.tx
    .insert(locations)
    .values({ orgId: t.orgId, building: 'Bench Arena', room: 'Racks' })
    .returning();
  const chassisRows = Array.from({ length: BENCH.units / BENCH.slotsPerChassis }, (_, i) => ({
    orgId: t.orgId,
    name: `Rack ${i + 1}`,
    manufacturer: 'Shure',
    model: 'ULXD4Q',
    serial: `BENCH-${String(i + 1).padStart(5, '0')}`,
    locationId: site.id,
    isOnline: true,
  }));
  // No ip/port yet: the poller ignores them until the telemetry scenario points them at simulators.
  const racks = await t.tx.insert(chassis).values(chassisRows).returning({ id: chassis.id });
  const unitRows = racks.flatMap((rack, r) =>
    Array.from({ length: BENCH.slotsPerChassis }, (_, s) => ({
      orgId: t.orgId,
      chassisId: rack.id,
      name: `CH${r * BENCH.slotsPerChassis + s + 1}`,
      model: 'ULXD2',
      slot: s + 1,
      battery: 20 + ((r * 7 + s * 13) % 80),
      status: 'online' as const,
      lastSeen: new Date(),
    })),
  );
  const units: { id: string }[] = [];
  await chunked(unitRows, 500, async (c) =>
    units.push(...(await t.tx.insert(wirelessUnits).values(c).returning({ id: wirelessUnits.id }))),
  );
  const groups = await t.tx
    .insert(monitoringGroups)
    .values(
      Array.from({ length: BENCH.groups }, (_, i) => ({
        orgId: t.orgId,
        name: `Zone ${String(i + 1).padStart(3, '0')}`,
        description: 'bench',
      })),
    )
    .returning({ id: monitoringGroups.id });
  await t.tx
    .insert(groupMembers)
    .values(
      groups.slice(0, BENCH.techGroups).map((g) => ({ orgId: t.orgId, groupId: g.id, userId: technicianId })),
    );
  const people: { id: string }[] = [];
  await chunked(
    Array.from({ length: BENCH.performers }, (_, i) => ({
      orgId: t.orgId,
      name: `Performer ${String(i + 1).padStart(5, '0')}`,
      title: ['Vocals', 'Guitar', 'Host', 'Keys', 'Drums'][i % 5],
    })),
    1000,
    async (c) => people.push(...(await t.tx.insert(performers).values(c).returning({ id: performers.id }))),
  );
  // The last fifth of the performers have ended assignments; every unit keeps four active ones, so any channel can raise an alert.
  const active = (i: number) => i < BENCH.performers * 0.8;
  const assignmentIds: string[] = [];
  await chunked(
    people.map((p, i) => ({
      orgId: t.orgId,
      performerId: p.id,
      wirelessUnitId: units[i % units.length].id,
      monitoringGroupId: groups[i % groups.length].id,
      priority: PRIORITIES[i % PRIORITIES.length],
      isActive: active(i),
    })),
    1000,
    async (c) =>
      assignmentIds.push(
        ...(await t.tx.insert(performerAssignments).values(c).returning({ id: performerAssignments.id })).map(
          (r) => r.id,
        ),
      ),
  );
  // Performer i is in group i % groups; the technician holds groups 0..techGroups-1.
  const visible = people.filter((_, i) => i % groups.length < BENCH.techGroups && active(i)).length;
  const receivers = racks.map((rack, r) => ({
    id: rack.id,
    units: units.slice(r * BENCH.slotsPerChassis, (r + 1) * BENCH.slotsPerChassis).map((u) => u.id),
  }));
  return { visible, assignmentIds, receivers };
}

export async function generate(db: Db, secret: string): Promise<BenchData> {
  const org = await createOrganization(db, { name: 'Bench Corp', slug: 'bench' });
  const as = <T>(fn: (t: TenantTx) => Promise<T>) => withTenant({ db }, systemActor(org.id, 'bench'), fn);
  const make = (username: string, orgRole: 'owner' | 'admin' | 'member' | 'viewer') =>
    as(
      async (t) =>
        (
          await createUser(t, {
            username,
            email: `${username}@bench.test`,
            fullName: username,
            password: BENCH.password,
            orgRole,
          })
        ).user.id,
    );

  // A venue of this size runs on the enterprise plan (the free plan stops at 5 members and 3 screens).
  await as((t) => setOrgPlan(t, 'enterprise'));
  const adminId = await make('bench.admin', 'owner');
  const technicianId = await make('bench.tech', 'member');
  const loginUsers: string[] = [];
  for (let i = 0; i < BENCH.loginUsers; i++) {
    const name = `bench.user${i}`;
    await make(name, 'member');
    loginUsers.push(name);
  }
  const controllerIds: number[] = [];
  const controllers: string[] = [];
  for (let i = 0; i < BENCH.rooms; i++) {
    const name = `bench.door${i}`;
    controllerIds.push(await make(name, 'member'));
    controllers.push(name);
  }

  const { visible, assignmentIds, receivers } = await as((t) => monitoringEstate(t, technicianId));

  const now = Date.now();
  const { eventId, qrs } = await as(async (t) => {
    const event = await createEvent(t, {
      name: 'Bench Expo',
      startDate: new Date(now - 24 * HOUR),
      endDate: new Date(now + 24 * HOUR),
      status: 'published',
      presidentId: adminId,
    });
    const rooms = [];
    for (let i = 0; i < BENCH.rooms; i++) {
      const room = await createRoom(t, event.id, { name: `Hall ${i + 1}`, capacity: 10_000 });
      rooms.push(room);
      await createSession(t, event.id, {
        roomId: room.id,
        title: `Talk ${i + 1}`,
        speakerName: 'Bench Speaker',
        startTime: new Date(now - 2 * HOUR),
        endTime: new Date(now + 12 * HOUR),
        sessionType: 'conference',
        isPaid: false,
        price: '0',
      });
      await assignEventRole(t, event.id, { userId: controllerIds[i], role: 'controlleur_des_badges' });
      await assignRoom(t, event.id, {
        userId: controllerIds[i],
        roomId: room.id,
        role: 'controlleur_des_badges',
        startsAt: new Date(now - 2 * HOUR),
        endsAt: new Date(now + 12 * HOUR),
      });
    }
    const qrs: string[] = [];
    for (let i = 0; i < BENCH.participants; i++) {
      const p = await registerParticipant(t, event.id, {
        fullName: `Visitor ${i + 1}`,
        email: null,
        role: 'participant',
      });
      await checkInParticipant(t, event.id, p.id);
      qrs.push(qrPayloadOf(secret, p));
    }
    return { eventId: event.id, qrs };
  });

  return {
    org,
    admin: 'bench.admin',
    technician: 'bench.tech',
    technicianPerformers: visible,
    loginUsers,
    eventId,
    controllers,
    qrs,
    assignmentIds,
    chassis: receivers,
  };
}
