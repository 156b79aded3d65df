import { and, eq, isNull, type SQL } from 'drizzle-orm';
import type { TenantTx } from '../../core/db/tenant.ts';
import { keyset, type Page, type PageQuery } from '../../core/http/pagination.ts';
import { forbidden, invalidField } from '../../core/http/problem.ts';
import { definedOnly } from '../../core/util/objects.ts';
import { recordCreated, recordDeleted, recordUpdated, type RecordKind } from './changes.ts';
import { requirePlaylist } from './playlists.ts';
import { schedulePolicy } from './policy.ts';
import { signageDevices, signageSchedules, signageScreenGroups, type DayPart } from './schema.ts';
import { scheduleView } from './views.ts';

export type Schedule = typeof signageSchedules.$inferSelect;

/** What a schedule targets: one screen, one group, or (both null) every screen of the org. */
export interface ScheduleTarget {
  deviceId: string | null;
  groupId: string | null;
}

export interface ScheduleFields extends ScheduleTarget {
  name: string;
  playlistId: string;
  dayparts: DayPart[];
  startsOn: string | null;
  endsOn: string | null;
}

export interface ScheduleFilters {
  deviceId?: string;
  groupId?: string;
  playlistId?: string;
  /** Only the schedules for the whole org. */
  orgWide?: boolean;
}

const s = signageSchedules;
const schedules: RecordKind<Schedule> = {
  entityType: 'signage_schedule',
  noun: 'Schedule',
  topic: 'signage.schedule',
  view: scheduleView,
  audience: { everyone: true },
};

async function exists(t: TenantTx, table: typeof signageDevices | typeof signageScreenGroups, id: string) {
  const [row] = await t.tx.select({ id: table.id }).from(table).where(eq(table.id, id));
  return Boolean(row);
}

/** Checks the references a schedule names (400 naming the field; nothing is stored when one is wrong). */
async function checkFields(t: TenantTx, input: Partial<ScheduleFields>) {
  if (input.deviceId && input.groupId)
    throw invalidField('body.group_id', 'a schedule targets one screen or one group, not both');
  await requirePlaylist(t, input.playlistId);
  if (input.deviceId && !(await exists(t, signageDevices, input.deviceId)))
    throw invalidField('body.device_id', 'screen not found');
  if (input.groupId && !(await exists(t, signageScreenGroups, input.groupId)))
    throw invalidField('body.group_id', 'screen group not found');
  if (input.startsOn && input.endsOn && input.endsOn < input.startsOn)
    throw invalidField('body.ends_on', 'must be on or after starts_on');
}

async function readSchedule(t: TenantTx, id: string): Promise<Schedule> {
  const [row] = await t.tx.select().from(s).where(eq(s.id, id));
  return row;
}

export async function getSchedule(t: TenantTx, id: string): Promise<Schedule> {
  return schedulePolicy.load(t.tx, t.actor, 'see', eq(s.id, id));
}

export async function listSchedules(
  t: TenantTx,
  page: PageQuery,
  f: ScheduleFilters,
): Promise<Page<Schedule>> {
  const ks = keyset<Schedule>({ columns: [s.id], key: (r) => [r.id], page });
  const conditions: Array<SQL | undefined> = [
    schedulePolicy.visible(t.actor),
    ks.after,
    f.deviceId ? eq(s.deviceId, f.deviceId) : undefined,
    f.groupId ? eq(s.groupId, f.groupId) : undefined,
    f.playlistId ? eq(s.playlistId, f.playlistId) : undefined,
    f.orgWide ? and(isNull(s.deviceId), isNull(s.groupId)) : undefined,
  ];
  const rows = await t.tx
    .select()
    .from(s)
    .where(and(...conditions))
    .orderBy(...ks.orderBy)
    .limit(ks.limit);
  return ks.finish(rows);
}

export async function createSchedule(t: TenantTx, input: ScheduleFields): Promise<Schedule> {
  if (!schedulePolicy.mayEver(t.actor, 'manage'))
    throw forbidden('Only organization admins may schedule screens');
  await checkFields(t, input);
  const [row] = await t.tx
    .insert(s)
    .values({ orgId: t.orgId, ...input })
    .returning();
  await recordCreated(t, schedules, row);
  return row;
}

/** Changes a schedule; naming a screen clears the group and the reverse, so the target stays one. */
export async function updateSchedule(
  t: TenantTx,
  id: string,
  patch: Partial<ScheduleFields>,
): Promise<Schedule> {
  await schedulePolicy.authorize(t.tx, t.actor, 'manage', eq(s.id, id));
  const before = await readSchedule(t, id);
  await checkFields(t, {
    ...patch,
    startsOn: patch.startsOn === undefined ? before.startsOn : patch.startsOn,
    endsOn: patch.endsOn === undefined ? before.endsOn : patch.endsOn,
  });
  const target = patch.deviceId ? { groupId: null } : patch.groupId ? { deviceId: null } : {};
  await t.tx
    .update(s)
    .set({ ...definedOnly(patch), ...target, updatedAt: new Date() })
    .where(eq(s.id, id));
  const after = await readSchedule(t, id);
  await recordUpdated(t, schedules, after, { before: scheduleView(before), after: scheduleView(after) });
  return after;
}

export async function deleteSchedule(t: TenantTx, id: string) {
  await schedulePolicy.authorize(t.tx, t.actor, 'manage', eq(s.id, id));
  const before = await readSchedule(t, id);
  await t.tx.delete(s).where(eq(s.id, id));
  await recordDeleted(t, schedules, before);
}
