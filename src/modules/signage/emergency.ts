import { eq, getTableColumns, sql } from 'drizzle-orm';
import { requireOrgAdmin } from '../../core/access/actor.ts';
import { audit } from '../../core/audit/service.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { liveEvent } from '../../core/events/bus.ts';
import { invalidField } from '../../core/http/problem.ts';
import { deviceContentPath } from './assets.ts';
import { requireGroups, requireScreens } from './groups.ts';
import { screenEmergencyEvent } from './screen-channel.ts';
import { signageAssets, signageEmergencies } from './schema.ts';

export type Emergency = typeof signageEmergencies.$inferSelect & { active: boolean };

export interface EmergencyInput {
  message: string;
  color?: string;
  background?: string;
  imageAssetId?: string | null;
  /** The screens that show it; with groupIds absent or null too: every screen of the org. */
  deviceIds?: string[] | null;
  /** The groups whose screens show it (those in the group when a screen polls). */
  groupIds?: string[] | null;
  expiresAt: Date;
}

const columns = {
  ...getTableColumns(signageEmergencies),
  active: sql<boolean>`(${signageEmergencies.expiresAt} > now())`,
};

/** The org's emergency message (expired or not), or null. */
export async function getEmergency(t: TenantTx): Promise<Emergency | null> {
  const [row] = await t.tx.select(columns).from(signageEmergencies);
  return row ?? null;
}

/**
 * Puts a full-screen message on the chosen screens and groups (all screens when none are named) until `expiresAt`,
 * replacing any previous one. Screens see it in their next playlist poll.
 */
export async function setEmergency(t: TenantTx, input: EmergencyInput): Promise<Emergency> {
  requireOrgAdmin(t.actor, 'set emergency messages');
  if (input.expiresAt.getTime() <= Date.now()) throw invalidField('body.expires_at', 'must be in the future');
  let imageUrl: string | null = null;
  if (input.imageAssetId) {
    const [image] = await t.tx
      .select({ type: signageAssets.assetType, uri: signageAssets.uri, storageKey: signageAssets.storageKey })
      .from(signageAssets)
      .where(eq(signageAssets.id, input.imageAssetId));
    if (!image) throw invalidField('body.image_asset_id', 'asset not found');
    if (image.type !== 'image') throw invalidField('body.image_asset_id', 'must be an image asset');
    // As the poll gives it: an uploaded file through the screens' content route, else the link.
    imageUrl = image.storageKey ? deviceContentPath(input.imageAssetId) : image.uri;
  }
  const deviceIds = input.deviceIds ? await requireScreens(t, input.deviceIds, 'body.device_ids') : null;
  if (deviceIds?.length === 0) throw invalidField('body.device_ids', 'name at least one screen, or omit it');
  const groupIds = input.groupIds ? await requireGroups(t, input.groupIds, 'body.group_ids') : null;
  if (groupIds?.length === 0) throw invalidField('body.group_ids', 'name at least one group, or omit it');
  const before = await getEmergency(t);
  const values = {
    message: input.message,
    color: input.color ?? '#ffffff',
    background: input.background ?? '#b00020',
    imageAssetId: input.imageAssetId ?? null,
    deviceIds,
    groupIds,
    expiresAt: input.expiresAt,
    createdBy: t.actor.userId,
  };
  await t.tx
    .insert(signageEmergencies)
    .values({ orgId: t.orgId, ...values })
    .onConflictDoUpdate({
      target: signageEmergencies.orgId,
      set: { ...values, id: sql`excluded.id`, createdAt: sql`now()` },
    });
  const after = (await getEmergency(t))!;
  await audit(t, {
    action: before ? 'update' : 'create',
    entityType: 'signage_emergency',
    entityId: after.id,
    message: `Emergency message set until ${after.expiresAt.toISOString()}`,
    after: {
      message: after.message,
      device_ids: after.deviceIds,
      group_ids: after.groupIds,
      expires_at: after.expiresAt.toISOString(),
    },
  });
  t.publish(
    liveEvent(
      t.orgId,
      'signage.emergency.set',
      { id: after.id, expires_at: after.expiresAt },
      { everyone: true },
    ),
  );
  // Screens that showed the previous message but are not among the new one's go back to playing.
  if (before && JSON.stringify(before.deviceIds) !== JSON.stringify(after.deviceIds))
    t.publish(screenEmergencyEvent(t.orgId, null, before.deviceIds));
  t.publish(screenEmergencyEvent(t.orgId, { ...after, imageUrl }, after.deviceIds));
  return after;
}

/** Clears the message: screens go back to their playlists at their next poll. Clearing none is a no-op. */
export async function clearEmergency(t: TenantTx): Promise<void> {
  requireOrgAdmin(t.actor, 'clear emergency messages');
  const [gone] = await t.tx.delete(signageEmergencies).returning({ id: signageEmergencies.id });
  if (!gone) return;
  await audit(t, {
    action: 'delete',
    entityType: 'signage_emergency',
    entityId: gone.id,
    message: 'Emergency message cleared',
  });
  t.publish(liveEvent(t.orgId, 'signage.emergency.cleared', { id: gone.id }, { everyone: true }));
  t.publish(screenEmergencyEvent(t.orgId, null, null));
}
