import { transactionWithSettings, type Db } from '../../core/db/client.ts';
import type { EventBus, LiveEvent } from '../../core/events/bus.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { systemActor } from '../../core/access/actor.ts';

/**
 * A transaction as the owner role, scoped to one org for services and audit. For platform work
 * that must also touch platform tables in the same commit (the billing webhook records its event
 * id with the change it makes), which a tenant transaction's role may not write.
 */
export async function asPlatformInOrg<T>(deps: { db: Db; bus: EventBus }, orgId: string, label: string, fn: (t: TenantTx) => Promise<T>): Promise<T> {
  const pending: LiveEvent[] = [];
  const settings: Array<[string, string]> = [['app.org_id', orgId], ['app.user_id', '']];
  const result = await transactionWithSettings(deps.db, settings, (tx) => fn({ tx, orgId, actor: systemActor(orgId, label), publish: (e) => pending.push(e) }));
  for (const event of pending) await deps.bus.publish(event).catch(() => {});
  return result;
}
