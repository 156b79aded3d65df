import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { requireOrgAdmin } from '../../core/access/actor.ts';
import { audit } from '../../core/audit/service.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { conflict, HttpProblem, invalidField, notFound } from '../../core/http/problem.ts';
import { keyset, type PageQuery } from '../../core/http/pagination.ts';
import { getDepartment } from '../org/service.ts';
import {
  eventUnits,
  roomScreens,
  roomStages,
  type EventUnit,
  type RoomScreen,
  type RoomStage,
  type ScreenPlacement,
} from './schema.ts';
import { eventUnitView, roomScreenView, roomStageView } from './views.ts';

// The venue's links between modules are an org admin matter: they decide who sees what elsewhere.

/** Refuses a link whose unique side is already taken, with a message naming it. */
async function refuseTaken(
  t: TenantTx,
  table: typeof roomStages | typeof roomScreens | typeof eventUnits,
  where: SQL,
  detail: string,
  except?: string,
) {
  const [taken] = await t.tx
    .select({ id: table.id })
    .from(table)
    .where(except ? and(where, sql`${table.id} <> ${except}`) : where)
    .limit(1);
  if (taken) throw conflict(detail);
}

function pageWhere(filters: (SQL | undefined)[], after: SQL | undefined) {
  return and(...filters, after);
}

const byColumn = <V>(column: PgColumn, value: V | undefined) =>
  value === undefined ? undefined : eq(column, value);

// Stages

export async function linkStage(
  t: TenantTx,
  input: { roomId: string; locationId: string },
): Promise<RoomStage> {
  requireOrgAdmin(t.actor, 'link rooms to stages');
  await refuseTaken(t, roomStages, eq(roomStages.roomId, input.roomId), 'This room already has a stage');
  await refuseTaken(
    t,
    roomStages,
    eq(roomStages.locationId, input.locationId),
    'This location is already the stage of another room',
  );
  const [row] = await t.tx
    .insert(roomStages)
    .values({ orgId: t.orgId, ...input, linkedBy: t.actor.userId })
    .returning();
  await audit(t, {
    action: 'venue.stage.linked',
    entityType: 'venue_room_stage',
    entityId: row.id,
    message: `Linked room ${row.roomId} to stage ${row.locationId}`,
    after: roomStageView(row),
  });
  return row;
}

export async function getStage(t: TenantTx, id: string): Promise<RoomStage> {
  requireOrgAdmin(t.actor, 'read the venue links');
  const [row] = await t.tx.select().from(roomStages).where(eq(roomStages.id, id));
  if (!row) throw notFound('Stage link');
  return row;
}

export async function listStages(t: TenantTx, f: { roomId?: string; locationId?: string; page: PageQuery }) {
  requireOrgAdmin(t.actor, 'read the venue links');
  const k = keyset({ columns: [roomStages.id], key: (r: RoomStage) => [r.id], page: f.page });
  const rows = await t.tx
    .select()
    .from(roomStages)
    .where(
      pageWhere(
        [byColumn(roomStages.roomId, f.roomId), byColumn(roomStages.locationId, f.locationId)],
        k.after,
      ),
    )
    .orderBy(...k.orderBy)
    .limit(k.limit);
  return k.finish(rows);
}

export async function unlinkStage(t: TenantTx, id: string): Promise<void> {
  const before = await getStage(t, id);
  await t.tx.delete(roomStages).where(eq(roomStages.id, id));
  await audit(t, {
    action: 'venue.stage.unlinked',
    entityType: 'venue_room_stage',
    entityId: id,
    message: `Unlinked room ${before.roomId} from stage ${before.locationId}`,
    before: roomStageView(before),
  });
}

// Screens

export async function linkScreen(
  t: TenantTx,
  input: { roomId: string; deviceId: string; placement: ScreenPlacement },
): Promise<RoomScreen> {
  requireOrgAdmin(t.actor, 'link rooms to screens');
  await refuseTaken(
    t,
    roomScreens,
    eq(roomScreens.deviceId, input.deviceId),
    'This screen already serves a room',
  );
  const [row] = await t.tx
    .insert(roomScreens)
    .values({ orgId: t.orgId, ...input, linkedBy: t.actor.userId })
    .returning();
  await audit(t, {
    action: 'venue.screen.linked',
    entityType: 'venue_room_screen',
    entityId: row.id,
    message: `Linked screen ${row.deviceId} to room ${row.roomId} (${row.placement})`,
    after: roomScreenView(row),
  });
  return row;
}

export async function getScreenLink(t: TenantTx, id: string): Promise<RoomScreen> {
  requireOrgAdmin(t.actor, 'read the venue links');
  const [row] = await t.tx.select().from(roomScreens).where(eq(roomScreens.id, id));
  if (!row) throw notFound('Screen link');
  return row;
}

export async function listScreenLinks(
  t: TenantTx,
  f: { roomId?: string; deviceId?: string; page: PageQuery },
) {
  requireOrgAdmin(t.actor, 'read the venue links');
  const k = keyset({ columns: [roomScreens.id], key: (r: RoomScreen) => [r.id], page: f.page });
  const rows = await t.tx
    .select()
    .from(roomScreens)
    .where(
      pageWhere(
        [byColumn(roomScreens.roomId, f.roomId), byColumn(roomScreens.deviceId, f.deviceId)],
        k.after,
      ),
    )
    .orderBy(...k.orderBy)
    .limit(k.limit);
  return k.finish(rows);
}

