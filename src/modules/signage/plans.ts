import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../core/db/client.ts';
import { queryRows } from '../../core/db/client.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { audit } from '../../core/audit/service.ts';
import { unprocessable } from '../../core/http/problem.ts';
import { signageDevices, signagePlans, type PlanName } from './schema.ts';

export interface PlanLimits {
  max_assets: number;
  max_users: number;
  max_storage_gb: number;
  max_devices: number;
  api_rate_per_minute: number;
}

/** What each plan grants; an org without a plan row is on `free`. */
export const PLAN_LIMITS: Record<PlanName, PlanLimits> = {
  free: { max_assets: 100, max_users: 5, max_storage_gb: 10, max_devices: 3, api_rate_per_minute: 600 },
  pro: { max_assets: 1000, max_users: 25, max_storage_gb: 100, max_devices: 50, api_rate_per_minute: 6000 },
  enterprise: {
    max_assets: 100_000,
    max_users: 1000,
    max_storage_gb: 5000,
    max_devices: 10_000,
    api_rate_per_minute: 60_000,
  },
};

const GB = 1024 ** 3;

type PlanRow = typeof signagePlans.$inferSelect;

function limitsOf(row: PlanRow): { plan: PlanName } & PlanLimits {
  return {
    plan: row.plan,
    max_assets: row.maxAssets,
    max_users: row.maxUsers,
    max_storage_gb: row.maxStorageGb,
    max_devices: row.maxDevices,
    api_rate_per_minute: row.apiRatePerMinute,
  };
}

function planColumns(plan: PlanName, limits: PlanLimits) {
  return {
    plan,
    maxAssets: limits.max_assets,
    maxUsers: limits.max_users,
    maxStorageGb: limits.max_storage_gb,
    maxDevices: limits.max_devices,
    apiRatePerMinute: limits.api_rate_per_minute,
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
    .values({ orgId: t.orgId, ...planColumns('free', PLAN_LIMITS.free) })
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
    const rate = row?.rate ?? PLAN_LIMITS.free.api_rate_per_minute;
    if (cache.size > 50_000) cache.clear();
    cache.set(orgId, { rate, until: Date.now() + ttlMs });
    return rate;
  };
}

export async function currentPlan(t: TenantTx) {
  const [row] = await t.tx
    .select()
    .from(signagePlans)
    .where(sql`${signagePlans.orgId} = ${t.orgId}`);
  return row ? limitsOf(row) : { plan: 'free' as PlanName, ...PLAN_LIMITS.free };
}

/** Puts the org on a plan (its standard limits, optionally overridden). Platform/billing action. */
export async function setOrgPlan(t: TenantTx, plan: PlanName, overrides: Partial<PlanLimits> = {}) {
  const before = await currentPlan(t);
  const set = planColumns(plan, { ...PLAN_LIMITS[plan], ...overrides });
  const [row] = await t.tx
    .insert(signagePlans)
    .values({ orgId: t.orgId, ...set })
    .onConflictDoUpdate({ target: signagePlans.orgId, set: { ...set, updatedAt: new Date() } })
    .returning();
  const after = limitsOf(row);
  await audit(t, {
    action: 'update',
    entityType: 'signage_plan',
    entityId: t.orgId,
    message: `Signage plan set to ${plan}`,
    before: { ...before },
    after: { ...after },
  });
  return after;
}

export async function usageOf(t: TenantTx) {
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
    storage_bytes: Number(assets.storage_bytes),
    devices: Number(devices.n),
    users: Number(users.n),
  };
}

/** Limits and how much of each is used (GET /api/signage/limits). */
export async function limitsReport(t: TenantTx) {
  const [plan, usage] = [await currentPlan(t), await usageOf(t)];
  const { plan: name, ...limits } = plan;
  return {
    plan: name,
    limits,
    usage: { ...usage, storage_gb: Math.round((usage.storage_bytes / GB) * 1000) / 1000 },
  };
}

function refuse(limit: keyof PlanLimits, max: number, what: string) {
  return unprocessable(`Plan limit reached: ${limit} is ${max} (${what})`, [
    { path: limit, message: `limit of ${max} reached` },
  ]);
}

/**
 * Members are added by the identity module, which signage cannot veto; what signage can do is
 * refuse to grow an org that is over its seat limit (after a downgrade, or members added anyway).
 */
function ensureSeats(plan: PlanLimits, usage: { users: number }) {
  if (usage.users > plan.max_users)
    throw refuse('max_users', plan.max_users, `${usage.users} active members; remove members or upgrade`);
}

/** Locks the plan and refuses when one more asset of `addBytes` would exceed it. */
export async function ensureAssetRoom(t: TenantTx, addBytes: number) {
  const plan = await lockPlan(t);
  const usage = await usageOf(t);
  ensureSeats(plan, usage);
  if (usage.assets + 1 > plan.max_assets)
    throw refuse('max_assets', plan.max_assets, `${usage.assets} assets stored`);
  if (usage.storage_bytes + addBytes > plan.max_storage_gb * GB)
    throw refuse('max_storage_gb', plan.max_storage_gb, `${usage.storage_bytes} bytes stored`);
}

/** Locks the plan and refuses when one more screen would exceed it. */
export async function ensureDeviceRoom(t: TenantTx) {
  const plan = await lockPlan(t);
  const usage = await usageOf(t);
  ensureSeats(plan, usage);
  if (usage.devices + 1 > plan.max_devices)
    throw refuse('max_devices', plan.max_devices, `${usage.devices} screens claimed`);
}
