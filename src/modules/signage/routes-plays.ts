import { tenant } from '../../core/http/app.ts';
import { z } from 'zod';
import { uuidParam } from '../../core/db/ids.ts';
import type { RosterApp } from '../../core/http/app.ts';
import { csvDocument } from '../../core/http/csv.ts';
import { mapPage, pageOf, pageQuery } from '../../core/http/pagination.ts';
import { invalidField } from '../../core/http/problem.ts';
import {
  exportPlays,
  listPlays,
  PLAY_GROUPS,
  playRetentionDays,
  summarizePlays,
  type PlayFilters,
} from './plays.ts';
import { isTimeZone } from './schedule.ts';
import { PLAY_CSV_COLUMNS, playOut, playSummaryOut, playSummaryView, playView } from './views.ts';

const tags = ['signage'];
/** The most rows one CSV export carries; narrow the dates for more. */
const EXPORT_MAX = 100_000;

const filters = z.object({
  asset_id: uuidParam.optional(),
  device_id: uuidParam.optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

function filtersOf(q: z.infer<typeof filters>): PlayFilters {
  const f = {
    assetId: q.asset_id,
    deviceId: q.device_id,
    from: q.from ? new Date(q.from) : undefined,
    to: q.to ? new Date(q.to) : undefined,
  };
  if (f.from && f.to && f.to <= f.from) throw invalidField('query.to', 'must be after from');
  return f;
}

/** Proof of play: what the screens reported showing, by asset, screen and day (admins). */
export function registerPlayRoutes(app: RosterApp) {
  app.get(
    '/api/signage/plays',
    {
      schema: {
        tags,
        summary: 'Plays reported by the screens, newest first (admins)',
        querystring: pageQuery.extend(filters.shape),
        response: { 200: pageOf(playOut).extend({ retention_days: z.number() }) },
      },
    },
    async (req) => {
      const { limit, cursor, ...q } = req.query;
      const f = filtersOf(q);
      const { page, days } = await tenant(req, async (t) => ({
        page: await listPlays(t, { limit, cursor }, f),
        days: await playRetentionDays(t),
      }));
      return { ...mapPage(page, playView), retention_days: days };
    },
  );

  app.get(
    '/api/signage/plays/summary',
    {
      schema: {
        tags,
        summary: 'Plays counted by asset, screen or day (admins)',
        querystring: filters.extend({
          group_by: z.enum(PLAY_GROUPS),
          timezone: z.string().max(64).default('UTC'),
        }),
        response: { 200: z.object({ group_by: z.enum(PLAY_GROUPS), items: z.array(playSummaryOut) }) },
      },
    },
    async (req) => {
      const { group_by, timezone, ...q } = req.query;
      if (!isTimeZone(timezone)) throw invalidField('query.timezone', 'unknown IANA timezone');
      const f = filtersOf(q);
      const rows = await tenant(req, (t) => summarizePlays(t, group_by, f, timezone));
      return { group_by, items: rows.map(playSummaryView) };
    },
  );

  app.get(
    '/api/signage/plays/export',
    {
      schema: {
        tags,
        summary: `Plays as CSV, oldest first (at most ${EXPORT_MAX} rows; admins)`,
        querystring: filters,
        produces: ['text/csv'],
      },
    },
    async (req, reply) => {
      const f = filtersOf(req.query);
      const rows = (await tenant(req, (t) => exportPlays(t, f, EXPORT_MAX))).map(playView);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="plays.csv"')
        .send(csvDocument(PLAY_CSV_COLUMNS, rows));
    },
  );
}
