import { and, eq, not, sql, type SQLWrapper } from 'drizzle-orm';
import type { Readable } from 'node:stream';
import { containsPattern, matchesPattern } from '../../core/db/search.ts';
import { pageByIdStatement } from '../../core/db/page-by-id.ts';
import {
  actorOfShape,
  policyShapeOf,
  type Placeholders,
  type PolicyShape,
} from '../../core/db/statements.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { requireOrgAdmin } from '../../core/access/actor.ts';
import { audit } from '../../core/audit/service.ts';
import type { PageQuery } from '../../core/http/pagination.ts';
import { notFound } from '../../core/http/problem.ts';
import { IMAGE_TYPES } from '../../core/files/sniff.ts';
import type { FileStorage } from '../../core/files/storage.ts';
import { performerPolicy } from './policy.ts';
import { performerAssignments, performers } from './schema.ts';
import { performerView } from './views.ts';

export type Performer = typeof performers.$inferSelect;

export const PHOTO_MAX_BYTES = 5 * 1024 * 1024;

export interface PerformerInput {
  name: string;
  title?: string;
  roleDescription?: string;
  email?: string | null;
  phone?: string | null;
  notes?: string;
}

export async function createPerformer(t: TenantTx, input: PerformerInput): Promise<Performer> {
  requireOrgAdmin(t.actor, 'create performers');
  const [row] = await t.tx
    .insert(performers)
    .values({ orgId: t.orgId, ...input })
    .returning();
  await audit(t, {
    action: 'monitoring.performer.created',
    entityType: 'performer',
    entityId: row.id,
    message: `Created performer ${row.name}`,
    after: performerView(row),
  });
  return row;
}

/** 404 unless the performer exists and the actor's groups reach it (or the actor is an org admin). */
export async function getPerformer(
  t: TenantTx,
  id: string,
  action: 'see' | 'manage' = 'see',
): Promise<Performer> {
  return performerPolicy.load(t.tx, t.actor, action, eq(performers.id, id));
}

/** `get_performer_by_name`: exact name, case-insensitive; the oldest match when names repeat. */
export async function getPerformerByName(t: TenantTx, name: string): Promise<Performer> {
  const [row] = await t.tx
    .select()
    .from(performers)
    .where(and(performerPolicy.visible(t.actor), sql`lower(${performers.name}) = lower(${name})`))
    .orderBy(performers.id)
    .limit(1);
  if (!row) throw notFound('Performer');
  return row;
}

export interface PerformerFilter {
  includeInactive?: boolean;
  q?: string;
  withAssignments?: boolean;
  /** true: with an active assignment; false: with none (to be placed on a wall). */
  assigned?: boolean;
}

/** Active performers with at least one active assignment (`get_performers_with_assignments`). */
const hasActiveAssignment = sql`exists (select 1 from performer_assignments a
  where a.performer_id = ${performers.id} and a.is_active)`;

/** What the text of a performer list depends on: who asks, and which filters are present. */
interface PerformerListShape {
  actor: PolicyShape;
  includeInactive: boolean;
  search: boolean;
  /** true: with an active assignment; false: with none; null: either. */
  assigned: boolean | null;
}

const shapeOf = (t: TenantTx, f: PerformerFilter): PerformerListShape => ({
  actor: policyShapeOf(t.actor),
  includeInactive: f.includeInactive === true,
  search: Boolean(f.q),
  assigned: f.withAssignments ? true : (f.assigned ?? null),
});

/** The performers a list shows: those the actor may see, filtered (`pattern`: the search's ILIKE). */
function performerWhere(s: PerformerListShape, pattern: SQLWrapper | string | undefined) {
  return and(
    performerPolicy.visible(actorOfShape(s.actor)),
    s.includeInactive ? undefined : sql`${performers.isActive} = true`,
    s.search && pattern !== undefined
      ? matchesPattern(pattern, performers.name, performers.title)
      : undefined,
    s.assigned === true ? hasActiveAssignment : undefined,
    s.assigned === false ? not(hasActiveAssignment) : undefined,
  );
}

