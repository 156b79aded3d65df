import { and, gte, lt, type AnyColumn } from 'drizzle-orm';

/** Rows whose instant falls in `[from, to)`; an end left out is open. */
export const withinPeriod = (column: AnyColumn, period: { from?: Date; to?: Date }) =>
  and(period.from ? gte(column, period.from) : undefined, period.to ? lt(column, period.to) : undefined);
