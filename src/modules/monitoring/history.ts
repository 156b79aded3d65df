import { and, eq } from 'drizzle-orm';
import { withinPeriod } from '../../core/db/period.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { keyset, type PageQuery } from '../../core/http/pagination.ts';
import { getUnit } from './hardware.ts';
import { telemetrySamples } from './schema.ts';

export type Sample = typeof telemetrySamples.$inferSelect;

/** Sampled telemetry of one unit the caller reaches, newest first, optionally within [from, to). */
export async function listUnitHistory(
  t: TenantTx,
  unitId: string,
  range: { from?: Date; to?: Date },
  page: PageQuery,
) {
  await getUnit(t, unitId);
  const k = keyset({ columns: [telemetrySamples.id], key: (r: Sample) => [r.id], page, descending: true });
  const rows = await t.tx
    .select()
    .from(telemetrySamples)
    .where(and(eq(telemetrySamples.unitId, unitId), withinPeriod(telemetrySamples.at, range), k.after))
    .orderBy(...k.orderBy)
    .limit(k.limit);
  return k.finish(rows);
}
