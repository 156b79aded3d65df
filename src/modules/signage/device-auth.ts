import { and, eq } from 'drizzle-orm';
import type { Actor } from '../../core/access/actor.ts';
import { hashToken } from '../../core/auth/secrets.ts';
import type { Db } from '../../core/db/client.ts';
import { organizations } from '../../core/db/platform-schema.ts';
import { forbidden } from '../../core/http/problem.ts';
import { signageDevices } from './schema.ts';

/** Resolves a device token (`rd_…`) to a read-only actor of the screen's org. */
export async function authenticateDevice(db: Db, token: string): Promise<Actor | null> {
  if (!token.startsWith('rd_')) return null;
  const [row] = await db
    .select({ id: signageDevices.id, orgId: signageDevices.orgId, name: signageDevices.name })
    .from(signageDevices)
    .innerJoin(organizations, eq(organizations.id, signageDevices.orgId))
    .where(and(eq(signageDevices.tokenHash, hashToken(token)), eq(organizations.isActive, true)));
  if (!row) return null;
  return {
    userId: null,
    label: `device:${row.name}`,
    orgId: row.orgId,
    orgRole: 'viewer',
    via: 'device',
    deviceId: row.id,
  };
}

/** The screen acting: only a device token speaks for a screen. */
export function screenDeviceId(actor: Actor): string {
  if (actor.via !== 'device' || !actor.deviceId) throw forbidden('Only a screen may call this');
  return actor.deviceId;
}
