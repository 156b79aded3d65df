import { eq } from 'drizzle-orm';
import type { TenantTx } from '../../core/db/tenant.ts';
import { requireOrgAdmin } from '../../core/access/actor.ts';
import { audit } from '../../core/audit/service.ts';
import { unprocessable } from '../../core/http/problem.ts';
import { phrase } from '../../core/http/problem-texts.ts';
import { monitoringSettings } from './schema.ts';
import { settingsView } from './views.ts';

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

/** The thresholds of a settings row, without whose row it is and when it changed. */
const settingsColumns = {
  pollIntervalMs: monitoringSettings.pollIntervalMs,
  batteryWarningPercent: monitoringSettings.batteryWarningPercent,
  batteryCriticalPercent: monitoringSettings.batteryCriticalPercent,
  rfLossBelowPercent: monitoringSettings.rfLossBelowPercent,
  rfLossSeconds: monitoringSettings.rfLossSeconds,
  silenceBelowPercent: monitoringSettings.silenceBelowPercent,
  silenceSeconds: monitoringSettings.silenceSeconds,
  offlineAfterMissedPolls: monitoringSettings.offlineAfterMissedPolls,
  historyEverySeconds: monitoringSettings.historyEverySeconds,
  historyRetentionHours: monitoringSettings.historyRetentionHours,
};

/** The org's settings (defaults where it never saved any). Read by the poller as the system actor. */
export async function readSettings(t: TenantTx): Promise<MonitoringSettings> {
  const [row] = await t.tx
    .select(settingsColumns)
    .from(monitoringSettings)
    .where(eq(monitoringSettings.orgId, t.orgId));
  return row ?? { ...DEFAULT_SETTINGS };
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
      phrase('battery.levels', {
        critical: after.batteryCriticalPercent,
        warning: after.batteryWarningPercent,
      }),
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
