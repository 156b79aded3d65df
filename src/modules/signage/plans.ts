import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../core/db/client.ts';
import { queryRows } from '../../core/db/client.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { auditChange } from './changes.ts';
import { unprocessable } from '../../core/http/problem.ts';
import { phrase, type Phrase } from '../../core/http/problem-texts.ts';
import { signageDevices, signagePlans, type PlanName } from './schema.ts';
import { planView } from './views.ts';

export interface PlanLimits {
  maxAssets: number;
  maxUsers: number;
  maxStorageGb: number;
  maxDevices: number;
  apiRatePerMinute: number;
}

/** The wire (and error path) name of each limit. */
export const LIMIT_NAMES: Record<keyof PlanLimits, string> = {
  maxAssets: 'max_assets',
  maxUsers: 'max_users',
  maxStorageGb: 'max_storage_gb',
  maxDevices: 'max_devices',
  apiRatePerMinute: 'api_rate_per_minute',
};

/** What each plan grants; an org without a plan row is on `free`. */
export const PLAN_LIMITS: Record<PlanName, PlanLimits> = {
  free: { maxAssets: 100, maxUsers: 5, maxStorageGb: 10, maxDevices: 3, apiRatePerMinute: 600 },
  pro: { maxAssets: 1000, maxUsers: 25, maxStorageGb: 100, maxDevices: 50, apiRatePerMinute: 6000 },
  enterprise: {
    maxAssets: 100_000,
    maxUsers: 1000,
    maxStorageGb: 5000,
    maxDevices: 10_000,
    apiRatePerMinute: 60_000,
  },
};

const GB = 1024 ** 3;

type PlanRow = typeof signagePlans.$inferSelect;
export type Plan = { plan: PlanName } & PlanLimits;

function limitsOf(row: PlanRow): Plan {
  return {
    plan: row.plan,
    maxAssets: row.maxAssets,
    maxUsers: row.maxUsers,
    maxStorageGb: row.maxStorageGb,
    maxDevices: row.maxDevices,
    apiRatePerMinute: row.apiRatePerMinute,
  };
}

/**
 * The org's plan row, locked until the transaction ends. Every create that a limit guards calls
 * this before counting, so concurrent creates queue here and each counts what the previous one
 * committed. The free row is materialised on first use: there must be a row to lock.
 */
export async function lockPlan(t: TenantTx) {
  await t.tx
    .insert(signagePlans)
    .values({ orgId: t.orgId, plan: 'free', ...PLAN_LIMITS.free })
    .onConflictDoNothing();
  const [row] = await t.tx
    .select()
    .from(signagePlans)
    .where(sql`${signagePlans.orgId} = ${t.orgId}`)
    .for('update');
  return limitsOf(row);
}

/**
 * The org's API rate per minute, read with the owner connection (the rate-limit hook runs before
 * any tenant transaction) and cached briefly: a plan change reaches every process within ttlMs.
 */
export function createRateLookup(db: Db, ttlMs = 10_000) {
  const cache = new Map<string, { rate: number; until: number }>();
  return async (orgId: string): Promise<number> => {
    const hit = cache.get(orgId);
    if (hit && hit.until > Date.now()) return hit.rate;
    const [row] = await db
      .select({ rate: signagePlans.apiRatePerMinute })
      .from(signagePlans)
      .where(eq(signagePlans.orgId, orgId));
    const rate = row?.rate ?? PLAN_LIMITS.free.apiRatePerMinute;
    if (cache.size > 50_000) cache.clear();
    cache.set(orgId, { rate, until: Date.now() + ttlMs });
    return rate;
  };
}

export async function currentPlan(t: TenantTx): Promise<Plan> {
  const [row] = await t.tx
    .select()
    .from(signagePlans)
    .where(sql`${signagePlans.orgId} = ${t.orgId}`);
  return row ? limitsOf(row) : { plan: 'free' as PlanName, ...PLAN_LIMITS.free };
}

/** Puts the org on a plan (its standard limits, optionally overridden). Platform/billing action. */
export async function setOrgPlan(t: TenantTx, plan: PlanName, overrides: Partial<PlanLimits> = {}) {
  const before = await currentPlan(t);
  const set = { plan, ...PLAN_LIMITS[plan], ...overrides };
  const [row] = await t.tx
    .insert(signagePlans)
    .values({ orgId: t.orgId, ...set })
    .onConflictDoUpdate({ target: signagePlans.orgId, set: { ...set, updatedAt: new Date() } })
    .returning();
  const after = limitsOf(row);
  const message = `Signage plan set to ${plan}`;
  await auditChange(t, { entityType: 'signage_plan', entityId: t.orgId, message }, planView, before, after);
  return after;
}

export interface Usage {
  assets: number;
  storageBytes: number;
  devices: number;
  users: number;
}

export async function usageOf(t: TenantTx): Promise<Usage> {
  const [assets] = await queryRows<{ assets: string | number; storage_bytes: string | number }>(
    t.tx,
    sql`select * from signage_asset_usage()`,
  );
  const [devices] = await queryRows<{ n: string | number }>(
    t.tx,
    sql`select count(*) as n from ${signageDevices}`,
  );
  const [users] = await queryRows<{ n: string | number }>(
    t.tx,
    sql`select count(*) as n from memberships where is_active`,
  );
  return {
    assets: Number(assets.assets),
    storageBytes: Number(assets.storage_bytes),
    devices: Number(devices.n),
    users: Number(users.n),
  };
}

/** The plan and how much of each limit is used (GET /api/signage/limits). */
export async function limitsReport(t: TenantTx): Promise<{ plan: Plan; usage: Usage }> {
  return { plan: await currentPlan(t), usage: await usageOf(t) };
}

function refuse(plan: PlanLimits, limit: keyof PlanLimits, what: Phrase) {
  const name = LIMIT_NAMES[limit];
  const max = plan[limit];
  return unprocessable(phrase('plan.limit', { limit: name, max, what }), [
    { path: name, message: phrase('plan.limitField', { max }) },
  ]);
}

/**
 * Members are added by the identity module, which signage cannot veto; what signage can do is
 * refuse to grow an org that is over its seat limit (after a downgrade, or members added anyway).
 */
function ensureSeats(plan: PlanLimits, usage: { users: number }) {
  if (usage.users > plan.maxUsers)
    throw refuse(plan, 'maxUsers', phrase('plan.usedMembers', { count: usage.users }));
}

/** Locks the plan and refuses when one more asset of `addBytes` would exceed it. */
export async function ensureAssetRoom(t: TenantTx, addBytes: number) {
  const plan = await lockPlan(t);
  const usage = await usageOf(t);
  ensureSeats(plan, usage);
  if (usage.assets + 1 > plan.maxAssets)
    throw refuse(plan, 'maxAssets', phrase('plan.usedAssets', { count: usage.assets }));
  if (usage.storageBytes + addBytes > plan.maxStorageGb * GB)
    throw refuse(plan, 'maxStorageGb', phrase('plan.usedBytes', { count: usage.storageBytes }));
}

/** Locks the plan and refuses when one more screen would exceed it. */
export async function ensureDeviceRoom(t: TenantTx) {
  const plan = await lockPlan(t);
  const usage = await usageOf(t);
  ensureSeats(plan, usage);
  if (usage.devices + 1 > plan.maxDevices)
    throw refuse(plan, 'maxDevices', phrase('plan.usedScreens', { count: usage.devices }));
}
