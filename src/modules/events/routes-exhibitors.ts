import { z } from 'zod';
import { uuidParam } from '../../core/db/ids.ts';
import { tenant, type RosterApp } from '../../core/http/app.ts';
import { pageOf, pageQuery } from '../../core/http/pagination.ts';
import { HttpProblem } from '../../core/http/problem.ts';
import * as ex from './exhibitors.ts';
import { badgeRefOf, base, eventParams, instant, nonce, qr, tags } from './inputs.ts';
import { visitOut, visitStatsOut, visitStatsView, visitView, visitsCsv } from './views.ts';

const standQuery = z.object({ exposant_id: uuidParam.optional() });
const leadQuery = standQuery.extend({
  min_rating: z.coerce.number().int().min(0).max(5).optional(),
  tag: z.string().trim().min(1).max(50).optional(),
  day: z.iso.date({ message: 'must be a day like 2025-06-01' }).optional(),
  q: z.string().trim().min(1).max(100).optional(),
});
const rating = z.number().int().min(0).max(5).nullable();
const tagList = z.array(z.string().trim().min(1).max(50)).max(20);

/** One scan at a stand: the badge (QR or the printed id typed by hand) and what goes with it. */
const leadScan = z
  .strictObject({
    qr: qr.optional(),
    badge_id: z.string().trim().min(1).max(40).optional(),
    notes: z.string().trim().max(2000).optional(),
    rating: rating.optional(),
    tags: tagList.optional(),
    /** When the device took the scan (uploaded later or offline); the server's time otherwise. */
    scanned_at: instant.optional(),
    nonce: nonce.optional(),
  })
  .superRefine((b, ctx) => {
    if ((b.qr === undefined) === (b.badge_id === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['qr'],
        message: 'give the QR payload or the badge_id, one of them',
      });
    // Refinements also run when a field already failed: only a parsed time is compared.
    if (b.scanned_at instanceof Date && b.scanned_at.getTime() > Date.now() + 5 * 60_000)
      ctx.addIssue({ code: 'custom', path: ['scanned_at'], message: 'in the future' });
  });
type LeadScan = z.infer<typeof leadScan>;
const inputOf = (b: LeadScan): ex.LeadInput => ({
  notes: b.notes,
  rating: b.rating,
  tags: b.tags,
  deviceScannedAt: b.scanned_at,
  nonce: b.nonce,
});
const filterOf = (q: z.infer<typeof leadQuery>): ex.LeadFilter => ({
  minRating: q.min_rating,
  tag: q.tag,
  day: q.day,
  q: q.q,
});
const UPLOAD_MAX = 500;

