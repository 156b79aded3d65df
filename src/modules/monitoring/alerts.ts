import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { withinPeriod } from '../../core/db/period.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { audit } from '../../core/audit/service.ts';
import { liveEvent, type Audience } from '../../core/events/bus.ts';
import { keyset, type PageQuery } from '../../core/http/pagination.ts';
import { conflict } from '../../core/http/problem.ts';
import { phrase } from '../../core/http/problem-texts.ts';
import { alertPolicy } from './policy.ts';
import { alertView } from './views.ts';
import { unitAudiences } from './live.ts';
import {
  ALERT_KINDS,
  alerts,
  performerAssignments as pa,
  performers,
  wirelessUnits,
  type AlertKind,
  type Priority,
} from './schema.ts';
import { assignmentPerformer } from './joins.ts';

export type Alert = typeof alerts.$inferSelect;
type Severity = Alert['severity'];
export type AlertRow = { a: Alert; unitName: string; performerName: string };

function alertRows(t: TenantTx) {
  return t.tx
    .select({ a: alerts, unitName: wirelessUnits.name, performerName: performers.name })
    .from(alerts)
    .innerJoin(wirelessUnits, and(eq(wirelessUnits.orgId, alerts.orgId), eq(wirelessUnits.id, alerts.unitId)))
    .innerJoin(performers, and(eq(performers.orgId, alerts.orgId), eq(performers.id, alerts.performerId)));
}

/** The unit and performer names an alert is shown with. */
async function alertNames(t: TenantTx, a: Alert): Promise<{ unitName: string; performerName: string }> {
  const [names] = await t.tx
    .select({ unitName: wirelessUnits.name, performerName: performers.name })
    .from(wirelessUnits)
    .innerJoin(performers, eq(performers.id, a.performerId))
    .where(eq(wirelessUnits.id, a.unitId));
  return names;
}

export async function getAlert(
  t: TenantTx,
  id: string,
  action: 'see' | 'acknowledge' = 'see',
): Promise<AlertRow> {
  const a = await alertPolicy.load(t.tx, t.actor, action, eq(alerts.id, id));
  return { a, ...(await alertNames(t, a)) };
}

export interface AlertFilter {
  state?: Alert['state'];
  kind?: AlertKind;
  priority?: Priority;
  unitId?: string;
  performerId?: string;
  /** Raised at or after `from`, before `to`. */
  from?: Date;
  to?: Date;
}

/** Alert history, newest first, limited to the units the caller's groups reach. */
export async function listAlerts(t: TenantTx, f: AlertFilter, page: PageQuery) {
  const k = keyset({ columns: [alerts.id], key: (r: AlertRow) => [r.a.id], page, descending: true });
  const rows = await alertRows(t)
    .where(
      and(
        alertPolicy.visible(t.actor),
        f.state ? eq(alerts.state, f.state) : undefined,
        f.kind ? eq(alerts.kind, f.kind) : undefined,
        f.priority ? eq(alerts.priority, f.priority) : undefined,
        f.unitId ? eq(alerts.unitId, f.unitId) : undefined,
        f.performerId ? eq(alerts.performerId, f.performerId) : undefined,
        withinPeriod(alerts.raisedAt, f),
        k.after,
      ),
    )
    .orderBy(...k.orderBy)
    .limit(k.limit);
  return k.finish(rows);
}

export async function acknowledgeAlert(t: TenantTx, id: string): Promise<AlertRow> {
  const before = await getAlert(t, id, 'acknowledge');
  if (before.a.state !== 'open') throw conflict(phrase('alert.already', { state: before.a.state }));
  const [a] = await t.tx
    .update(alerts)
    .set({
      state: 'acknowledged',
      acknowledgedAt: new Date(),
      acknowledgedBy: t.actor.userId,
      updatedAt: new Date(),
    })
    .where(eq(alerts.id, id))
    .returning();
  const row = { ...before, a };
  await audit(t, {
    action: 'monitoring.alert.acknowledged',
    entityType: 'monitoring_alert',
    entityId: id,
    message: `Acknowledged ${a.kind} alert on ${row.unitName} (${row.performerName})`,
    before: { state: before.a.state },
    after: { state: a.state },
  });
  // Derived grants show critical alerts only, so only those go to their holders.
  const audiences = await unitAudiences(t, [a.unitId], { derived: a.severity === 'critical' });
  t.publish(liveEvent(t.orgId, 'monitoring.alert.acknowledged', alertView(row), audiences.get(a.unitId)!));
  return row;
}

// The engine, run by the poller inside the org's transaction.

/**
 * What the latest reading says about each alert kind of a unit: a severity when the condition
 * holds, `false` when it is clear, absent when the reading cannot tell (a transmitter that is off
 * says nothing about its battery), in which case an open alert stays as it is.
 */
export type Conditions = Partial<
  Record<AlertKind, { severity: Severity; value: number | null; message: string } | false>
