import { transactionWithSettings, type Db, type Tx } from './client.ts';
import { statementWithSettings, type ShapedStatement } from './group-commit.ts';
import type { Actor } from '../access/actor.ts';
import type { EventBus, LiveEvent } from '../events/bus.ts';

/** The non-owner role every tenant transaction runs as, so row-level security applies. */
export const APP_ROLE = 'roster_app';

/**
 * Everything a service needs about "who, where, in which request" — passed explicitly instead of
 * reading the HTTP request, so services run the same from routes, CLI, jobs and tests.
 */
export interface TenantTx {
  tx: Tx;
  orgId: string;
  actor: Actor;
  requestId?: string;
  ip?: string;
  /** Queues a live event; it is published only after the transaction commits. */
  publish(event: LiveEvent): void;
}

export interface TenantDeps {
  db: Db;
  bus?: EventBus;
}

export interface TenantMeta {
  requestId?: string;
  ip?: string;
}

/**
 * Runs `fn` in one transaction scoped to the actor's org: `app.org_id` / `app.user_id` are set
 * transaction-locally and the role is switched to `roster_app`, so every query — even one that
 * forgets its WHERE — only reaches this org's rows.
 */
export function withTenant<T>(
  deps: TenantDeps,
  actor: Actor,
  fn: (t: TenantTx) => Promise<T>,
  meta: TenantMeta = {},
): Promise<T> {
  return inOrg(deps, actor, { appRole: true }, fn, meta);
}

/**
 * The same org scoping for services and audit, but as the owner role: for platform work that must
 * write platform tables in the same commit as the org's change (a billing webhook records its
 * event id with the plan change it makes). RLS does not apply, so only platform code may use it.
 */
export function withOrgAsPlatform<T>(
  deps: TenantDeps,
  actor: Actor,
  fn: (t: TenantTx) => Promise<T>,
): Promise<T> {
  return inOrg(deps, actor, { appRole: false }, fn, {});
}

async function inOrg<T>(
  deps: TenantDeps,
  actor: Actor,
  opts: { appRole: boolean },
  fn: (t: TenantTx) => Promise<T>,
  meta: TenantMeta,
): Promise<T> {
  const pending: LiveEvent[] = [];
  const result = await transactionWithSettings(deps.db, tenantSettings(actor, opts), (tx) =>
    fn({
      tx,
      orgId: actor.orgId,
      actor,
      requestId: meta.requestId,
      ip: meta.ip,
      publish: (e) => pending.push(e),
    }),
  );
  await publishAll(deps, pending);
  return result;
}

/**
 * `withTenant` for work that is exactly one SQL statement (no audit row, nothing read back first),
 * group-committed on node-postgres (see group-commit.ts: concurrent calls share one transaction and
 * one round trip). Returns the statement's rows once committed; live events are published with
 * `publishAll`. The door scan (the hottest write) and the screens' playlist poll use it.
 */
export function withTenantStatement<R>(
  deps: TenantDeps,
  actor: Actor,
  statement: ShapedStatement,
): Promise<R[]> {
  return statementWithSettings<R>(deps.db, tenantSettings(actor, { appRole: true }), statement);
}

/** Publishes live events of a committed transaction; a bus failure never fails the request. */
export async function publishAll(deps: TenantDeps, events: LiveEvent[]): Promise<void> {
  if (deps.bus) for (const event of events) await deps.bus.publish(event).catch(() => {});
}

/** The tenant, the user and the role (set_config('role') is SET LOCAL ROLE), for one transaction only. */
function tenantSettings(actor: Actor, opts: { appRole: boolean }): Array<[string, string]> {
  return [
    ['app.org_id', actor.orgId],
    ['app.user_id', actor.userId === null ? '' : String(actor.userId)],
    ...(opts.appRole ? [['role', APP_ROLE] as [string, string]] : []),
  ];
}
