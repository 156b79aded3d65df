import { asc, desc, eq, sql } from 'drizzle-orm';
import { sameOrgJoin } from '../../core/db/columns.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { participants, roomAccesses, rooms } from '../events/schema.ts';
import { locations } from '../monitoring/schema.ts';
import { signageDevices } from '../signage/schema.ts';
import { roomPagePolicy } from './policy.ts';
import { roomPlace, roomSessions, type RoomPlace, type RoomSession } from './room-state.ts';
import { roomScreens, roomStages, type ScreenPlacement } from './schema.ts';

/** How many of the door's latest scans the room page shows. */
const LAST_SCANS = 10;

export interface DoorScan {
  id: string;
  scannedAt: Date;
  status: 'granted' | 'denied';
  direction: 'in' | 'out';
  reason: string | null;
  participantName: string | null;
}

export interface RoomOverview {
  at: Date;
  room: RoomPlace;
  current: RoomSession | null;
  next: RoomSession | null;
  lastScans: DoorScan[];
  stage: { locationId: string; name: string } | null;
  screens: Array<{ deviceId: string; name: string; placement: ScreenPlacement; lastSeen: Date | null }>;
}

/**
 * The room page: the room's current and next session, its door (occupancy, latest scans), its stage
 * and its screens. The stage's mics and the screens' state come from their own modules' routes,
 * which admit the room's manager during the slot through the venue's derived grants.
 */
export async function roomOverview(t: TenantTx, roomId: string): Promise<RoomOverview> {
  await roomPagePolicy.authorize(t.tx, t.actor, 'see', eq(rooms.id, roomId));
  const at = new Date();
  const room = (await roomPlace(t, eq(rooms.id, roomId)))!;
  const { current, next } = await roomSessions(t, roomId, at);
  const [lastScans, stage, screens] = [
    await doorScans(t, roomId),
    await roomStage(t, roomId),
    await roomScreenList(t, roomId),
  ];
  return { at, room, current, next, lastScans, stage, screens };
}

/** The door's latest scans, newest first, with the badge holder's name when the badge is known. */
function doorScans(t: TenantTx, roomId: string): Promise<DoorScan[]> {
  return t.tx
    .select({
      id: roomAccesses.id,
      scannedAt: roomAccesses.scannedAt,
      status: roomAccesses.status,
      direction: roomAccesses.direction,
      reason: roomAccesses.reason,
      participantName: participants.fullName,
    })
    .from(roomAccesses)
    .leftJoin(
      participants,
      sameOrgJoin([participants.orgId, participants.id], [roomAccesses.orgId, roomAccesses.participantId]),
    )
    .where(eq(roomAccesses.roomId, roomId))
    .orderBy(desc(roomAccesses.scannedAt), desc(roomAccesses.id))
    .limit(LAST_SCANS);
}

/** The location linked as the room's stage, named as the room page shows it. */
async function roomStage(t: TenantTx, roomId: string): Promise<RoomOverview['stage']> {
  const [stage] = await t.tx
    .select({
      locationId: locations.id,
      name: sql<string>`concat_ws(' · ', ${locations.building}, nullif(${locations.room}, ''))`,
    })
    .from(roomStages)
    .innerJoin(
      locations,
      sameOrgJoin([locations.orgId, locations.id], [roomStages.orgId, roomStages.locationId]),
    )
    .where(eq(roomStages.roomId, roomId));
  return stage ?? null;
}

/** The screens serving the room, by placement then name. */
function roomScreenList(t: TenantTx, roomId: string): Promise<RoomOverview['screens']> {
  return t.tx
    .select({
      deviceId: signageDevices.id,
      name: signageDevices.name,
      placement: roomScreens.placement,
      lastSeen: signageDevices.lastSeen,
    })
    .from(roomScreens)
    .innerJoin(
      signageDevices,
      sameOrgJoin([signageDevices.orgId, signageDevices.id], [roomScreens.orgId, roomScreens.deviceId]),
    )
    .where(eq(roomScreens.roomId, roomId))
    .orderBy(asc(roomScreens.placement), asc(signageDevices.name));
}
