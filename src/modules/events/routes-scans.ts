import { z } from 'zod';
import { uuidParam } from '../../core/db/ids.ts';
import { actorOf, tenant, tenantDeps, type RosterApp } from '../../core/http/app.ts';
import { pageOf, pageQuery } from '../../core/http/pagination.ts';
import { badgeRefOf, base, eventParams, flag, flagValue, instant, nonce, qr, tags } from './inputs.ts';
import * as offline from './offline.ts';
import { scannerKitOut, scannerKitView, uploadedScansOut, uploadedScansView } from './offline-views.ts';
import * as access from './participants.ts';
import { ACCESS_STATUSES, DENIAL_REASONS, GRANT_NOTES, SCAN_DIRECTIONS } from './schema.ts';
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
const scanListQuery = pageQuery.extend(scanFilter.shape).extend({
  /** true: only uploaded scans the server flagged (the room manager's list to look at). */
  conflict: flag,
});

export const UPLOAD_MAX = 5000;
/** A device's clock may run a little ahead; a scan further in the future did not happen yet. */
const CLOCK_SKEW_MS = 5 * 60_000;
const OFFLINE_REASONS = [...DENIAL_REASONS, ...GRANT_NOTES] as const;

const offlineScan = z
  .strictObject({
    nonce,
    /** The badge scanned, or the printed badge id typed by hand: one of them. */
    qr: qr.optional(),
    badge_id: z.string().trim().min(1).max(40).optional(),
    direction: z.enum(SCAN_DIRECTIONS),
    room_id: uuidParam,
    /** When the device took the scan. */
    scanned_at: instant,
    /**
     * What the device decided, and why when it refused or let through without a move; `undecided`
     * when it could not (a typed badge id its kit does not list): the server decides.
     */
    status: z.enum([...ACCESS_STATUSES, 'undecided']),
    reason: z.enum(OFFLINE_REASONS).nullable().optional(),
  })
  .superRefine((s, ctx) => {
    if ((s.qr === undefined) === (s.badge_id === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['qr'],
        message: 'give the QR payload or the badge_id, one of them',
      });
    if (s.scanned_at.getTime() > Date.now() + CLOCK_SKEW_MS)
      ctx.addIssue({
        code: 'custom',
        path: ['scanned_at'],
        message: 'in the future: check the device clock',
      });
    if (s.status === 'denied' && !s.reason)
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'a refusal says why' });
  });
const uploadBody = z
  .strictObject({ scans: z.array(offlineScan).min(1).max(UPLOAD_MAX) })
  .superRefine((b, ctx) => {
    const seen = new Set<string>();
    b.scans.forEach((s, i) => {
      if (seen.has(s.nonce))
        ctx.addIssue({ code: 'custom', path: ['scans', i, 'nonce'], message: 'sent twice in this upload' });
      seen.add(s.nonce);
    });
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
        querystring: scanListQuery,
        response: { 200: pageOf(scanOut) },
      },
    },
    async (req) =>
      tenant(req, async (t) => {
        const { cursor, limit, conflict, ...filter } = req.query;
        const result = await access.listScans(
          t,
          req.params.id,
          { ...scanFilterInput(filter), conflict: flagValue(conflict) },
          { cursor, limit },
        );
        return { items: result.items.map(scanView), next_cursor: result.next_cursor };
      }),
  );
  app.get(
    `${base}/:id/scanner-kit`,
    {
      schema: {
        tags,
        summary:
          'The offline kit of the room I hold now (a controller): event, room, my slots, sessions, paid ' +
          'lists, badge public keys and badges, to decide at the door without network; 403 otherwise',
        params: eventParams,
        response: { 200: scannerKitOut },
      },
    },
    async (req) =>
      tenant(req, async (t) => scannerKitView(await offline.scannerKit(t, secret, req.params.id))),
  );
  app.post(
    `${base}/:id/scans/upload`,
    {
      // 5,000 scans of about 350 bytes each.
      bodyLimit: 4 * 1024 * 1024,
      schema: {
        tags,
        summary:
          `Upload door scans decided offline (up to ${UPLOAD_MAX}, each with its nonce and device time): ` +
          'recorded as decided, in the device order, conflicts flagged, occupancy moved; a nonce sent ' +
          'again answers its first record',
        params: eventParams,
        body: uploadBody,
        response: { 200: uploadedScansOut },
      },
    },
    async (req) =>
      tenant(req, async (t) =>
        uploadedScansView(
          await offline.uploadScans(
            t,
            secret,
            req.params.id,
            req.body.scans.map((s) => ({
              nonce: s.nonce,
              badge: badgeRefOf(s),
              direction: s.direction,
              roomId: s.room_id,
              scannedAt: s.scanned_at,
              status: s.status,
              reason: s.reason ?? null,
            })),
          ),
        ),
      ),
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
