import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import { requireOrgAdmin } from '../../core/access/actor.ts';
import { audit } from '../../core/audit/service.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { liveEvent, ORG_ADMINS } from '../../core/events/bus.ts';
import { keyset, type Page, type PageQuery } from '../../core/http/pagination.ts';
import { notFound } from '../../core/http/problem.ts';
import { screenDeviceId } from './device-auth.ts';
import { requireGroups, requireScreens, screensInGroups } from './groups.ts';
import { devicePolicy } from './policy.ts';
import { screenCommandEvents } from './screen-channel.ts';
import { signageDeviceCommands, signageDevices, type CommandOutcome, type DeviceCommand } from './schema.ts';

/** A command not picked up within this time is dropped: a screen back after a day must not reboot. */
export const COMMAND_TTL_SECONDS = 24 * 3600;

export const COMMAND_STATUSES = ['pending', 'done', 'failed', 'expired'] as const;
export type CommandStatus = (typeof COMMAND_STATUSES)[number];

/** A command as the console sees it, with where it stands. */
export type CommandRecord = typeof signageDeviceCommands.$inferSelect & { status: CommandStatus };

export interface QueuedCommands {
  command: DeviceCommand;
  deviceIds: string[];
  commands: CommandRecord[];
}

const c = signageDeviceCommands;
const statusSql = sql<CommandStatus>`(case
  when ${c.outcome} is not null then ${c.outcome}
  when ${c.expiresAt} <= now() then 'expired'
  else 'pending' end)`;
const withStatus = {
  orgId: c.orgId,
  id: c.id,
  deviceId: c.deviceId,
  command: c.command,
  createdBy: c.createdBy,
  createdAt: c.createdAt,
  expiresAt: c.expiresAt,
  acknowledgedAt: c.acknowledgedAt,
  outcome: c.outcome,
  detail: c.detail,
  status: statusSql,
};
const statusIs: Record<CommandStatus, SQL> = {
  pending: sql`(${c.acknowledgedAt} is null and ${c.expiresAt} > now())`,
  expired: sql`(${c.acknowledgedAt} is null and ${c.expiresAt} <= now())`,
  done: sql`${c.outcome} = 'done'`,
  failed: sql`${c.outcome} = 'failed'`,
};

/**
 * Queues `command` for the chosen screens of the org and the screens of the chosen groups (every
 * screen when neither is given). A group's screens are those in it now. Each screen finds the
 * command in its next playlist poll, or at once on its live channel when connected, and
 * acknowledges it once carried out.
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
  const commands =
    screens.length === 0
      ? []
      : await t.tx
          .insert(signageDeviceCommands)
          .values(
            screens.map((s) => ({
              orgId: t.orgId,
              deviceId: s.id,
              command,
              createdBy: t.actor.userId,
              expiresAt: sql`now() + make_interval(secs => ${COMMAND_TTL_SECONDS})`,
            })),
          )
          .returning(withStatus);
  const ids = screens.map((s) => s.id);
  await audit(t, {
    action: 'create',
    entityType: 'signage_command',
    entityId: commands.length === 1 ? commands[0].id : null,
    message: `Command "${command}" sent to ${ids.length} screen(s)`,
    after: { command, device_ids: ids },
  });
  t.publish(liveEvent(t.orgId, 'signage.command.sent', { command, device_ids: ids }, ORG_ADMINS));
  for (const event of screenCommandEvents(t.orgId, commands)) t.publish(event);
  return { command, deviceIds: ids, commands };
}

/** Sends one command to one screen of the org (404 for a screen the org does not have). */
export async function sendScreenCommand(
  t: TenantTx,
  deviceId: string,
  command: DeviceCommand,
): Promise<CommandRecord> {
  await devicePolicy.authorize(t.tx, t.actor, 'see', sql`${signageDevices.id} = ${deviceId}`);
  const queued = await queueCommand(t, command, [deviceId]);
  return queued.commands[0];
}

export interface CommandFilters {
  status?: CommandStatus;
}

/** A screen's commands, newest first. */
export async function listScreenCommands(
  t: TenantTx,
  deviceId: string,
  page: PageQuery,
  filters: CommandFilters,
): Promise<Page<CommandRecord>> {
  await devicePolicy.authorize(t.tx, t.actor, 'see', sql`${signageDevices.id} = ${deviceId}`);
  const ks = keyset<CommandRecord>({ columns: [c.id], key: (r) => [r.id], page, descending: true });
  const rows = await t.tx
    .select(withStatus)
    .from(c)
    .where(and(eq(c.deviceId, deviceId), ks.after, filters.status ? statusIs[filters.status] : undefined))
    .orderBy(...ks.orderBy)
    .limit(ks.limit);
  return ks.finish(rows);
}

export interface Acknowledgement {
  outcome: CommandOutcome;
  detail?: string;
}

/**
 * The screen says it carried out (or failed) one of its commands. The first acknowledgement
 * stands: a repeated one (an answer lost on the way back) changes nothing.
 */
export async function acknowledgeCommand(
  t: TenantTx,
  id: string,
  ack: Acknowledgement = { outcome: 'done' },
): Promise<CommandRecord> {
  const deviceId = screenDeviceId(t.actor);
  const mine = and(eq(c.id, id), eq(c.deviceId, deviceId));
  const [row] = await t.tx.select(withStatus).from(c).where(mine);
  if (!row) throw notFound('Command');
  if (row.acknowledgedAt) return row;
  const [done] = await t.tx
    .update(c)
    .set({ acknowledgedAt: sql`now()`, outcome: ack.outcome, detail: ack.detail ?? '' })
    .where(and(mine, isNull(c.acknowledgedAt)))
    .returning(withStatus);
  // Acknowledged by a concurrent request in between: that first acknowledgement stands.
  if (!done) return (await t.tx.select(withStatus).from(c).where(mine))[0];
  await audit(t, {
    action: 'update',
    entityType: 'signage_command',
    entityId: id,
    message: `Command "${row.command}" ${ack.outcome === 'done' ? 'carried out' : 'failed'}${
      ack.detail ? `: ${ack.detail}` : ''
    }`,
    before: { status: row.status },
    after: { status: done.status, detail: done.detail },
  });
  t.publish(
    liveEvent(
      t.orgId,
      'signage.command.acknowledged',
      { id, device_id: deviceId, command: row.command, outcome: ack.outcome },
      ORG_ADMINS,
    ),
  );
  return done;
}
