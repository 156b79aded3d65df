import { transactionWithSettings, type Db, type Tx } from './client.ts';
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
export async function withTenant<T>(deps: TenantDeps, actor: Actor, fn: (t: TenantTx) => Promise<T>, meta: TenantMeta = {}): Promise<T> {
  const pending: LiveEvent[] = [];
  // The tenant, the user and the role (set_config('role') is SET LOCAL ROLE), for this transaction only.
  const settings: Array<[string, string]> = [
    ['app.org_id', actor.orgId],
    ['app.user_id', actor.userId === null ? '' : String(actor.userId)],
    ['role', APP_ROLE],
  ];
  const result = await transactionWithSettings(deps.db, settings, (tx) =>
    fn({ tx, orgId: actor.orgId, actor, requestId: meta.requestId, ip: meta.ip, publish: (e) => pending.push(e) }),
  );
  if (deps.bus) for (const event of pending) await deps.bus.publish(event).catch(() => {});
  return result;
}