export async function moveScreen(t: TenantTx, id: string, placement: ScreenPlacement): Promise<RoomScreen> {
  const before = await getScreenLink(t, id);
  const [row] = await t.tx
    .update(roomScreens)
    .set({ placement, updatedAt: new Date() })
    .where(eq(roomScreens.id, id))
    .returning();
  await audit(t, {
    action: 'venue.screen.moved',
    entityType: 'venue_room_screen',
    entityId: id,
    message: `Screen ${row.deviceId} of room ${row.roomId} is now ${placement}`,
    before: roomScreenView(before),
    after: roomScreenView(row),
  });
  return row;
}

export async function unlinkScreen(t: TenantTx, id: string): Promise<void> {
  const before = await getScreenLink(t, id);
  await t.tx.delete(roomScreens).where(eq(roomScreens.id, id));
  await audit(t, {
    action: 'venue.screen.unlinked',
    entityType: 'venue_room_screen',
    entityId: id,
    message: `Unlinked screen ${before.deviceId} from room ${before.roomId}`,
    before: roomScreenView(before),
  });
}

// Event units

/** A department named with a unit must be one of that unit's (400 otherwise, naming the field). */
async function checkDepartment(t: TenantTx, unitId: number, departmentId: number | null | undefined) {
  if (departmentId === null || departmentId === undefined) return;
  let unitOfDepartment: number;
  try {
    unitOfDepartment = (await getDepartment(t, departmentId)).unitId;
  } catch (err) {
    if (err instanceof HttpProblem && err.status === 404)
      throw invalidField('body.department_id', 'no such record in this organization');
    throw err;
  }
  if (unitOfDepartment !== unitId) throw invalidField('body.department_id', 'not a department of this unit');
}

export async function scopeEvent(
  t: TenantTx,
  input: { eventId: string; unitId: number; departmentId?: number | null },
): Promise<EventUnit> {
  requireOrgAdmin(t.actor, 'tie events to org units');
  await refuseTaken(
    t,
    eventUnits,
    eq(eventUnits.eventId, input.eventId),
    'This event already belongs to a unit',
  );
  await checkDepartment(t, input.unitId, input.departmentId);
  const [row] = await t.tx
    .insert(eventUnits)
    .values({ orgId: t.orgId, ...input, linkedBy: t.actor.userId })
    .returning();
  await audit(t, {
    action: 'venue.event_unit.linked',
    entityType: 'venue_event_unit',
    entityId: row.id,
    message: `Event ${row.eventId} belongs to unit ${row.unitId}`,
    after: eventUnitView(row),
  });
  return row;
}

export async function getEventUnit(t: TenantTx, id: string): Promise<EventUnit> {
  requireOrgAdmin(t.actor, 'read the venue links');
  const [row] = await t.tx.select().from(eventUnits).where(eq(eventUnits.id, id));
  if (!row) throw notFound('Event unit');
  return row;
}

export async function listEventUnits(t: TenantTx, f: { eventId?: string; unitId?: number; page: PageQuery }) {
  requireOrgAdmin(t.actor, 'read the venue links');
  const k = keyset({ columns: [eventUnits.id], key: (r: EventUnit) => [r.id], page: f.page });
  const rows = await t.tx
    .select()
    .from(eventUnits)
    .where(
      pageWhere([byColumn(eventUnits.eventId, f.eventId), byColumn(eventUnits.unitId, f.unitId)], k.after),
    )
    .orderBy(...k.orderBy)
    .limit(k.limit);
  return k.finish(rows);
}

export async function rescopeEvent(
  t: TenantTx,
  id: string,
  patch: { unitId?: number; departmentId?: number | null },
): Promise<EventUnit> {
  const before = await getEventUnit(t, id);
  const unitId = patch.unitId ?? before.unitId;
  // Moving to another unit drops a department the new unit does not have, unless one is named.
  const departmentId =
    patch.departmentId !== undefined
      ? patch.departmentId
      : unitId === before.unitId
        ? before.departmentId
        : null;
  await checkDepartment(t, unitId, departmentId);
  const [row] = await t.tx
    .update(eventUnits)
    .set({ unitId, departmentId, updatedAt: new Date() })
    .where(eq(eventUnits.id, id))
    .returning();
  await audit(t, {
    action: 'venue.event_unit.updated',
    entityType: 'venue_event_unit',
    entityId: id,
    message: `Event ${row.eventId} now belongs to unit ${row.unitId}`,
    before: eventUnitView(before),
    after: eventUnitView(row),
  });
  return row;
}

export async function unscopeEvent(t: TenantTx, id: string): Promise<void> {
  const before = await getEventUnit(t, id);
  await t.tx.delete(eventUnits).where(eq(eventUnits.id, id));
  await audit(t, {
    action: 'venue.event_unit.unlinked',
    entityType: 'venue_event_unit',
    entityId: id,
    message: `Event ${before.eventId} no longer belongs to unit ${before.unitId}`,
    before: eventUnitView(before),
  });
}
