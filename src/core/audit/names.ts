import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { auditLog, users } from '../db/platform-schema.ts';
import type { TenantTx } from '../db/tenant.ts';

/**
 * The fields of an audited record that name it, most telling first (services record either the
 * domain's camelCase or the API's snake_case): a record's name is the latest
 * value of one of them in its own audit trail (the value before a delete included), so an entry
 * reads "Salle 1" even after the room is gone, and a name is only ever one the trail already holds.
 */
const NAME_FIELDS = [
  'name',
  'title',
  'fullName',
  'full_name',
  'unitName',
  'unit_name',
  'departmentName',
  'department_name',
  'sectionName',
  'section_name',
  'badgeId',
  'badge_id',
  'username',
  'slug',
  'questionText',
  'question_text',
] as const;

/** Entity types whose id is a user's: named from the users the viewer may see. */
const USER_ENTITIES = new Set(['user', 'membership']);

export interface EntityRef {
  entityType: string;
  entityId: string | null;
}

const refKey = (type: string, id: string) => `${type}\u0000${id}`;

/** The name a diff gives its record: the first name field with a value after, else before. */
function nameInDiff(diff: Record<string, { before: unknown; after: unknown }> | null): string | undefined {
  if (!diff) return undefined;
  for (const field of NAME_FIELDS) {
    const change = diff[field];
    if (!change) continue;
    for (const v of [change.after, change.before]) if (typeof v === 'string' && v.trim()) return v;
  }
  return undefined;
}

/** Rows whose diff holds one of the name fields (`diff ?| array[…]`, served by the entity index). */
const hasNameField: SQL = sql`${auditLog.diff} ?| array[${sql.join(
  NAME_FIELDS.map((f) => sql`${f}`),
  sql`, `,
)}]::text[]`;

/**
 * Names of the records the entries point at, keyed by type and id; a record the trail never named
 * (and no user the viewer may see) has none. Users come from the users table, which row-level
 * security limits to the members of the viewer's organization.
 */
export async function entityNames(t: TenantTx, refs: EntityRef[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const byType = new Map<string, Set<string>>();
  for (const r of refs) {
    if (!r.entityId) continue;
    const ids = byType.get(r.entityType) ?? new Set<string>();
    ids.add(r.entityId);
    byType.set(r.entityType, ids);
  }
  for (const [type, idSet] of byType) {
    const ids = [...idSet];
    if (USER_ENTITIES.has(type)) {
      const numeric = ids.filter((id) => /^\d{1,18}$/.test(id)).map(Number);
      for (const [id, name] of await userNames(t, numeric)) names.set(refKey(type, String(id)), name);
      continue;
    }
    const rows = await t.tx
      .selectDistinctOn([auditLog.entityId], { entityId: auditLog.entityId, diff: auditLog.diff })
      .from(auditLog)
      .where(and(eq(auditLog.entityType, type), inArray(auditLog.entityId, ids), hasNameField))
      .orderBy(auditLog.entityId, desc(auditLog.id));
    for (const row of rows) {
      const name = nameInDiff(row.diff);
      if (row.entityId && name) names.set(refKey(type, row.entityId), name);
    }
  }
  return names;
}

export const nameOf = (names: Map<string, string>, r: EntityRef) =>
  r.entityId ? (names.get(refKey(r.entityType, r.entityId)) ?? null) : null;

/** Full names (else usernames) of the users the viewer may see, by id. */
export async function userNames(t: TenantTx, ids: number[]): Promise<Map<number, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await t.tx
    .select({ id: users.id, fullName: users.fullName, username: users.username })
    .from(users)
    .where(inArray(users.id, unique));
  return new Map(rows.map((u) => [u.id, u.fullName || u.username]));
}
