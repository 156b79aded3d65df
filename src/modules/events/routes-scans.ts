import { z } from 'zod';
import { uuidParam } from '../../core/db/ids.ts';
import { actorOf, tenant, tenantDeps, type RosterApp } from '../../core/http/app.ts';
import { pageOf, pageQuery } from '../../core/http/pagination.ts';
import { base, eventParams, instant, qrBody, tags } from './inputs.ts';
import * as access from './participants.ts';
import { ACCESS_STATUSES } from './schema.ts';
import {
  scanDecisionOut,
  scanDecisionView,
  scanOut,
  scanStatsOut,
  scanStatsView,
  scanView,
} from './views.ts';

const scanFilter = z.object({
  room_id: uuidParam.optional(),
  status: z.enum(ACCESS_STATUSES).optional(),
  from: instant.optional(),
  to: instant.optional(),
});
const scanFilterInput = (q: z.infer<typeof scanFilter>): access.ScanFilter => ({
  roomId: q.room_id,
  status: q.status,
  from: q.from,
  to: q.to,
});

/** Room access control: the door scan, the scans recorded, and the controller's counts. */
export function registerScans(app: RosterApp) {
  const secret = app.deps.config.secret;
  app.post(
    `${base}/:id/scans`,
    {
      schema: {
        tags,
        summary: 'Scan a badge at the door of the room I hold now: granted or denied with a reason',
        params: eventParams,
        body: qrBody,
        response: { 200: scanDecisionOut },
      },
    },
    // The hot path: no tenant transaction here, scanBadge runs one group-committed statement.
    async (req) =>
      scanDecisionView(
        await access.scanBadge(tenantDeps(req), actorOf(req), secret, req.params.id, req.body.qr),
      ),
  );
  app.get(
    `${base}/:id/scans`,
    {
      schema: {
        tags,
        summary: 'Scans (a controller: those of the room they hold now), newest first',
        params: eventParams,
        querystring: pageQuery.extend(scanFilter.shape),
        response: { 200: pageOf(scanOut) },
      },
    },
    async (req) =>
      tenant(req, async (t) => {
        const { cursor, limit, ...filter } = req.query;
        const result = await access.listScans(t, req.params.id, scanFilterInput(filter), { cursor, limit });
        return { items: result.items.map(scanView), next_cursor: result.next_cursor };
      }),
  );
  app.get(
    `${base}/:id/stats/scans`,
    {
      schema: {
        tags,
        summary: 'Controller statistics: total scans and denials for my current room',
        params: eventParams,
        querystring: scanFilter,
        response: { 200: scanStatsOut },
      },
    },
    async (req) =>
      tenant(req, async (t) =>
        scanStatsView(await access.scanStats(t, req.params.id, scanFilterInput(req.query))),
      ),
  );
}
