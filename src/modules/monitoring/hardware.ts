import net from 'node:net';
import { and, eq } from 'drizzle-orm';
import { pageById } from '../../core/db/page-by-id.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { requireOrgAdmin } from '../../core/access/actor.ts';
import { audit } from '../../core/audit/service.ts';
import type { PageQuery } from '../../core/http/pagination.ts';
import { conflict, invalidField } from '../../core/http/problem.ts';
import { fixed, phrase, type ProblemText } from '../../core/http/problem-texts.ts';
import { refusal } from '../../core/net/outbound.ts';
import { chassisPolicy, locationPolicy, unitPolicy } from './policy.ts';
import { chassis, locations, wirelessUnits } from './schema.ts';
import { publishUnitUpdated } from './live.ts';
import { chassisView, locationView, unitView } from './views.ts';
import { defaultProtocol, type Protocol } from './receiver.ts';

export type Location = typeof locations.$inferSelect;
export type Chassis = typeof chassis.$inferSelect;
export type WirelessUnit = typeof wirelessUnits.$inferSelect;

/** Postgres unique violations become 409s naming what clashed. */
export async function uniqueOr409<T>(run: () => Promise<T>, detail: ProblemText): Promise<T> {
  try {
    return await run();
  } catch (err) {
    const code =
      (err as { code?: string; cause?: { code?: string } }).code ??
      (err as { cause?: { code?: string } }).cause?.code;
    if (code === '23505') throw conflict(detail);
    throw err;
  }
}

// Locations

export interface LocationInput {
  building: string;
  room?: string;
  unitId?: number | null;
  description?: string;
}

export async function createLocation(t: TenantTx, input: LocationInput): Promise<Location> {
  requireOrgAdmin(t.actor, 'create locations');
  const [row] = await uniqueOr409(
    () =>
      t.tx
        .insert(locations)
        .values({ orgId: t.orgId, ...input })
        .returning(),
    phrase('location.exists', { building: input.building, room: input.room ?? '' }),
  );
  await audit(t, {
    action: 'monitoring.location.created',
    entityType: 'monitoring_location',
    entityId: row.id,
    message: `Created location ${row.building} ${row.room}`.trim(),
    after: locationView(row),
  });
  return row;
}

export async function getLocation(
  t: TenantTx,
  id: string,
  action: 'see' | 'manage' = 'see',
): Promise<Location> {
  return locationPolicy.load(t.tx, t.actor, action, eq(locations.id, id));
}

export async function listLocations(t: TenantTx, page: PageQuery) {
  return pageById(t.tx, locations, locationPolicy.visible(t.actor), page);
}

export async function updateLocation(
  t: TenantTx,
  id: string,
  patch: Partial<LocationInput>,
): Promise<Location> {
  const before = await getLocation(t, id, 'manage');
  const [row] = await uniqueOr409(
    () =>
      t.tx
        .update(locations)
        .set({ ...patch, updatedAt: new Date() })
        .where(eq(locations.id, id))
        .returning(),
    'Another location has this building and room',
  );
  await audit(t, {
    action: 'monitoring.location.updated',
    entityType: 'monitoring_location',
    entityId: id,
    message: `Updated location ${row.building} ${row.room}`.trim(),
    before: locationView(before),
    after: locationView(row),
  });
  return row;
}

/** The receivers of a deleted location stay, without a location. */
export async function deleteLocation(t: TenantTx, id: string): Promise<void> {
  const before = await getLocation(t, id, 'manage');
  await t.tx
    .update(chassis)
    .set({ locationId: null, updatedAt: new Date() })
    .where(eq(chassis.locationId, id));
  await t.tx.delete(locations).where(eq(locations.id, id));
  await audit(t, {
    action: 'monitoring.location.deleted',
    entityType: 'monitoring_location',
    entityId: id,
    message: `Deleted location ${before.building} ${before.room}`.trim(),
    before: locationView(before),
  });
}

// Chassis

export interface ChassisInput {
  name: string;
  manufacturer?: string;
  model?: string;
  serial?: string | null;
  ip?: string | null;
  port?: number | null;
  firmware?: string;
  locationId?: string | null;
  isOnline?: boolean;
  isActive?: boolean;
  /** Chosen from the manufacturer when not given (Shure hardware speaks Shure's protocol). */
  protocol?: Protocol;
}

async function requireLocation(t: TenantTx, locationId: string | null | undefined) {
  if (locationId) await getLocation(t, locationId);
}

/**
 * A receiver given by IP address must be one the server may connect to (core/net/outbound.ts),
 * refused at once with the range it is in; a hostname is checked each time the server connects.
 */
function requireReachable(t: TenantTx, ip: string | null | undefined, port: number | null | undefined) {
  if (!ip || net.isIP(ip) === 0) return;
  const why = refusal(ip, port ?? 0, { orgId: t.orgId });
  if (why) throw invalidField('body.ip', phrase('receiver.unreachable', { ip, range: fixed(why) }));
}

export async function createChassis(t: TenantTx, input: ChassisInput): Promise<Chassis> {
  requireOrgAdmin(t.actor, 'create chassis');
  requireReachable(t, input.ip, input.port);
  await requireLocation(t, input.locationId);
  const [row] = await uniqueOr409(
    () =>
      t.tx
        .insert(chassis)
        .values({ orgId: t.orgId, ...input, protocol: input.protocol ?? defaultProtocol(input.manufacturer) })
        .returning(),
    phrase('chassis.serialTaken', { serial: input.serial ?? '' }),
  );
  await audit(t, {
    action: 'monitoring.chassis.created',
    entityType: 'wireless_chassis',
    entityId: row.id,
    message: `Created chassis ${row.name}`,
    after: chassisView(row),
  });
  return row;
}

