import { and, eq, getTableColumns, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { requireOrgAdmin } from '../../core/access/actor.ts';
import type { Db } from '../../core/db/client.ts';
import { queryRows } from '../../core/db/client.ts';
import { sameOrgJoin } from '../../core/db/columns.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { keyset, type Page, type PageQuery } from '../../core/http/pagination.ts';
import { invalidField } from '../../core/http/problem.ts';
import { screenDeviceId } from './device-auth.ts';
import { signageAssets, signageDevices, signagePlans, signagePlays, type PlanName } from './schema.ts';

/** How long each plan keeps proof of play; a per-org `play_retention_days` overrides it. */
export const PLAY_RETENTION_DAYS: Record<PlanName, number> = { free: 30, pro: 365, enterprise: 1095 };
/** A screen's clock may run a little ahead; a play further in the future is a bad clock. */
const FUTURE_SLACK_MS = 5 * 60_000;

export type Play = typeof signagePlays.$inferSelect & { deviceName: string | null };

export interface PlayReport {
  clientId: string;
  assetId: string;
  startedAt: Date;
  durationMs: number;
  outcome: 'completed' | 'interrupted';
}

/**
 * Stores a batch of plays reported by the screen. Each play carries the screen's own id for it,
 * so a batch sent again after a lost answer is stored once (`duplicates` counts the repeats).
 * A play of an asset deleted since is kept, without a name: it was shown all the same.
 */
export async function recordPlays(t: TenantTx, plays: PlayReport[]) {
  const deviceId = screenDeviceId(t.actor);
  const limit = Date.now() + FUTURE_SLACK_MS;
  plays.forEach((p, i) => {
    if (p.startedAt.getTime() > limit) throw invalidField(`body.plays.${i}.started_at`, 'is in the future');
  });
  if (plays.length === 0) return { accepted: 0, duplicates: 0 };
  const assetIds = [...new Set(plays.map((p) => p.assetId))];
  const names = new Map(
    (
      await t.tx
        .select({ id: signageAssets.id, name: signageAssets.name })
        .from(signageAssets)
        .where(inArray(signageAssets.id, assetIds))
    ).map((r) => [r.id, r.name]),
  );
  const stored = await t.tx
    .insert(signagePlays)
    .values(
      plays.map((p) => ({
        orgId: t.orgId,
        deviceId,
        assetId: p.assetId,
        assetName: names.get(p.assetId) ?? '',
        clientId: p.clientId,
        startedAt: p.startedAt,
        durationMs: p.durationMs,
        outcome: p.outcome,
      })),
    )
    .onConflictDoNothing({ target: [signagePlays.orgId, signagePlays.deviceId, signagePlays.clientId] })
    .returning({ id: signagePlays.id });
  return { accepted: stored.length, duplicates: plays.length - stored.length };
}

export interface PlayFilters {
  assetId?: string;
  deviceId?: string;
  from?: Date;
  to?: Date;
}

function playWhere(f: PlayFilters): SQL | undefined {
  return and(
    f.assetId ? eq(signagePlays.assetId, f.assetId) : undefined,
    f.deviceId ? eq(signagePlays.deviceId, f.deviceId) : undefined,
    f.from ? gte(signagePlays.startedAt, f.from) : undefined,
    f.to ? lt(signagePlays.startedAt, f.to) : undefined,
  );
}

const playColumns = { ...getTableColumns(signagePlays), deviceName: signageDevices.name };

/** Plays, newest first (reports are for admins: they cover every screen and asset of the org). */
export async function listPlays(t: TenantTx, page: PageQuery, filters: PlayFilters): Promise<Page<Play>> {
  requireOrgAdmin(t.actor, 'read play reports');
  const ks = keyset<Play>({
    columns: [signagePlays.startedAt, signagePlays.id],
    key: (r) => [r.startedAt, r.id],
    page,
    descending: true,
  });
  const rows = await t.tx
    .select(playColumns)
    .from(signagePlays)
    .leftJoin(
      signageDevices,
      sameOrgJoin([signageDevices.orgId, signageDevices.id], [signagePlays.orgId, signagePlays.deviceId]),
    )
    .where(and(playWhere(filters), ks.after))
    .orderBy(...ks.orderBy)
    .limit(ks.limit);
  return ks.finish(rows);
}

/** Every play matching the filters, oldest first, for a CSV export (at most `max` rows). */
export async function exportPlays(t: TenantTx, filters: PlayFilters, max: number): Promise<Play[]> {
  requireOrgAdmin(t.actor, 'read play reports');
  return t.tx
    .select(playColumns)
    .from(signagePlays)
    .leftJoin(
      signageDevices,
      sameOrgJoin([signageDevices.orgId, signageDevices.id], [signagePlays.orgId, signagePlays.deviceId]),
    )
    .where(playWhere(filters))
    .orderBy(signagePlays.startedAt, signagePlays.id)
    .limit(max);
}

export const PLAY_GROUPS = ['asset', 'device', 'group', 'day'] as const;
export type PlayGroup = (typeof PLAY_GROUPS)[number];

export interface PlaySummaryRow {
  key: string;
  label: string;
  plays: number;
  completed: number;
  interrupted: number;
  totalSeconds: number;
}

/**
 * Plays counted by asset, screen, screen group or day (days on the `timezone` clock, default UTC).
 * By group, a play counts for each group its screen is in now; screens in no group are left out.
 */
export async function summarizePlays(
  t: TenantTx,
  groupBy: PlayGroup,
  filters: PlayFilters,
  timezone: string,
): Promise<PlaySummaryRow[]> {
  requireOrgAdmin(t.actor, 'read play reports');
  const p = signagePlays;
  // The label repeats the key through an aggregate: the same expression with its own parameter
  // would not be recognised as the grouped one.
  const day = sql`to_char(${p.startedAt} at time zone ${timezone}, 'YYYY-MM-DD')`;
  const [key, label] =
    groupBy === 'asset'
      ? [sql`${p.assetId}::text`, sql`max(${p.assetName})`]
      : groupBy === 'device'
        ? [sql`${p.deviceId}::text`, sql`max(${signageDevices.name})`]
        : groupBy === 'group'
          ? [sql`g.id::text`, sql`max(g.name)`]
          : [day, sql`max(${day})`];
  const byGroup =
    groupBy === 'group'
      ? sql`join signage_screen_group_members m on m.org_id = ${p.orgId} and m.device_id = ${p.deviceId}
          join signage_screen_groups g on g.org_id = m.org_id and g.id = m.group_id`
      : sql``;
  const where = playWhere(filters);
  const rows = await queryRows<{
    key: string;
    label: string | null;
    plays: string | number;
    completed: string | number;
    total_ms: string | number;
  }>(
    t.tx,
    sql`select ${key} as key, ${label} as label, count(*) as plays,
          count(*) filter (where ${p.outcome} = 'completed') as completed,
          coalesce(sum(${p.durationMs}), 0) as total_ms
        from ${p}
        left join ${signageDevices} on ${signageDevices.orgId} = ${p.orgId} and ${signageDevices.id} = ${p.deviceId}
        ${byGroup}
        ${where ? sql`where ${where}` : sql``}
        group by 1 order by ${groupBy === 'day' ? sql`1` : sql`3 desc, 1`}
        limit 10000`,
  );
  return rows.map((r) => ({
    key: r.key,
    label: r.label ?? '',
    plays: Number(r.plays),
    completed: Number(r.completed),
    interrupted: Number(r.plays) - Number(r.completed),
    totalSeconds: Math.round(Number(r.total_ms) / 1000),
  }));
}

/** The org's retention in days: its override, else its plan's. */
export async function playRetentionDays(t: TenantTx): Promise<number> {
  const [row] = await t.tx
    .select({ plan: signagePlans.plan, days: signagePlans.playRetentionDays })
    .from(signagePlans);
  return row?.days ?? PLAY_RETENTION_DAYS[row?.plan ?? 'free'];
}

/** Platform job: deletes plays older than each org's retention (orgs without a plan row: free). */
export async function purgeOldPlays(db: Db): Promise<number> {
  const planDays = sql.join(
    Object.entries(PLAY_RETENTION_DAYS).map(([plan, days]) => sql`when ${plan} then ${days}::int`),
    sql` `,
  );
  const rows = await queryRows<{ n: string | number }>(
    db,
    sql`with gone as (
          delete from ${signagePlays} p
           where p.started_at < now() - make_interval(days => coalesce(
             (select coalesce(pl.play_retention_days, case pl.plan ${planDays} end)
                from ${signagePlans} pl where pl.org_id = p.org_id),
             ${PLAY_RETENTION_DAYS.free}::int))
          returning 1)
        select count(*) as n from gone`,
  );
  return Number(rows[0]?.n ?? 0);
}
