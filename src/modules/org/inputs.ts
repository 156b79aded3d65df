import { z } from 'zod';
import { intId } from '../../core/db/ids.ts';
import { pageQuery } from '../../core/http/pagination.ts';

// Request pieces shared by the org module's routes (responses are in views.ts).

export const tags = ['org'];

export const idParams = z.object({ id: intId });

export const name = z.string().trim().min(1).max(200);

const flag = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .optional();

/** The query of the reference-data lists: search, only mine, inactive ones too. */
export const refQuery = pageQuery.extend({
  q: z.string().max(100).optional(),
  assigned: flag,
  include_inactive: flag,
});

/** PUT and PATCH both update partially: a field left out stays as it is. */
export const UPDATE_METHODS = ['PUT', 'PATCH'] as const;
