import { tenant, type RosterApp } from '../../../core/http/app.ts';
import { pageOf, pageQuery, mapPage } from '../../../core/http/pagination.ts';
import { listGroups } from '../groups.ts';
import { listUnits } from '../hardware.ts';
import { listPerformers } from '../performers.ts';
import { groupOut, groupView, performerOut, performerView, unitOut, unitView } from '../views.ts';
import { base, tags } from './common.ts';

/** What my groups reach: my groups, their performers, their wireless units. */
export function registerMyRoutes(app: RosterApp) {
  app.get(
    `${base}/me/groups`,
    {
      schema: {
        tags,
        summary: 'get_monitoring_groups: my active groups (admins: all)',
        querystring: pageQuery,
        response: { 200: pageOf(groupOut) },
      },
    },
    (req) => tenant(req, async (t) => mapPage(await listGroups(t, { page: req.query }), groupView)),
  );
  app.get(
    `${base}/me/performers`,
    {
      schema: {
        tags,
        summary: 'get_accessible_performers: performers of active assignments in my groups',
        querystring: pageQuery,
        response: { 200: pageOf(performerOut) },
      },
    },
    (req) => tenant(req, async (t) => mapPage(await listPerformers(t, {}, req.query), performerView)),
  );
  app.get(
    `${base}/me/devices`,
    {
      schema: {
        tags,
        summary: 'get_accessible_devices: wireless units of active assignments in my groups',
        querystring: pageQuery,
        response: { 200: pageOf(unitOut) },
      },
    },
    (req) => tenant(req, async (t) => mapPage(await listUnits(t, { page: req.query }), unitView)),
  );
}
