import { z } from 'zod';
import { uuidParam } from '../../core/db/ids.ts';
import { actorOf, tenant, tenantDeps, type RosterApp } from '../../core/http/app.ts';
import { pageOf, pageQuery } from '../../core/http/pagination.ts';
import { base, eventParams, instant, nonce, qr, tags } from './inputs.ts';
import * as access from './participants.ts';
import { ACCESS_STATUSES, SCAN_DIRECTIONS } from './schema.ts';
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

const scanBody = z
  .strictObject({
    qr,
    direction: z.enum(SCAN_DIRECTIONS).optional(),
    nonce: nonce.optional(),
    force: z.boolean().optional(),
    reason: z.string().trim().min(1).max(500).optional(),
    room_id: uuidParam.optional(),
  })
  .superRefine((b, ctx) => {
    if (b.force) {
      if (!b.reason)
        ctx.addIssue({ code: 'custom', path: ['reason'], message: 'a forced entry needs a reason' });
      if (!b.room_id)
        ctx.addIssue({ code: 'custom', path: ['room_id'], message: 'the room to let the badge into' });
      if (b.direction === 'out')
        ctx.addIssue({ code: 'custom', path: ['direction'], message: 'a forced entry goes in' });
    } else {
      for (const key of ['reason', 'room_id'] as const)
        if (b[key] !== undefined)
          ctx.addIssue({ code: 'custom', path: [key], message: 'only with force: true' });
    }
  });

/** Room access control: the door scan, the scans recorded, and the controller's counts. */
export function registerScans(app: RosterApp) {
  const secret = app.deps.config.secret;
  app.post(
    `${base}/:id/scans`,
    {
      schema: {
        tags,
        summary:
          'Scan a badge at the door of the room I hold now (in or out): granted or denied with a reason; ' +
          'a supervisor forces an entry with force, reason and room_id',
        params: eventParams,
        body: scanBody,
        response: { 200: scanDecisionOut },
      },
    },
    async (req) => {
      const { qr, direction, nonce, force, reason, room_id } = req.body;
      if (force)
        return scanDecisionView(
          await tenant(req, (t) =>
            access.forceEntry(t, secret, req.params.id, qr, { roomId: room_id!, reason: reason! }, { nonce }),
          ),
        );
      // The hot path: no tenant transaction here, scanBadge runs one group-committed statement.
      return scanDecisionView(
        await access.scanBadge(tenantDeps(req), actorOf(req), secret, req.params.id, qr, {
          direction,
          nonce,
        }),
      );
    },
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
        summary:
          'Door statistics: the room I hold now (a controller; another room is 403), any room or the event ' +
          '(managers): entries, exits, denials by reason, forced entries, peak occupancy, 15-minute series',
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
