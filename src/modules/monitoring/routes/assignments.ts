import { z } from 'zod';
import { tenant, type RosterApp } from '../../../core/http/app.ts';
import { uuidParam } from '../../../core/db/ids.ts';
import { pageOf, pageQuery, mapPage } from '../../../core/http/pagination.ts';
import { definedOnly } from '../../../core/util/objects.ts';
import * as asg from '../assignments.ts';
import { listLegacyAssignments } from '../legacy.ts';
import { PRIORITIES } from '../schema.ts';
import {
  alertPreferences,
  assignmentCountOut,
  assignmentCountView,
  assignmentOut,
  assignmentView,
  legacyOut,
  legacyView,
  prefsOut,
} from '../views.ts';
import { assignmentListQuery, base, flag, idParams, instant, tags, text } from './common.ts';

const toggleFields = {
  alert_enabled: z.boolean().optional(),
  alert_on_battery_low: z.boolean().optional(),
  alert_on_signal_loss: z.boolean().optional(),
  alert_on_audio_low: z.boolean().optional(),
  alert_on_device_offline: z.boolean().optional(),
};
const assignmentBody = z.strictObject({
  performer_id: uuidParam,
  wireless_unit_id: uuidParam,
  monitoring_group_id: uuidParam,
  priority: z.enum(PRIORITIES).optional(),
  notes: text(2000).optional(),
  ...toggleFields,
});
const assignmentPatchBody = z.strictObject({
  priority: z.enum(PRIORITIES).optional(),
  notes: text(2000).optional(),
  ...toggleFields,
});
const assignmentQuery = assignmentListQuery.extend({
  performer_id: uuidParam.optional(),
  wireless_unit_id: uuidParam.optional(),
  monitoring_group_id: uuidParam.optional(),
  priority: z.enum(PRIORITIES).optional(),
  include_inactive: flag.optional(),
});

type Toggles = { [K in keyof typeof toggleFields]?: boolean };
const togglesIn = (b: Toggles) =>
  definedOnly({
    alertEnabled: b.alert_enabled,
    alertOnBatteryLow: b.alert_on_battery_low,
    alertOnSignalLoss: b.alert_on_signal_loss,
    alertOnAudioLow: b.alert_on_audio_low,
    alertOnDeviceOffline: b.alert_on_device_offline,
  });
const assignmentPatch = (b: z.infer<typeof assignmentPatchBody>): asg.AssignmentPatch => ({
  ...definedOnly({ priority: b.priority, notes: b.notes }),
  ...togglesIn(b),
});

