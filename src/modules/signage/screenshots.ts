import { and, eq, sql } from 'drizzle-orm';
import type { TenantTx } from '../../core/db/tenant.ts';
import { liveEvent, ORG_ADMINS } from '../../core/events/bus.ts';
import type { StoredFile } from '../../core/files/storage.ts';
import { invalidField, notFound } from '../../core/http/problem.ts';
import { acknowledgeCommand } from './commands.ts';
import { screenDeviceId } from './device-auth.ts';
import { devicePolicy } from './policy.ts';
import { signageDeviceCommands, signageDevices, signageScreenshots } from './schema.ts';

/** A screenshot is a downscaled capture of one screen: a few megabytes is plenty, even at 4K in PNG. */
export const SCREENSHOT_MAX_BYTES = 8 * 1024 * 1024;

export type Screenshot = typeof signageScreenshots.$inferSelect;

/** Where a screen's screenshot file goes: under the org, one file per upload. */
export function screenshotKey(orgId: string, deviceId: string, id: string) {
  return `${orgId}/screenshots/${deviceId}/${id}`;
}

/**
 * The screen's upload becomes its latest screenshot, replacing the previous one (whose storage key
 * is returned so the caller removes the file after the commit). When it answers a `screenshot`
 * command, that command is acknowledged as done.
 */
export async function recordScreenshot(
  t: TenantTx,
  upload: { id: string; file: StoredFile; commandId?: string },
): Promise<{ screenshot: Screenshot; replacedKey: string | null }> {
  const deviceId = screenDeviceId(t.actor);
  if (upload.commandId) {
    const [command] = await t.tx
      .select({ command: signageDeviceCommands.command })
      .from(signageDeviceCommands)
      .where(
        and(eq(signageDeviceCommands.id, upload.commandId), eq(signageDeviceCommands.deviceId, deviceId)),
      );
    if (!command) throw invalidField('query.command_id', 'not a command of this screen');
    if (command.command !== 'screenshot') throw invalidField('query.command_id', 'not a screenshot command');
  }
  const [previous] = await t.tx
    .select({ storageKey: signageScreenshots.storageKey })
    .from(signageScreenshots)
    .where(eq(signageScreenshots.deviceId, deviceId));
  const values = {
    id: upload.id,
    commandId: upload.commandId ?? null,
    storageKey: upload.file.key,
    mimetype: upload.file.type,
    fileSize: upload.file.size,
    takenAt: sql`now()`,
  };
  const [screenshot] = await t.tx
    .insert(signageScreenshots)
    .values({ orgId: t.orgId, deviceId, ...values })
    .onConflictDoUpdate({ target: [signageScreenshots.orgId, signageScreenshots.deviceId], set: values })
    .returning();
  if (upload.commandId) await acknowledgeCommand(t, upload.commandId, { outcome: 'done' });
  t.publish(
    liveEvent(
      t.orgId,
      'signage.screenshot.taken',
      { device_id: deviceId, taken_at: screenshot.takenAt.toISOString() },
      ORG_ADMINS,
    ),
  );
  return { screenshot, replacedKey: previous?.storageKey ?? null };
}

/** The screen's latest screenshot, or null when it never sent one. */
export async function latestScreenshot(t: TenantTx, deviceId: string): Promise<Screenshot | null> {
  await devicePolicy.authorize(t.tx, t.actor, 'see', sql`${signageDevices.id} = ${deviceId}`);
  const [row] = await t.tx.select().from(signageScreenshots).where(eq(signageScreenshots.deviceId, deviceId));
  return row ?? null;
}

/** The screenshot file to send, 404 when the screen has none. */
export async function screenshotContent(t: TenantTx, deviceId: string): Promise<Screenshot> {
  const shot = await latestScreenshot(t, deviceId);
  if (!shot) throw notFound('Screenshot');
  return shot;
}
