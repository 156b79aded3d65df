import { auditLog } from '../db/platform-schema.ts';
import type { TenantTx } from '../db/tenant.ts';

export type Diff = Record<string, { before: unknown; after: unknown }>;

/** Fields whose values never enter the audit trail. */
const SECRET_FIELDS = new Set(['passwordHash', 'password_hash', 'password', 'keyHash', 'tokenHash']);

function same(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date)
    return (
      String(a instanceof Date ? a.toISOString() : a) === String(b instanceof Date ? b.toISOString() : b)
    );
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Before/after of the fields that changed; secrets are reported as changed without their values. */
export function diffOf(before: Record<string, unknown> | null, after: Record<string, unknown> | null): Diff {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const diff: Diff = {};
  for (const key of keys) {
    const b = before?.[key];
    const a = after?.[key];
    if (same(b, a)) continue;
    diff[key] = SECRET_FIELDS.has(key)
      ? { before: '***', after: '***' }
      : { before: b ?? null, after: a ?? null };
  }
  return diff;
}

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId?: string | number | null;
  message: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

/** Writes one audit row in the caller's transaction, so the trail commits or rolls back with the change. */
export async function audit(t: TenantTx, entry: AuditEntry): Promise<void> {
  const diff =
    entry.before !== undefined || entry.after !== undefined
      ? diffOf(entry.before ?? null, entry.after ?? null)
      : null;
  await t.tx.insert(auditLog).values({
    orgId: t.orgId,
    actorUserId: t.actor.userId,
    actorLabel: t.actor.label,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId === undefined || entry.entityId === null ? null : String(entry.entityId),
    message: entry.message,
    diff,
    requestId: t.requestId ?? null,
    ip: t.ip ?? null,
  });
}
