import { and, eq, isNull, sql } from 'drizzle-orm';
import { requireOrgAdmin } from '../../core/access/actor.ts';
import { audit } from '../../core/audit/service.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { liveEvent } from '../../core/events/bus.ts';
import { notFound } from '../../core/http/problem.ts';
import { ORG_ADMINS } from './audiences.ts';
import { screenDeviceId } from './device-auth.ts';
import { requireGroups, requireScreens, screensInGroups } from './groups.ts';
import { signageDeviceCommands, signageDevices, type DeviceCommand } from './schema.ts';

/** A command not picked up within this time is dropped: a screen back after a day must not reboot. */
export const COMMAND_TTL_SECONDS = 24 * 3600;

export interface QueuedCommands {
  command: DeviceCommand;
  deviceIds: string[];
}

/**
 * Queues `command` for the chosen screens of the org and the screens of the chosen groups (every
 * screen when neither is given). A group's screens are those in it now. Each screen finds the
 * command in its next playlist poll and acknowledges it once carried out.
 */
export async function queueCommand(
  t: TenantTx,
  command: DeviceCommand,
  deviceIds?: string[],
  groupIds?: string[],
): Promise<QueuedCommands> {
  requireOrgAdmin(t.actor, 'send commands to screens');
  const everyScreen = deviceIds === undefined && groupIds === undefined;
  if (deviceIds) await requireScreens(t, deviceIds, 'body.device_ids');
  const inGroups = groupIds
    ? await screensInGroups(t, await requireGroups(t, groupIds, 'body.group_ids'))
    : [];
  const chosen = [...new Set([...(deviceIds ?? []), ...inGroups])];
  const screens = everyScreen
    ? await t.tx.select({ id: signageDevices.id }).from(signageDevices)
    : chosen.map((id) => ({ id }));
  if (screens.length > 0)
    await t.tx.insert(signageDeviceCommands).values(
      screens.map((s) => ({
        orgId: t.orgId,
        deviceId: s.id,
        command,
        createdBy: t.actor.userId,
        expiresAt: sql`now() + make_interval(secs => ${COMMAND_TTL_SECONDS})`,
      })),
    );
  const ids = screens.map((s) => s.id);
  await audit(t, {
    action: 'create',
    entityType: 'signage_command',
    entityId: null,
    message: `Command "${command}" sent to ${ids.length} screen(s)`,
    after: { command, device_ids: ids },
  });
  t.publish(liveEvent(t.orgId, 'signage.command.sent', { command, device_ids: ids }, ORG_ADMINS));
  return { command, deviceIds: ids };
}

/** The screen says it carried out one of its commands; acknowledging twice changes nothing. */
export async function acknowledgeCommand(t: TenantTx, id: string) {
  const deviceId = screenDeviceId(t.actor);
  const [row] = await t.tx
    .select({ command: signageDeviceCommands.command, acknowledgedAt: signageDeviceCommands.acknowledgedAt })
    .from(signageDeviceCommands)
    .where(and(eq(signageDeviceCommands.id, id), eq(signageDeviceCommands.deviceId, deviceId)));
  if (!row) throw notFound('Command');
  if (row.acknowledgedAt) return { id, command: row.command, acknowledgedAt: row.acknowledgedAt };
  const [done] = await t.tx
    .update(signageDeviceCommands)
    .set({ acknowledgedAt: sql`now()` })
    .where(and(eq(signageDeviceCommands.id, id), isNull(signageDeviceCommands.acknowledgedAt)))
    .returning({ acknowledgedAt: signageDeviceCommands.acknowledgedAt });
  t.publish(
    liveEvent(
      t.orgId,
      'signage.command.acknowledged',
      { id, device_id: deviceId, command: row.command },
      ORG_ADMINS,
    ),
  );
  // The update above has just set it.
  return { id, command: row.command, acknowledgedAt: done.acknowledgedAt! };
}
