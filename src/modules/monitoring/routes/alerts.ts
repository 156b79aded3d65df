import { z } from 'zod';
import { tenant, type RosterApp } from '../../../core/http/app.ts';
import { uuidParam } from '../../../core/db/ids.ts';
import { pageOf, pageQuery, mapPage } from '../../../core/http/pagination.ts';
import { definedOnly } from '../../../core/util/objects.ts';
import * as al from '../alerts.ts';
import { listUnitHistory } from '../history.ts';
import { getSettings, updateSettings } from '../settings.ts';
import { ALERT_KINDS, ALERT_STATES, PRIORITIES } from '../schema.ts';
import {
  alertOut,
  alertView,
  sampleOut,
  sampleView,
  settingsFields,
  settingsOut,
  settingsView,
} from '../views.ts';
import { base, idParams, instant, tags } from './common.ts';

const alertQuery = pageQuery.extend({
  state: z.enum(ALERT_STATES).optional(),
  kind: z.enum(ALERT_KINDS).optional(),
  priority: z.enum(PRIORITIES).optional(),
  unit: uuidParam.optional(),
  performer: uuidParam.optional(),
  from: instant.optional(),
  to: instant.optional(),
});

/** Alerts raised by the poller: history and acknowledgement. */
export function registerAlertRoutes(app: RosterApp) {
  app.get(
    `${base}/alerts`,
    {
      schema: {
        tags,
        summary:
          'Alert history of the units my groups reach, newest first; ' +
          'filter by state, kind, priority, unit, performer, raised from/to',
        querystring: alertQuery,
        response: { 200: pageOf(alertOut) },
      },
    },
    (req) => {
      const { state, kind, priority, unit, performer, from, to, ...page } = req.query;
      const filter = { state, kind, priority, unitId: unit, performerId: performer, from, to };
      return tenant(req, async (t) => mapPage(await al.listAlerts(t, filter, page), alertView));
    },
  );
  app.get(
    `${base}/alerts/:id`,
    { schema: { tags, summary: 'One alert', params: idParams, response: { 200: alertOut } } },
    (req) => tenant(req, async (t) => alertView(await al.getAlert(t, req.params.id))),
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
    (req) => tenant(req, async (t) => alertView(await al.acknowledgeAlert(t, req.params.id))),
  );
}

/** Sampled telemetry of a unit. */
export function registerHistoryRoutes(app: RosterApp) {
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
      return tenant(req, async (t) =>
        mapPage(await listUnitHistory(t, req.params.id, { from, to }, page), sampleView),
      );
    },
  );
}

const settingsBody = z.strictObject(settingsFields).partial();
const settingsPatch = (b: z.infer<typeof settingsBody>) =>
  definedOnly({
    pollIntervalMs: b.poll_interval_ms,
    batteryWarningPercent: b.battery_warning_percent,
    batteryCriticalPercent: b.battery_critical_percent,
    rfLossBelowPercent: b.rf_loss_below_percent,
    rfLossSeconds: b.rf_loss_seconds,
    silenceBelowPercent: b.silence_below_percent,
    silenceSeconds: b.silence_seconds,
    offlineAfterMissedPolls: b.offline_after_missed_polls,
    historyEverySeconds: b.history_every_seconds,
    historyRetentionHours: b.history_retention_hours,
  });

/** The org's alert thresholds and poller cadence. */
export function registerSettingsRoutes(app: RosterApp) {
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
    (req) => tenant(req, async (t) => settingsView(await updateSettings(t, settingsPatch(req.body)))),
  );
}