const performerPage = pageByIdStatement(
  performers,
  (p: Placeholders<{ pattern?: string }>, s: PerformerListShape) => performerWhere(s, p.pattern),
);

/**
 * `get_all_performers`, `search_performers`, `get_performers_with_assignments` and `me/performers`
 * in one query, built once per shape: the technician's list is a hot read whose policy costs more
 * to build than to run.
 */
export async function listPerformers(t: TenantTx, f: PerformerFilter, page: PageQuery) {
  const pattern = f.q ? containsPattern(f.q) : undefined;
  return performerPage(t.tx, { pattern }, shapeOf(t, f), page);
}

export async function countPerformers(t: TenantTx, f: PerformerFilter): Promise<number> {
  const [{ n }] = await t.tx
    .select({ n: sql<number>`count(*)::int` })
    .from(performers)
    .where(performerWhere(shapeOf(t, f), f.q ? containsPattern(f.q) : undefined));
  return n;
}

/** Only the given fields change (`update_performer`). */
export async function updatePerformer(
  t: TenantTx,
  id: string,
  patch: Partial<PerformerInput>,
): Promise<Performer> {
  const before = await getPerformer(t, id, 'manage');
  const [row] = await t.tx
    .update(performers)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(performers.id, id))
    .returning();
  await audit(t, {
    action: 'monitoring.performer.updated',
    entityType: 'performer',
    entityId: id,
    message: `Updated performer ${row.name}`,
    before: performerView(before),
    after: performerView(row),
  });
  return row;
}

/** Soft delete: the performer's assignments stay but drop out of every assignment query. */
export async function setPerformerActive(t: TenantTx, id: string, isActive: boolean): Promise<Performer> {
  const before = await getPerformer(t, id, 'manage');
  const [row] = await t.tx
    .update(performers)
    .set({ isActive, updatedAt: new Date() })
    .where(eq(performers.id, id))
    .returning();
  await audit(t, {
    action: isActive ? 'monitoring.performer.reactivated' : 'monitoring.performer.deactivated',
    entityType: 'performer',
    entityId: id,
    message: `${isActive ? 'Reactivated' : 'Deactivated'} performer ${row.name}`,
    before: { is_active: before.isActive },
    after: { is_active: row.isActive },
  });
  return row;
}

/** Hard delete; the FK cascade removes the assignments, counted in the audit message. */
export async function deletePerformer(
  t: TenantTx,
  id: string,
  storage: FileStorage,
): Promise<{ deletedAssignments: number }> {
  const before = await getPerformer(t, id, 'manage');
  const [{ n }] = await t.tx
    .select({ n: sql<number>`count(*)::int` })
    .from(performerAssignments)
    .where(eq(performerAssignments.performerId, id));
  await t.tx.delete(performers).where(eq(performers.id, id));
  await audit(t, {
    action: 'monitoring.performer.deleted',
    entityType: 'performer',
    entityId: id,
    message: `Deleted performer ${before.name} and ${n} assignment(s)`,
    before: performerView(before),
  });
  if (before.photoKey) await storage.remove(before.photoKey);
  return { deletedAssignments: n };
}

/**
 * Stores the photo under a fresh key (sniffed as an image, size-limited) and points the performer
 * at it; a refused upload throws before the row changes, and storage leaves no file behind.
 */
export async function setPerformerPhoto(
  t: TenantTx,
  id: string,
  storage: FileStorage,
  source: Readable,
): Promise<Performer> {
  const before = await getPerformer(t, id, 'manage');
  const key = `monitoring/${t.orgId}/performers/${id}-${Date.now()}`;
  const stored = await storage.put(key, source, { maxBytes: PHOTO_MAX_BYTES, accept: IMAGE_TYPES });
  const [row] = await t.tx
    .update(performers)
    .set({ photoKey: stored.key, photoType: stored.type, updatedAt: new Date() })
    .where(eq(performers.id, id))
    .returning();
  await audit(t, {
    action: 'monitoring.performer.photo',
    entityType: 'performer',
    entityId: id,
    message: `New photo for ${row.name} (${stored.type}, ${stored.size} bytes)`,
  });
  if (before.photoKey) await storage.remove(before.photoKey);
  return row;
}
