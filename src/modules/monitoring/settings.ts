import { eq } from 'drizzle-orm';
import type { TenantTx } from '../../core/db/tenant.ts';
import { requireOrgAdmin } from '../../core/access/actor.ts';
import { audit } from '../../core/audit/service.ts';
import { unprocessable } from '../../core/http/problem.ts';
import { monitoringSettings } from './schema.ts';

export interface MonitoringSettings {
  pollIntervalMs: number;
  batteryWarningPercent: number;
  batteryCriticalPercent: number;
  rfLossBelowPercent: number;
  rfLossSeconds: number;
  silenceBelowPercent: number;
  silenceSeconds: number;
  offlineAfterMissedPolls: number;
  historyEverySeconds: number;
  historyRetentionHours: number;
}

/**
 * What an org gets until an admin changes it: warn at a quarter of the battery, critical at a
 * tenth (a typical AA transmitter then has well under an hour left), RF loss after five seconds
 * below 15 %, silence after thirty seconds, offline after three unanswered polls.
 */
export const DEFAULT_SETTINGS: MonitoringSettings = {
  pollIntervalMs: 1000,
  batteryWarningPercent: 25,
  batteryCriticalPercent: 10,
  rfLossBelowPercent: 15,
  rfLossSeconds: 5,
  silenceBelowPercent: 5,
  silenceSeconds: 30,
  offlineAfterMissedPolls: 3,
  historyEverySeconds: 10,
  historyRetentionHours: 48,
};

export const settingsView = (s: MonitoringSettings) => ({
  poll_interval_ms: s.pollIntervalMs,
  battery_warning_percent: s.batteryWarningPercent,
  battery_critical_percent: s.batteryCriticalPercent,
  rf_loss_below_percent: s.rfLossBelowPercent,
  rf_loss_seconds: s.rfLossSeconds,
  silence_below_percent: s.silenceBelowPercent,
  silence_seconds: s.silenceSeconds,
  offline_after_missed_polls: s.offlineAfterMissedPolls,
  history_every_seconds: s.historyEverySeconds,
  history_retention_hours: s.historyRetentionHours,
});

/** The org's settings (defaults where it never saved any). Read by the poller as the system actor. */
export async function readSettings(t: TenantTx): Promise<MonitoringSettings> {
  const [row] = await t.tx.select().from(monitoringSettings).where(eq(monitoringSettings.orgId, t.orgId));
  if (!row) return { ...DEFAULT_SETTINGS };
  const { orgId: _org, updatedAt: _at, ...values } = row;
  return values;
}

export async function getSettings(t: TenantTx): Promise<MonitoringSettings> {
  requireOrgAdmin(t.actor, 'read monitoring settings');
  return readSettings(t);
}

export async function updateSettings(
  t: TenantTx,
  patch: Partial<MonitoringSettings>,
): Promise<MonitoringSettings> {
  requireOrgAdmin(t.actor, 'change monitoring settings');
  const before = await readSettings(t);
  const after = { ...before, ...patch };
  // A critical level at or above the warning level would skip the warning entirely.
  if (after.batteryCriticalPercent >= after.batteryWarningPercent) {
    throw unprocessable(
      `battery_critical_percent (${after.batteryCriticalPercent}) must be below battery_warning_percent (${after.batteryWarningPercent})`,
      [{ path: 'body.battery_critical_percent', message: 'must be below battery_warning_percent' }],
    );
  }
  await t.tx
    .insert(monitoringSettings)
    .values({ orgId: t.orgId, ...after })
    .onConflictDoUpdate({ target: monitoringSettings.orgId, set: { ...after, updatedAt: new Date() } });
  await audit(t, {
    action: 'monitoring.settings.updated',
    entityType: 'monitoring_settings',
    entityId: t.orgId,
    message: 'Changed monitoring thresholds',
    before: settingsView(before),
    after: settingsView(after),
  });
  return after;
}
