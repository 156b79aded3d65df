import { z } from 'zod';
import { tenant, type RosterApp } from '../../core/http/app.ts';
import { uuidParam } from '../../core/db/ids.ts';
import { pageOf, pageQuery } from '../../core/http/pagination.ts';
import * as al from './alerts.ts';
import { listUnitHistory } from './history.ts';
import { getSettings, settingsView, updateSettings, type MonitoringSettings } from './settings.ts';
import { ALERT_KINDS, ALERT_SEVERITIES, ALERT_STATES, PRIORITIES, UNIT_STATUSES } from './schema.ts';

const idParams = z.object({ id: uuidParam });
const ref = z.object({ id: z.string(), name: z.string() });
const instant = z.iso.datetime({ offset: true }).transform((v) => new Date(v));

const alertOut = z.object({
  id: z.string(),
  kind: z.enum(ALERT_KINDS),
  severity: z.enum(ALERT_SEVERITIES),
  state: z.enum(ALERT_STATES),
  priority: z.enum(PRIORITIES),
  message: z.string(),
  value: z.number().nullable(),
  unit: ref,
  performer: ref,
  assignment_id: z.string(),
  raised_at: z.string(),
  acknowledged_at: z.string().nullable(),
  acknowledged_by: z.number().nullable(),
  resolved_at: z.string().nullable(),
  updated_at: z.string(),
});
const alertQuery = pageQuery.extend({
  state: z.enum(ALERT_STATES).optional(),
  kind: z.enum(ALERT_KINDS).optional(),
  priority: z.enum(PRIORITIES).optional(),
  unit: uuidParam.optional(),
  performer: uuidParam.optional(),
  from: instant.optional(),
  to: instant.optional(),
});
const sampleOut = z.object({
  at: z.string(),
  battery: z.number().nullable(),
  rf_signal: z.number().nullable(),
  audio_level: z.number().nullable(),
  status: z.enum(UNIT_STATUSES),
});

const percent = z.number().int().min(0).max(100);
const seconds = z.number().int().min(1).max(3600);
const settingsFields = {
  poll_interval_ms: z.number().int().min(250).max(60_000),
  battery_warning_percent: percent,
  battery_critical_percent: percent,
  rf_loss_below_percent: percent,
  rf_loss_seconds: seconds,
  silence_below_percent: percent,
  silence_seconds: seconds,
  offline_after_missed_polls: z.number().int().min(1).max(100),
  history_every_seconds: seconds,
  history_retention_hours: z
    .number()
    .int()
    .min(1)
    .max(24 * 366),
};
const settingsOut = z.object(settingsFields);
const settingsBody = z.strictObject(settingsFields).partial();

/** snake_case body → service fields, only those given. */
function settingsIn(b: z.infer<typeof settingsBody>): Partial<MonitoringSettings> {
  const map: Record<string, keyof MonitoringSettings> = {
    poll_interval_ms: 'pollIntervalMs',
    battery_warning_percent: 'batteryWarningPercent',
    battery_critical_percent: 'batteryCriticalPercent',
    rf_loss_below_percent: 'rfLossBelowPercent',
    rf_loss_seconds: 'rfLossSeconds',
    silence_below_percent: 'silenceBelowPercent',
    silence_seconds: 'silenceSeconds',
    offline_after_missed_polls: 'offlineAfterMissedPolls',
    history_every_seconds: 'historyEverySeconds',
    history_retention_hours: 'historyRetentionHours',
  };
  return Object.fromEntries(
    Object.entries(b)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [map[k], v]),
  );
}

/** Alerts, thresholds and telemetry history (issue 4 items 5–6). */
export function registerAlertRoutes(app: RosterApp) {
  const base = '/api/monitoring';
  const tags = ['monitoring'];

  app.get(
    `${base}/alerts`,
    {
      schema: {
        tags,
        summary:
          'Alert history of the units my groups reach, newest first; filter by state, kind, priority, unit, performer, raised from/to',
        querystring: alertQuery,
        response: { 200: pageOf(alertOut) },
      },
    },
    (req) => {
      const { state, kind, priority, unit, performer, from, to, ...page } = req.query;
      return tenant(req, (t) =>
        al.listAlerts(t, { state, kind, priority, unitId: unit, performerId: performer, from, to }, page),
      );
    },
  );
  app.get(
    `${base}/alerts/:id`,
    { schema: { tags, summary: 'One alert', params: idParams, response: { 200: alertOut } } },
    (req) => tenant(req, async (t) => al.alertView(await al.getAlert(t, req.params.id))),
  );
  app.post(
    `${base}/alerts/:id/acknowledge`,
    {
      schema: {
        tags,
        summary: 'Acknowledge an open alert (it still resolves by itself when the condition clears)',
        params: idParams,
        response: { 200: alertOut },
      },
    },
    (req) => tenant(req, async (t) => al.alertView(await al.acknowledgeAlert(t, req.params.id))),
  );

  app.get(
    `${base}/units/:id/history`,
    {
      schema: {
        tags,
        summary: 'Sampled telemetry of a unit, newest first',
        params: idParams,
        querystring: pageQuery.extend({ from: instant.optional(), to: instant.optional() }),
        response: { 200: pageOf(sampleOut) },
      },
    },
    (req) => {
      const { from, to, ...page } = req.query;
      return tenant(req, (t) => listUnitHistory(t, req.params.id, { from, to }, page));
    },
  );

  app.get(
    `${base}/settings`,
    {
      schema: {
        tags,
        summary: 'Alert thresholds and poller cadence of the org (admins)',
        response: { 200: settingsOut },
      },
    },
    (req) => tenant(req, async (t) => settingsView(await getSettings(t))),
  );
  app.put(
    `${base}/settings`,
    {
      schema: {
        tags,
        summary: 'Change thresholds; fields not given keep their value (admins)',
        body: settingsBody,
        response: { 200: settingsOut },
      },
    },
    (req) => tenant(req, async (t) => settingsView(await updateSettings(t, settingsIn(req.body)))),
  );
}
