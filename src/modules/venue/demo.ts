import { and, eq } from 'drizzle-orm';
import type { TenantTx } from '../../core/db/tenant.ts';
import { events, rooms } from '../events/schema.ts';
import { locations } from '../monitoring/schema.ts';
import { signageDevices } from '../signage/schema.ts';
import { roomScreens, roomStages } from './schema.ts';

/**
 * The demo venue: Salle 1 of the demo event (the demo room manager holds it now) is served by the
 * demo stage in the Main Hall, and the demo lobby screen shows the event's board. Runs after the
 * events, monitoring and signage demos; whatever of theirs is missing is simply not linked.
 */
export async function seedVenueDemo(t: TenantTx): Promise<void> {
  const [room] = await t.tx
    .select({ id: rooms.id })
    .from(rooms)
    .innerJoin(events, and(eq(events.orgId, rooms.orgId), eq(events.id, rooms.eventId)))
    .where(and(eq(events.name, 'Demo Tech Days'), eq(rooms.name, 'Salle 1')));
  if (!room) return;
  const [stage] = await t.tx
    .select({ id: locations.id })
    .from(locations)
    .where(and(eq(locations.building, 'Main Hall'), eq(locations.room, 'Stage')));
  if (stage) await t.tx.insert(roomStages).values({ orgId: t.orgId, roomId: room.id, locationId: stage.id });
  const [lobby] = await t.tx
    .select({ id: signageDevices.id })
    .from(signageDevices)
    .where(eq(signageDevices.name, 'Lobby screen'));
  if (lobby)
    await t.tx
      .insert(roomScreens)
      .values({ orgId: t.orgId, roomId: room.id, deviceId: lobby.id, placement: 'lobby' });
}