/** Lead capture: an exposant scans visitors' badges, rates and tags them, reads and exports them. */
export function registerExhibitors(app: RosterApp) {
  const secret = app.deps.config.secret;
  app.post(
    `${base}/:id/exposant-scans`,
    {
      schema: {
        tags,
        summary:
          "An exposant scans a visitor's badge (QR or printed badge id): one lead per visitor per day, " +
          'every scan kept (a repeat returns that lead with the notes appended)',
        params: eventParams,
        body: leadScan,
        response: {
          200: z.object({ status: z.enum(['already_visited_today', 'already_recorded']), visit: visitOut }),
          201: z.object({ status: z.literal('recorded'), visit: visitOut }),
        },
      },
    },
    async (req, reply) => {
      const r = await tenant(req, (t) =>
        ex.scanVisitor(t, secret, req.params.id, badgeRefOf(req.body), inputOf(req.body)),
      );
      if (r.created) return reply.code(201).send({ status: 'recorded' as const, visit: visitView(r.visit) });
      const status = r.replayed ? ('already_recorded' as const) : ('already_visited_today' as const);
      return reply.code(200).send({ status, visit: visitView(r.visit) });
    },
  );
  app.post(
    `${base}/:id/exposant-scans/upload`,
    {
      schema: {
        tags,
        summary:
          `Upload scans taken at the stand (up to ${UPLOAD_MAX}, each with its nonce and device time): ` +
          'each is recorded once however often it is sent; a refused one does not stop the others',
        params: eventParams,
        body: z.strictObject({
          scans: z
            .array(leadScan.and(z.object({ nonce })))
            .min(1)
            .max(UPLOAD_MAX),
        }),
        response: {
          200: z.object({
            results: z.array(
              z.object({
                nonce: z.string(),
                status: z.enum(['recorded', 'already_visited_today', 'already_recorded', 'refused']),
                visit_id: z.string().nullable(),
                error: z.object({ path: z.string(), message: z.string() }).nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (req) =>
      tenant(req, async (t) => {
        const results = [];
        for (const [i, scan] of req.body.scans.entries()) {
          // Each scan in its own savepoint: a refused badge rolls back only itself.
          const r = await t.tx
            .transaction((tx) =>
              ex.scanVisitor({ ...t, tx }, secret, req.params.id, badgeRefOf(scan), inputOf(scan)),
            )
            .catch((err: unknown) => {
              if (!(err instanceof HttpProblem) || err.status >= 500) throw err;
              const first = err.errors?.[0];
              return {
                path: (first?.path ?? 'body').replace(/^body(\.|$)/, `body.scans.${i}$1`),
                message: first?.message ?? err.message,
              };
            });
          if ('path' in r)
            results.push({ nonce: scan.nonce, status: 'refused' as const, visit_id: null, error: r });
          else
            results.push({
              nonce: scan.nonce,
              status: r.created
                ? ('recorded' as const)
                : r.replayed
                  ? ('already_recorded' as const)
                  : ('already_visited_today' as const),
              visit_id: r.visit.scan.id,
              error: null,
            });
        }
        return { results };
      }),
  );
  app.patch(
    `${base}/:id/exposant-scans/:visitId`,
    {
      schema: {
        tags,
        summary: 'Rate, tag or add a note to one of my leads (a note is added below the others)',
        params: z.object({ id: uuidParam, visitId: uuidParam }),
        body: z.strictObject({
          rating: rating.optional(),
          tags: tagList.optional(),
          note: z.string().trim().min(1).max(2000).optional(),
        }),
        response: { 200: visitOut },
      },
    },
    async (req) =>
      tenant(req, async (t) =>
        visitView(await ex.updateLead(t, req.params.id, req.params.visitId, req.body)),
      ),
  );
  app.get(
    `${base}/:id/exposant-scans`,
    {
      schema: {
        tags,
        summary:
          'My stand’s leads with their scans, newest first; filters min_rating, tag, day, q (name, email, ' +
          'badge id or notes) ' +
          '(event managers: any stand with exposant_id)',
        params: eventParams,
        querystring: pageQuery.extend(leadQuery.shape),
        response: { 200: pageOf(visitOut) },
      },
    },
    async (req) =>
      tenant(req, async (t) => {
        const { exposant_id, cursor, limit, ...filter } = req.query;
        const result = await ex.listVisits(t, req.params.id, exposant_id, filterOf(filter), {
          cursor,
          limit,
        });
        return { items: result.items.map(visitView), next_cursor: result.next_cursor };
      }),
  );
  app.get(
    `${base}/:id/exposant-scans/stats`,
    {
      schema: {
        tags,
        summary: "Stand statistics: leads, today's (event time zone), unique visitors, scans, rated leads",
        params: eventParams,
        querystring: standQuery,
        response: { 200: visitStatsOut },
      },
    },
    async (req) =>
      tenant(req, async (t) => visitStatsView(await ex.visitStats(t, req.params.id, req.query.exposant_id))),
  );
  app.get(
    `${base}/:id/exposant-scans/export.csv`,
    {
      schema: {
        tags,
        summary: 'My stand’s leads as CSV, every field (header row, RFC 4180 quoting); same filters',
        params: eventParams,
        querystring: leadQuery,
      },
    },
    async (req, reply) => {
      const { stand, visits } = await tenant(req, (t) =>
        ex.allVisits(t, req.params.id, req.query.exposant_id, filterOf(req.query)),
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="visitors-${stand.badgeId}.csv"`)
        .send(visitsCsv(visits));
    },
  );
  app.get(
    `${base}/:id/exposant-scans/export.json`,
    {
      schema: {
        tags,
        summary: 'My stand’s leads as JSON, every field and every scan; same filters',
        params: eventParams,
        querystring: leadQuery,
        response: {
          200: z.object({ exposant_id: z.string(), exported_at: z.string(), leads: z.array(visitOut) }),
        },
      },
    },
    async (req, reply) => {
      const { stand, visits } = await tenant(req, (t) =>
        ex.allVisits(t, req.params.id, req.query.exposant_id, filterOf(req.query)),
      );
      return reply
        .header('content-disposition', `attachment; filename="leads-${stand.badgeId}.json"`)
        .send({ exposant_id: stand.id, exported_at: new Date().toISOString(), leads: visits.map(visitView) });
    },
  );
}
