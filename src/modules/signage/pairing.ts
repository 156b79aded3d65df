import crypto from 'node:crypto';
import { and, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import { authInvalidation } from '../../core/auth/cache.ts';
import { audit } from '../../core/audit/service.ts';
import { hashToken, newToken } from '../../core/auth/secrets.ts';
import { transactionWithSettings, type Db } from '../../core/db/client.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { notFound } from '../../core/http/problem.ts';
import { addDevice, readDevice, type Device, type DeviceFields } from './devices.ts';
import { HEARTBEAT_SECONDS } from './heartbeat.ts';
import { devicePolicy } from './policy.ts';
import { signageDevices, signagePairings } from './schema.ts';

/** How long a pairing code stays claimable. */
export const PAIRING_TTL_MS = 15 * 60_000;
/** How often a screen waiting to be claimed asks again. */
const PAIRING_POLL_SECONDS = 5;

/** Letters and digits a person reads off a screen without confusing them (no 0/O, 1/I). */
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function pairingCode(): string {
  return Array.from(crypto.randomBytes(6), (b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
}

export interface PairingStarted {
  code: string;
  pairingSecret: string;
  expiresAt: Date;
  pollIntervalSeconds: number;
}

export type PairingState =
  | { status: 'pending'; code: string; expiresAt: Date }
  | { status: 'paired'; deviceId: string; deviceToken: string; heartbeatIntervalSeconds: number };

/**
 * A new screen asks to be paired: it shows `code` for an admin to type, and polls with `secret`
 * (never shown) until the claim hands it its device token. Platform action: no org yet.
 */
export async function startPairing(db: Db): Promise<PairingStarted> {
  await db
    .delete(signagePairings)
    .where(and(isNull(signagePairings.orgId), lt(signagePairings.expiresAt, new Date())));
  const secret = newToken('rp');
  const expiresAt = new Date(Date.now() + PAIRING_TTL_MS);
  for (let attempt = 0; ; attempt++) {
    const code = pairingCode();
    const [row] = await db
      .insert(signagePairings)
      .values({ code, secretHash: hashToken(secret), expiresAt })
      .onConflictDoNothing()
      .returning();
    if (row) return { code, pairingSecret: secret, expiresAt, pollIntervalSeconds: PAIRING_POLL_SECONDS };
    if (attempt > 5) throw new Error('could not allocate a pairing code');
  }
}

/**
 * The screen's poll. Once claimed, the device token is minted here and returned exactly once:
 * the pairing row is deleted in the same transaction, so a second poll finds nothing.
 */
export async function collectPairing(db: Db, secret: string): Promise<PairingState> {
  return transactionWithSettings(db, [], async (tx) => {
    const [pairing] = await tx
      .select()
      .from(signagePairings)
      .where(eq(signagePairings.secretHash, hashToken(secret)))
      .for('update');
    if (!pairing) throw notFound('Pairing');
    if (!pairing.orgId || !pairing.deviceId) {
      if (pairing.expiresAt < new Date()) throw notFound('Pairing');
      return { status: 'pending' as const, code: pairing.code, expiresAt: pairing.expiresAt };
    }
    const token = newToken('rd');
    await tx
      .update(signageDevices)
      .set({ tokenHash: hashToken(token), updatedAt: new Date() })
      .where(and(eq(signageDevices.orgId, pairing.orgId), eq(signageDevices.id, pairing.deviceId)));
    await tx.delete(signagePairings).where(eq(signagePairings.id, pairing.id));
    return {
      status: 'paired' as const,
      deviceId: pairing.deviceId,
      deviceToken: token,
      heartbeatIntervalSeconds: HEARTBEAT_SECONDS,
    };
  });
}

/** An admin claims the screen showing `code` into the org; its next poll receives the token. */
export async function claimDevice(t: TenantTx, code: string, fields: DeviceFields): Promise<Device> {
  const device = await addDevice(t, fields);
  await claimCode(t, code, device.id);
  await audit(t, {
    action: 'assign',
    entityType: 'signage_device',
    entityId: device.id,
    message: `Screen "${device.name}" paired with code ${code.toUpperCase()}`,
  });
  return device;
}

/**
 * An admin pairs the screen showing `code` onto an existing screen record: a recovered screen
 * (archives carry no tokens), replaced hardware, or a player that lost its token. The record keeps
 * its name, playlist, groups, schedules and history; whatever held the old token is cut off now,
 * not when the new screen collects its own.
 */
export async function repairDevice(t: TenantTx, id: string, code: string): Promise<Device> {
  await devicePolicy.authorize(t.tx, t.actor, 'manage', sql`${signageDevices.id} = ${id}`);
  await claimCode(t, code, id);
  await t.tx
    .update(signageDevices)
    .set({ tokenHash: null, updatedAt: new Date() })
    .where(eq(signageDevices.id, id));
  t.publish(authInvalidation(t.orgId, { deviceId: id }));
  const device = await readDevice(t, id);
  await audit(t, {
    action: 'assign',
    entityType: 'signage_device',
    entityId: id,
    message: `Screen "${device.name}" paired again with code ${code.toUpperCase()}`,
  });
  return device;
}

/** Marks the unclaimed, unexpired pairing showing `code` as this org's screen `deviceId`. */
async function claimCode(t: TenantTx, code: string, deviceId: string) {
  const [claimed] = await t.tx
    .update(signagePairings)
    .set({ orgId: t.orgId, deviceId, claimedAt: new Date() })
    .where(
      and(
        eq(signagePairings.code, code.toUpperCase()),
        isNull(signagePairings.orgId),
        gt(signagePairings.expiresAt, new Date()),
      ),
    )
    .returning({ id: signagePairings.id });
  if (!claimed) throw notFound('Pairing code');
}
