import { z } from 'zod';
import { uuidParam } from '../../core/db/ids.ts';
import { tenant, type RosterApp } from '../../core/http/app.ts';
import { pageOf, pageQuery } from '../../core/http/pagination.ts';
import * as ex from './exhibitors.ts';
import { base, eventParams, tags } from './inputs.ts';
import { visitOut, visitStatsOut, visitStatsView, visitView, visitsCsv } from './views.ts';

const standQuery = z.object({ exposant_id: uuidParam.optional() });

/** Booth visits: an exposant scans visitors' badges, then reads and exports them. */
export function registerExhibitors(app: RosterApp) {
  const secret = app.deps.config.secret;
  app.post(
    `${base}/:id/exposant-scans`,
    {
      schema: {
        tags,
        summary:
          "An exposant scans a visitor's badge: one visit per visitor per day (a repeat returns that visit)",
        params: eventParams,
        body: z.strictObject({
          qr: z.string().min(1).max(500),
          notes: z.string().trim().max(2000).optional(),
        }),
        response: {
          200: z.object({ status: z.literal('already_visited_today'), visit: visitOut }),
          201: z.object({ status: z.literal('recorded'), visit: visitOut }),
        },
      },
    },
    async (req, reply) => {
      const { qr, notes } = req.body;
      const r = await tenant(req, (t) => ex.scanVisitor(t, secret, req.params.id, qr, notes));
      return r.created
        ? reply.code(201).send({ status: 'recorded' as const, visit: visitView(r.visit) })
        : reply.code(200).send({ status: 'already_visited_today' as const, visit: visitView(r.visit) });
    },
  );
  app.get(
    `${base}/:id/exposant-scans`,
    {
      schema: {
        tags,
        summary: 'My stand’s visitors, newest first (event managers: any stand with exposant_id)',
        params: eventParams,
        querystring: pageQuery.extend(standQuery.shape),
        response: { 200: pageOf(visitOut) },
      },
    },
    async (req) =>
      tenant(req, async (t) => {
        const { exposant_id, ...page } = req.query;
        const result = await ex.listVisits(t, req.params.id, exposant_id, page);
        return { items: result.items.map(visitView), next_cursor: result.next_cursor };
      }),
  );
  app.get(
    `${base}/:id/exposant-scans/stats`,
    {
      schema: {
        tags,
        summary: "Stand statistics: total visits, today's (event time zone), unique visitors",
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
        summary: 'My stand’s visitors as CSV (header row, RFC 4180 quoting)',
        params: eventParams,
        querystring: standQuery,
      },
    },
    async (req, reply) => {
      const { stand, visits } = await tenant(req, (t) =>
        ex.allVisits(t, req.params.id, req.query.exposant_id),
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="visitors-${stand.badgeId}.csv"`)
        .send(visitsCsv(visits));
    },
  );
}
