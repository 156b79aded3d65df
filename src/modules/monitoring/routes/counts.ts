import { z } from 'zod';
import { tenant, type RosterApp } from '../../../core/http/app.ts';
import { mapPage, pageOf, pageQuery } from '../../../core/http/pagination.ts';
import { countsBy } from '../counts.ts';
import { countsOut, countsView } from '../views.ts';
import { base, tags } from './common.ts';

/** How many performers, active assignments and open alerts each group or wireless unit has. */
export function registerCountRoutes(app: RosterApp) {
  app.get(
    `${base}/counts`,
    {
      schema: {
        tags,
        summary: 'Performers, active assignments and open alerts per group or per wireless unit',
        querystring: pageQuery.extend({ by: z.enum(['group', 'unit']) }),
        response: { 200: pageOf(countsOut) },
      },
    },
    (req) => {
      const { by, ...page } = req.query;
      return tenant(req, async (t) => mapPage(await countsBy(t, by, page), countsView));
    },
  );
}