/** Performer assignments: who is on which unit, in which group, with which alerts. */
export function registerAssignmentRoutes(app: RosterApp) {
  app.get(
    `${base}/assignments`,
    {
      schema: {
        tags,
        summary: 'Assignments I can see, filtered by performer, unit, group, priority, updated_after',
        querystring: assignmentQuery,
        response: { 200: pageOf(assignmentOut) },
      },
    },
    (req) => {
      const {
        performer_id,
        wireless_unit_id,
        monitoring_group_id,
        priority,
        include_inactive,
        updated_after,
        ...page
      } = req.query;
      const filter = {
        after: updated_after,
        performerId: performer_id,
        wirelessUnitId: wireless_unit_id,
        monitoringGroupId: monitoring_group_id,
        priority,
        includeInactive: include_inactive,
      };
      return tenant(req, async (t) => mapPage(await asg.listAssignments(t, filter, page), assignmentView));
    },
  );
  app.get(
    `${base}/assignments/needing-alerts`,
    {
      schema: {
        tags,
        summary:
          'get_assignments_needing_alerts: active, at least one alert toggle on; optional group and `after`',
        querystring: pageQuery.extend({
          monitoring_group_id: uuidParam.optional(),
          after: instant.optional(),
        }),
        response: { 200: pageOf(assignmentOut) },
      },
    },
    (req) => {
      const { monitoring_group_id, after, ...page } = req.query;
      const filter = { needingAlerts: true, monitoringGroupId: monitoring_group_id, after };
      return tenant(req, async (t) => mapPage(await asg.listAssignmentsOf(t, filter, page), assignmentView));
    },
  );
  app.get(
    `${base}/assignments/count`,
    {
      schema: {
        tags,
        summary: 'count_total_assignments and count_assignments_with_alerts',
        querystring: z.object({ monitoring_group_id: uuidParam.optional() }),
        response: { 200: assignmentCountOut },
      },
    },
    (req) =>
      tenant(req, async (t) =>
        assignmentCountView(
          await asg.countAssignments(t, { monitoringGroupId: req.query.monitoring_group_id }),
        ),
      ),
  );
  app.post(
    `${base}/assignments/alerts`,
    {
      schema: {
        tags,
        summary: 'update_alert_status in bulk: listed assignments or a whole group',
        body: z
          .strictObject({
            assignment_ids: z.array(uuidParam).min(1).max(1000).optional(),
            monitoring_group_id: uuidParam.optional(),
            ...toggleFields,
          })
          .refine((b) => b.assignment_ids || b.monitoring_group_id, {
            message: 'give assignment_ids or monitoring_group_id',
            path: ['assignment_ids'],
          })
          .refine(
            (b) => Object.keys(toggleFields).some((k) => (b as Record<string, unknown>)[k] !== undefined),
            { message: 'give alert_enabled or at least one alert_on_* toggle', path: ['alert_enabled'] },
          ),
        response: { 200: z.object({ updated: z.number(), ids: z.array(z.string()) }) },
      },
    },
    (req) => {
      const { assignment_ids, monitoring_group_id, ...toggles } = req.body;
      const { alertEnabled, ...explicit } = togglesIn(toggles);
      return tenant(req, (t) =>
        asg.setAlertStatus(
          t,
          { ids: assignment_ids, monitoringGroupId: monitoring_group_id },
          alertEnabled,
          explicit,
        ),
      );
    },
  );
  app.post(
    `${base}/assignments`,
    {
      schema: {
        tags,
        summary: 'create_assignment: performer → unit in a group; 409 names an existing pair',
        body: assignmentBody,
        response: { 201: assignmentOut },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const input = {
        ...assignmentPatch(b),
        performerId: b.performer_id,
        wirelessUnitId: b.wireless_unit_id,
        monitoringGroupId: b.monitoring_group_id,
      };
      const row = await tenant(req, (t) => asg.createAssignment(t, input));
      return reply.code(201).send(assignmentView(row));
    },
  );
  app.get(
    `${base}/assignments/:id`,
    { schema: { tags, summary: 'One assignment', params: idParams, response: { 200: assignmentOut } } },
    (req) => tenant(req, async (t) => assignmentView(await asg.getAssignment(t, req.params.id))),
  );
  app.patch(
    `${base}/assignments/:id`,
    {
      schema: {
        tags,
        summary: 'update_assignment: priority, notes, alert toggles (alert_enabled sets all four)',
        params: idParams,
        body: assignmentPatchBody,
        response: { 200: assignmentOut },
      },
    },
    (req) =>
      tenant(req, async (t) =>
        assignmentView(await asg.updateAssignment(t, req.params.id, assignmentPatch(req.body))),
      ),
  );
  app.delete(
    `${base}/assignments/:id`,
    { schema: { tags, summary: 'delete_assignment', params: idParams } },
    async (req, reply) => {
      await tenant(req, (t) => asg.deleteAssignment(t, req.params.id));
      return reply.code(204).send();
    },
  );
  app.post(
    `${base}/assignments/:id/deactivate`,
    {
      schema: { tags, summary: 'deactivate_assignment', params: idParams, response: { 200: assignmentOut } },
    },
    (req) => tenant(req, async (t) => assignmentView(await asg.setAssignmentActive(t, req.params.id, false))),
  );
  app.post(
    `${base}/assignments/:id/reactivate`,
    {
      schema: { tags, summary: 'reactivate_assignment', params: idParams, response: { 200: assignmentOut } },
    },
    (req) => tenant(req, async (t) => assignmentView(await asg.setAssignmentActive(t, req.params.id, true))),
  );
  app.get(
    `${base}/assignments/:id/alert-preferences`,
    {
      schema: {
        tags,
        summary: 'get_alert_preferences as a dict',
        params: idParams,
        response: { 200: prefsOut },
      },
    },
    (req) => tenant(req, async (t) => alertPreferences((await asg.getAssignment(t, req.params.id)).a)),
  );
}

/** LEGACY DeviceAssignment rows, readable until migrated. */
export function registerLegacyRoutes(app: RosterApp) {
  app.get(
    `${base}/legacy-assignments`,
    {
      schema: {
        tags,
        summary: 'LEGACY DeviceAssignment rows (user → unit), read-only (admins)',
        querystring: pageQuery,
        response: { 200: pageOf(legacyOut) },
      },
    },
    (req) => tenant(req, async (t) => mapPage(await listLegacyAssignments(t, req.query), legacyView)),
  );
}
