import { z } from 'zod';
import { uuidParam } from '../../../core/db/ids.ts';
import { pageQuery } from '../../../core/http/pagination.ts';

/** Shared pieces of the monitoring routes: where they live, how they are tagged, common fields. */
export const base = '/api/monitoring';
export const tags = ['monitoring'];

export const idParams = z.object({ id: uuidParam });
/** A query-string boolean: only the words `true` and `false`. */
export const flag = z.enum(['true', 'false']).transform((v) => v === 'true');
export const text = (max: number) => z.string().trim().max(max);
export const nullableText = (max: number) => z.string().trim().max(max).nullable();
/** An instant with its offset, as a Date. */
export const instant = z.iso.datetime({ offset: true }).transform((v) => new Date(v));

/** The query of every assignment list: a page, and only those changed at or after an instant. */
export const assignmentListQuery = pageQuery.extend({ updated_after: instant.optional() });