>;

const TOGGLE: Record<AlertKind, keyof typeof pa.$inferSelect> = {
  battery_low: 'alertOnBatteryLow',
  signal_loss: 'alertOnSignalLoss',
  audio_low: 'alertOnAudioLow',
  device_offline: 'alertOnDeviceOffline',
};
const RANK = sql`case ${pa.priority} when 'critical' then 4 when 'high' then 3 when 'normal' then 2 else 1 end`;

export interface EngineResult {
  raised: number;
  escalated: number;
  resolved: number;
}

/**
 * Raises, escalates and resolves alerts for the evaluated units. An alert needs an active
 * assignment of an active performer on the unit whose toggle for that kind is on; when several
 * qualify, the highest priority one is named (the mic of the lead singer first). One unresolved
 * alert per (unit, kind), guarded by a partial unique index.
 */
export async function evaluateAlerts(
  t: TenantTx,
  units: Map<string, { name: string; conditions: Conditions }>,
  now: Date,
): Promise<EngineResult> {
  const result: EngineResult = { raised: 0, escalated: 0, resolved: 0 };
  const ids = [...units.keys()];
  if (ids.length === 0) return result;
  const assignments = await t.tx
    .select({ a: pa, performerName: performers.name })
    .from(pa)
    .innerJoin(performers, assignmentPerformer)
    .where(and(inArray(pa.wirelessUnitId, ids), eq(pa.isActive, true), eq(performers.isActive, true)))
    .orderBy(sql`${RANK} desc`, pa.assignedAt, pa.id);
  const open = await t.tx
    .select()
    .from(alerts)
    .where(and(inArray(alerts.unitId, ids), ne(alerts.state, 'resolved')));
  const openOf = new Map(open.map((a) => [`${a.unitId}:${a.kind}`, a]));
  const events: { type: string; row: AlertRow }[] = [];

  for (const [unitId, { name, conditions }] of units) {
    for (const kind of ALERT_KINDS) {
      const cond = conditions[kind];
      if (cond === undefined) continue;
      const existing = openOf.get(`${unitId}:${kind}`);
      const target = cond
        ? assignments.find((r) => r.a.wirelessUnitId === unitId && r.a[TOGGLE[kind]] === true)
        : undefined;
      if (cond && target) {
        const names = { unitName: name, performerName: target.performerName };
        if (!existing) {
          const [a] = await t.tx
            .insert(alerts)
            .values({
              orgId: t.orgId,
              unitId,
              performerId: target.a.performerId,
              assignmentId: target.a.id,
              kind,
              severity: cond.severity,
              priority: target.a.priority,
              message: cond.message,
              value: cond.value,
              raisedAt: now,
              updatedAt: now,
            })
            .onConflictDoNothing({
              target: [alerts.orgId, alerts.unitId, alerts.kind],
              where: sql`state <> 'resolved'`,
            })
            .returning();
          if (a) {
            result.raised++;
            events.push({ type: 'raised', row: { a, ...names } });
          }
        } else if (existing.severity === 'warning' && cond.severity === 'critical') {
          // Worse than what was acknowledged: it needs someone's attention again.
          const [a] = await t.tx
            .update(alerts)
            .set({
              severity: 'critical',
              state: 'open',
              acknowledgedAt: null,
              acknowledgedBy: null,
              message: cond.message,
              value: cond.value,
              priority: target.a.priority,
              updatedAt: now,
            })
            .where(eq(alerts.id, existing.id))
            .returning();
          result.escalated++;
          events.push({ type: 'escalated', row: { a, ...names } });
        }
      } else if (existing) {
        // The condition cleared, or nobody is watching it any more (toggle off, assignment ended).
        const [a] = await t.tx
          .update(alerts)
          .set({ state: 'resolved', resolvedAt: now, updatedAt: now })
          .where(eq(alerts.id, existing.id))
          .returning();
        const [names] = await t.tx
          .select({ performerName: performers.name })
          .from(performers)
          .where(eq(performers.id, a.performerId));
        result.resolved++;
        events.push({
          type: 'resolved',
          row: { a, unitName: name, performerName: names?.performerName ?? '' },
        });
      }
    }
  }
  if (events.length) {
    const unitIds = [...new Set(events.map((e) => e.row.a.unitId))];
    const audiences = await unitAudiences(t, unitIds);
    // Derived grants show critical alerts only: warnings go to the direct audience.
    const direct = events.some((e) => e.row.a.severity !== 'critical')
      ? await unitAudiences(t, unitIds, { derived: false })
      : audiences;
    for (const e of events)
      t.publish(
        liveEvent(
          t.orgId,
          `monitoring.alert.${e.type}`,
          alertView(e.row),
          (e.row.a.severity === 'critical' ? audiences : direct).get(e.row.a.unitId) as Audience,
        ),
      );
  }
  return result;
}