export async function getChassis(
  t: TenantTx,
  id: string,
  action: 'see' | 'manage' = 'see',
): Promise<Chassis> {
  return chassisPolicy.load(t.tx, t.actor, action, eq(chassis.id, id));
}

export async function listChassis(t: TenantTx, opts: { locationId?: string; page: PageQuery }) {
  const where = and(
    chassisPolicy.visible(t.actor),
    opts.locationId ? eq(chassis.locationId, opts.locationId) : undefined,
  );
  return pageById(t.tx, chassis, where, opts.page);
}

export async function updateChassis(t: TenantTx, id: string, patch: Partial<ChassisInput>): Promise<Chassis> {
  const before = await getChassis(t, id, 'manage');
  if (patch.ip !== undefined || patch.port !== undefined)
    requireReachable(
      t,
      patch.ip === undefined ? before.ip : patch.ip,
      patch.port === undefined ? before.port : patch.port,
    );
  await requireLocation(t, patch.locationId);
  const [row] = await uniqueOr409(
    () =>
      t.tx
        .update(chassis)
        .set({ ...patch, updatedAt: new Date() })
        .where(eq(chassis.id, id))
        .returning(),
    phrase('chassis.serialTaken', { serial: patch.serial ?? '' }),
  );
  await audit(t, {
    action: 'monitoring.chassis.updated',
    entityType: 'wireless_chassis',
    entityId: id,
    message: `Updated chassis ${row.name}`,
    before: chassisView(before),
    after: chassisView(row),
  });
  return row;
}

/** Deleting a receiver deletes its units and, through them, their assignments. */
export async function deleteChassis(t: TenantTx, id: string): Promise<void> {
  const before = await getChassis(t, id, 'manage');
  await t.tx.delete(chassis).where(eq(chassis.id, id));
  await audit(t, {
    action: 'monitoring.chassis.deleted',
    entityType: 'wireless_chassis',
    entityId: id,
    message: `Deleted chassis ${before.name} with its units`,
    before: chassisView(before),
  });
}

// Wireless units

export interface UnitInput {
  chassisId: string;
  name: string;
  model?: string;
  serial?: string | null;
  slot: number;
  frequency?: number | null;
  battery?: number | null;
  rfSignal?: number | null;
  audioLevel?: number | null;
  status?: WirelessUnit['status'];
  isActive?: boolean;
  lastSeen?: Date | null;
}

export async function createUnit(t: TenantTx, input: UnitInput): Promise<WirelessUnit> {
  requireOrgAdmin(t.actor, 'create wireless units');
  const parent = await getChassis(t, input.chassisId);
  const [row] = await uniqueOr409(
    () =>
      t.tx
        .insert(wirelessUnits)
        .values({ orgId: t.orgId, ...input })
        .returning(),
    phrase('chassis.slotTaken', { slot: input.slot, chassis: parent.name }),
  );
  await audit(t, {
    action: 'monitoring.unit.created',
    entityType: 'wireless_unit',
    entityId: row.id,
    message: `Created unit ${row.name} in slot ${row.slot} of ${parent.name}`,
    after: unitView(row),
  });
  return row;
}

export async function getUnit(
  t: TenantTx,
  id: string,
  action: 'see' | 'manage' = 'see',
): Promise<WirelessUnit> {
  return unitPolicy.load(t.tx, t.actor, action, eq(wirelessUnits.id, id));
}

export async function listUnits(
  t: TenantTx,
  opts: { chassisId?: string; includeInactive?: boolean; page: PageQuery },
) {
  const where = and(
    unitPolicy.visible(t.actor),
    opts.chassisId ? eq(wirelessUnits.chassisId, opts.chassisId) : undefined,
    opts.includeInactive ? undefined : eq(wirelessUnits.isActive, true),
  );
  return pageById(t.tx, wirelessUnits, where, opts.page, { keptPlan: true });
}

export async function updateUnit(
  t: TenantTx,
  id: string,
  patch: Partial<Omit<UnitInput, 'chassisId'>>,
): Promise<WirelessUnit> {
  const before = await getUnit(t, id, 'manage');
  const [row] = await uniqueOr409(
    () =>
      t.tx
        .update(wirelessUnits)
        .set({ ...patch, updatedAt: new Date() })
        .where(eq(wirelessUnits.id, id))
        .returning(),
    phrase('chassis.slotTakenHere', { slot: patch.slot ?? '' }),
  );
  await audit(t, {
    action: 'monitoring.unit.updated',
    entityType: 'wireless_unit',
    entityId: id,
    message: `Updated unit ${row.name}`,
    before: unitView(before),
    after: unitView(row),
  });
  await publishUnitUpdated(t, unitView(row));
  return row;
}

export async function deleteUnit(t: TenantTx, id: string): Promise<void> {
  const before = await getUnit(t, id, 'manage');
  await t.tx.delete(wirelessUnits).where(eq(wirelessUnits.id, id));
  await audit(t, {
    action: 'monitoring.unit.deleted',
    entityType: 'wireless_unit',
    entityId: id,
    message: `Deleted unit ${before.name} and its assignments`,
    before: unitView(before),
  });
}
