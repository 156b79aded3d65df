import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../core/db/client.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { liveEvent, ORG_ADMINS, type EventBus } from '../../core/events/bus.ts';
import { notFound } from '../../core/http/problem.ts';
import { screenDeviceId } from './device-auth.ts';
import { signageDeviceHealth, signageDevices } from './schema.ts';

/** Screens send a heartbeat this often; three missed ones and the screen counts as offline. */
export const HEARTBEAT_SECONDS = 30;
export const OFFLINE_AFTER_SECONDS = 3 * HEARTBEAT_SECONDS;

/** A screen is online while its flag is set and its last heartbeat is recent enough. */
const offlineSince = sql`now() - make_interval(secs => ${OFFLINE_AFTER_SECONDS})`;
export const onlineSql = sql<boolean>`(${signageDevices.isOnline} and ${signageDevices.lastSeen} > ${offlineSince})`;

export interface Heartbeat {
  lastSeen: Date;
  heartbeatIntervalSeconds: number;
  offlineAfterSeconds: number;
}

/** What a player may say about itself in a heartbeat (each field optional). */
export interface HealthReport {
  playerVersion?: string;
  screenWidth?: number;
  screenHeight?: number;
  freeStorageBytes?: number;
}

/**
 * The screen is alive: record when and from where, and what it reports about itself; announce it
 * when it comes back online.
 */
export async function heartbeat(
  t: TenantTx,
  ip: string | undefined,
  report: HealthReport = {},
): Promise<Heartbeat> {
  const deviceId = screenDeviceId(t.actor);
  const [before] = await t.tx
    .select({ online: onlineSql, name: signageDevices.name })
    .from(signageDevices)
    .where(eq(signageDevices.id, deviceId));
  if (!before) throw notFound('Device');
  const [row] = await t.tx
    .update(signageDevices)
    .set({ isOnline: true, lastSeen: sql`now()`, ...(ip ? { ip } : {}) })
    .where(eq(signageDevices.id, deviceId))
    .returning({ lastSeen: signageDevices.lastSeen });
  if (Object.values(report).some((v) => v !== undefined)) await recordHealth(t, deviceId, report);
  if (!before.online)
    t.publish(liveEvent(t.orgId, 'signage.device.online', { id: deviceId, name: before.name }, ORG_ADMINS));
  return {
    // The update above has just set it.
    lastSeen: row.lastSeen!,
    heartbeatIntervalSeconds: HEARTBEAT_SECONDS,
    offlineAfterSeconds: OFFLINE_AFTER_SECONDS,
  };
}

/**
 * Keeps the screen's latest report. A field the player leaves out is cleared rather than kept:
 * a stale free-storage figure from an earlier report would be read as current.
 */
async function recordHealth(t: TenantTx, deviceId: string, report: HealthReport) {
  const values = {
    playerVersion: report.playerVersion ?? null,
    screenWidth: report.screenWidth ?? null,
    screenHeight: report.screenHeight ?? null,
    freeStorageBytes: report.freeStorageBytes ?? null,
    reportedAt: sql`now()`,
  };
  await t.tx
    .insert(signageDeviceHealth)
    .values({ orgId: t.orgId, deviceId, ...values })
    .onConflictDoUpdate({ target: [signageDeviceHealth.orgId, signageDeviceHealth.deviceId], set: values });
}

/**
 * Platform job: screens whose last heartbeat is older than OFFLINE_AFTER_SECONDS are stored as
 * offline (across all orgs, owner role) and each org's admins get `signage.device.offline`. The
 * `is_online` flag flips once, so an event is published once per outage.
 */
export async function markOfflineDevices(db: Db, bus: EventBus) {
  const gone = await db
    .update(signageDevices)
    .set({ isOnline: false })
    .where(and(eq(signageDevices.isOnline, true), sql`${signageDevices.lastSeen} <= ${offlineSince}`))
    .returning({
      orgId: signageDevices.orgId,
      id: signageDevices.id,
      name: signageDevices.name,
      lastSeen: signageDevices.lastSeen,
    });
  for (const d of gone) {
    const data = { id: d.id, name: d.name, last_seen: d.lastSeen?.toISOString() ?? null };
    // A bus that cannot deliver must not stop the other orgs' screens from being announced.
    await bus.publish(liveEvent(d.orgId, 'signage.device.offline', data, ORG_ADMINS)).catch(() => {});
  }
  return gone.length;
}
