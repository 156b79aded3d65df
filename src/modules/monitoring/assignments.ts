import { and, eq, gte, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { TenantTx } from '../../core/db/tenant.ts';
import { audit } from '../../core/audit/service.ts';
import { definedOnly } from '../../core/util/objects.ts';
import { keyset, type PageQuery } from '../../core/http/pagination.ts';
import { conflict, notFound, unprocessable } from '../../core/http/problem.ts';
import { phrase } from '../../core/http/problem-texts.ts';
import { uniqueOr409, getUnit } from './hardware.ts';
import { getGroup } from './groups.ts';
import { getPerformer } from './performers.ts';
import { assignmentPolicy } from './policy.ts';
import {
  monitoringGroups,
  performerAssignments as pa,
  performers,
  wirelessUnits,
  type Priority,
} from './schema.ts';
import { assignmentGroup, assignmentPerformer, assignmentUnit } from './joins.ts';
import { publishAssignmentEvent, unitAudience } from './live.ts';
import { assignmentView } from './views.ts';

export type PerformerAssignment = typeof pa.$inferSelect;
export type AssignmentRow = {
  a: PerformerAssignment;
  performerName: string;
  unitName: string;
  groupName: string;
};

/** Assignments with their performer, unit and group names (`with_performer_and_unit`), one query. */
async function rows(
  t: TenantTx,
  where: SQL | undefined,
  k?: ReturnType<typeof keyset<AssignmentRow>>,
): Promise<AssignmentRow[]> {
  const q = t.tx
    .select({
      a: pa,
      performerName: performers.name,
      unitName: wirelessUnits.name,
      groupName: monitoringGroups.name,
    })
    .from(pa)
    .innerJoin(performers, assignmentPerformer)
    .innerJoin(wirelessUnits, assignmentUnit)
    .innerJoin(monitoringGroups, assignmentGroup)
    .where(and(assignmentPolicy.visible(t.actor), where, k?.after));
  return k ? q.orderBy(...k.orderBy).limit(k.limit) : q;
}

export async function getAssignment(
  t: TenantTx,
  id: string,
  action: 'see' | 'manage' = 'see',
): Promise<AssignmentRow> {
  const a = await assignmentPolicy.load(t.tx, t.actor, action, eq(pa.id, id));
  const [names] = await t.tx
    .select({
      performerName: performers.name,
      unitName: wirelessUnits.name,
      groupName: monitoringGroups.name,
    })
    .from(performers)
    .innerJoin(wirelessUnits, eq(wirelessUnits.id, a.wirelessUnitId))
    .innerJoin(monitoringGroups, eq(monitoringGroups.id, a.monitoringGroupId))
    .where(eq(performers.id, a.performerId));
  return { a, ...names };
}

export type AlertToggles = {
  alertOnBatteryLow?: boolean;
  alertOnSignalLoss?: boolean;
  alertOnAudioLow?: boolean;
  alertOnDeviceOffline?: boolean;
};

/** `alert_enabled` is shorthand for all four toggles; explicit toggles win over it. */
function toggles(alertEnabled: boolean | undefined, explicit: AlertToggles): AlertToggles {
  const all =
    alertEnabled === undefined
      ? {}
      : {
          alertOnBatteryLow: alertEnabled,
          alertOnSignalLoss: alertEnabled,
          alertOnAudioLow: alertEnabled,
          alertOnDeviceOffline: alertEnabled,
        };
  return { ...all, ...definedOnly(explicit) };
}

/** The columns an assignment input writes: its fields, and the toggles with `alertEnabled` resolved. */
function assignmentColumns<T extends AlertToggles & { alertEnabled?: boolean }>(input: T) {
  const {
    alertEnabled,
    alertOnBatteryLow,
    alertOnSignalLoss,
    alertOnAudioLow,
    alertOnDeviceOffline,
    ...fields
  } = input;
  const explicit = { alertOnBatteryLow, alertOnSignalLoss, alertOnAudioLow, alertOnDeviceOffline };
  return { ...fields, ...toggles(alertEnabled, explicit) };
}

export interface AssignmentInput extends AlertToggles {
  performerId: string;
  wirelessUnitId: string;
  monitoringGroupId: string;
  priority?: Priority;
  notes?: string;
  alertEnabled?: boolean;
}

export async function createAssignment(t: TenantTx, input: AssignmentInput): Promise<AssignmentRow> {
  // Each part must be reachable by the caller: anything outside their org or groups is a 404.
  await getGroup(t, input.monitoringGroupId, 'assign');
  const performer = await getPerformer(t, input.performerId);
  const unit = await getUnit(t, input.wirelessUnitId);
  if (!performer.isActive)
    throw unprocessable(phrase('performer.inactive', { performer: performer.name }), [
      { path: 'body.performer_id', message: 'performer is inactive' },
    ]);
  const [existing] = await t.tx
    .select({ id: pa.id })
    .from(pa)
    .where(and(eq(pa.performerId, performer.id), eq(pa.wirelessUnitId, unit.id)));
  if (existing) {
    // The remedy for a duplicate pair is to reuse the existing assignment: the 409 carries its id
    // as data, while its texts name the performer and the unit in words.
    throw conflict(
      phrase('performer.alreadyAssigned', { performer: performer.name, unit: unit.name }),
      [
        {
          path: 'body.wireless_unit_id',
          message: phrase('performer.alreadyAssignedField', { performer: performer.name }),
        },
      ],
      { existing_assignment_id: existing.id },
    );
  }
  const [created] = await uniqueOr409(
    () =>
      t.tx
        .insert(pa)
        .values({ orgId: t.orgId, ...assignmentColumns(input), assignedBy: t.actor.userId })
        .returning(),
    phrase('performer.onUnit', { performer: performer.name, unit: unit.name }),
  );
  const row = await getAssignment(t, created.id);
  const view = assignmentView(row);
  await audit(t, {
    action: 'monitoring.assignment.created',
    entityType: 'performer_assignment',
    entityId: created.id,
    message: `Assigned ${performer.name} to ${unit.name} in ${row.groupName} (${created.priority})`,
    after: view,
  });
  await publishAssignmentEvent(t, 'created', { ...view, wireless_unit_id: unit.id });
  return row;
}

export interface AssignmentPatch extends AlertToggles {
  priority?: Priority;
  notes?: string;
  alertEnabled?: boolean;
}

/** Priority, notes and alert toggles (`update_assignment`, `update_alert_status`). */
export async function updateAssignment(
  t: TenantTx,
  id: string,
  patch: AssignmentPatch,
  action = 'updated',
): Promise<AssignmentRow> {
  const before = await getAssignment(t, id, 'manage');
  await t.tx
    .update(pa)
    .set({ ...assignmentColumns(patch), updatedAt: new Date() })
    .where(eq(pa.id, id));
  const after = await getAssignment(t, id);
  const view = assignmentView(after);
  await audit(t, {
    action: `monitoring.assignment.${action}`,
    entityType: 'performer_assignment',
    entityId: id,
    message: `Assignment of ${after.performerName} to ${after.unitName} ${action}`,
    before: assignmentView(before),
    after: view,
  });
  await publishAssignmentEvent(t, action, { ...view, wireless_unit_id: after.a.wirelessUnitId });
  return after;
}

export async function setAssignmentActive(
  t: TenantTx,
  id: string,
  isActive: boolean,
): Promise<AssignmentRow> {
  const before = await getAssignment(t, id, 'manage');
  // The audience before deactivating: those who lose sight of the unit must hear about it.
  const audience = isActive ? undefined : await unitAudience(t, before.a.wirelessUnitId);
  await t.tx.update(pa).set({ isActive, updatedAt: new Date() }).where(eq(pa.id, id));
  const after = await getAssignment(t, id);
  const what = isActive ? 'reactivated' : 'deactivated';
  await audit(t, {
    action: `monitoring.assignment.${what}`,
    entityType: 'performer_assignment',
    entityId: id,
    message: `Assignment of ${after.performerName} to ${after.unitName} ${what}`,
    before: { is_active: before.a.isActive },
    after: { is_active: isActive },
  });
  await publishAssignmentEvent(
    t,
    what,
    { ...assignmentView(after), wireless_unit_id: after.a.wirelessUnitId },
    audience,
  );
  return after;
}

export async function deleteAssignment(t: TenantTx, id: string): Promise<void> {
  const before = await getAssignment(t, id, 'manage');
  const audience = await unitAudience(t, before.a.wirelessUnitId);
  await t.tx.delete(pa).where(eq(pa.id, id));
  await audit(t, {
    action: 'monitoring.assignment.deleted',
    entityType: 'performer_assignment',
    entityId: id,
    message: `Removed ${before.performerName} from ${before.unitName}`,
    before: assignmentView(before),
  });
  await publishAssignmentEvent(t, 'deleted', { id, wireless_unit_id: before.a.wirelessUnitId }, audience);
}

const anyAlert = or(
  eq(pa.alertOnBatteryLow, true),
  eq(pa.alertOnSignalLoss, true),
  eq(pa.alertOnAudioLow, true),
  eq(pa.alertOnDeviceOffline, true),
);

export interface AssignmentFilter {
  performerId?: string;
  wirelessUnitId?: string;
  monitoringGroupId?: string;
  priority?: Priority;
  includeInactive?: boolean;
  /** `needing_alerts`: active with at least one alert toggle on. */
  needingAlerts?: boolean;
  /** With `needingAlerts`: only those created or changed at/after this instant. */
  after?: Date;
}

/** Deactivated performers drop out of every assignment query: a performer disabled for an event is gone. */
function assignmentWhere(f: AssignmentFilter): SQL | undefined {
  return and(
    eq(performers.isActive, true),
    f.includeInactive && !f.needingAlerts ? undefined : eq(pa.isActive, true),
    f.performerId ? eq(pa.performerId, f.performerId) : undefined,
    f.wirelessUnitId ? eq(pa.wirelessUnitId, f.wirelessUnitId) : undefined,
    f.monitoringGroupId ? eq(pa.monitoringGroupId, f.monitoringGroupId) : undefined,
    f.priority ? eq(pa.priority, f.priority) : undefined,
    f.needingAlerts ? anyAlert : undefined,
    f.after ? gte(pa.updatedAt, f.after) : undefined,
  );
}

export async function listAssignments(t: TenantTx, f: AssignmentFilter, page: PageQuery) {
  const k = keyset<AssignmentRow>({ columns: [pa.id], key: (r) => [r.a.id], page });
  return k.finish(await rows(t, assignmentWhere(f), k));
}

/**
 * `listAssignments` of the performer, unit or group the filter names, each of which must be one
 * the caller reaches (404 otherwise): an empty page means "none", never "not yours".
 */
export async function listAssignmentsOf(t: TenantTx, f: AssignmentFilter, page: PageQuery) {
  if (f.performerId) await getPerformer(t, f.performerId);
  if (f.wirelessUnitId) await getUnit(t, f.wirelessUnitId);
  if (f.monitoringGroupId) await getGroup(t, f.monitoringGroupId);
  return listAssignments(t, f, page);
}

/** `count_total_assignments` and `count_assignments_with_alerts`, over what the caller sees. */
export async function countAssignments(t: TenantTx, f: AssignmentFilter = {}) {
  const [r] = await t.tx
    .select({
      total: sql<number>`count(*)::int`,
      withAlerts: sql<number>`(count(*) filter (where ${anyAlert}))::int`,
    })
    .from(pa)
    .innerJoin(performers, assignmentPerformer)
    .where(and(assignmentPolicy.visible(t.actor), assignmentWhere({ ...f, needingAlerts: false })));
  return r;
}

/**
 * Bulk `update_alert_status`: switches the toggles of the listed assignments (or of every assignment
 * of a group) at once. All listed ids must be ones the caller may manage, else nothing changes.
 */
export async function setAlertStatus(
  t: TenantTx,
  target: { ids?: string[]; monitoringGroupId?: string },
  alertEnabled: boolean | undefined,
  explicit: AlertToggles,
) {
  const set = toggles(alertEnabled, explicit);
  if (target.monitoringGroupId) await getGroup(t, target.monitoringGroupId);
  const scope = and(
    assignmentPolicy.allowed(t.actor, 'manage'),
    target.ids ? inArray(pa.id, target.ids) : undefined,
    target.monitoringGroupId ? eq(pa.monitoringGroupId, target.monitoringGroupId) : undefined,
  );
  if (target.ids) {
    const found = await t.tx.select({ id: pa.id }).from(pa).where(scope);
    const missing = target.ids.find((id) => !found.some((f) => f.id === id));
    if (missing) throw notFound('Assignment');
  }
  const updated = await t.tx
    .update(pa)
    .set({ ...set, updatedAt: new Date() })
    .where(scope)
    .returning({ id: pa.id, wirelessUnitId: pa.wirelessUnitId });
  await audit(t, {
    action: 'monitoring.assignment.alerts',
    entityType: 'performer_assignment',
    message: `Alert toggles set on ${updated.length} assignment(s)`,
    after: { ids: updated.map((u) => u.id), ...set },
  });
  for (const u of updated)
    await publishAssignmentEvent(t, 'updated', { id: u.id, wireless_unit_id: u.wirelessUnitId });
  return { updated: updated.length, ids: updated.map((u) => u.id) };
}
