import { and, eq } from 'drizzle-orm';
import { audit } from '../../core/audit/service.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { liveEvent } from '../../core/events/bus.ts';
import { keyset, type PageQuery } from '../../core/http/pagination.ts';
import { forbidden } from '../../core/http/problem.ts';
import { annonceAudience } from './live.ts';
import { annoncePolicy } from './policy.ts';
import { annonces } from './schema.ts';
import { getEvent } from './service.ts';
import { annonceDeletedData, annonceView } from './views.ts';

export type Annonce = typeof annonces.$inferSelect;
export interface AnnonceInput {
  title: string;
  description: string;
  target: Annonce['target'];
}

/** Tells the roles an announcement targets (as it stands after the change), and its author. */
async function publish(t: TenantTx, eventId: string, change: 'created' | 'updated' | 'deleted', a: Annonce) {
  const data = change === 'deleted' ? annonceDeletedData(eventId, a.id) : annonceView(a);
  const audience = await annonceAudience(t, eventId, a.target, a.createdBy);
  t.publish(liveEvent(t.orgId, `events.annonce.${change}`, data, audience));
}

/** Gestionnaires (and event managers) publish; the announcement is pushed live to the roles it targets. */
export async function createAnnonce(t: TenantTx, eventId: string, input: AnnonceInput): Promise<Annonce> {
  await getEvent(t, eventId, 'announce');
  // Only the author may later edit it, so an announcement must have a user as author.
  if (t.actor.userId === null)
    throw forbidden('Announcements are published by a user, not an API key or job');
  const [annonce] = await t.tx
    .insert(annonces)
    .values({
      orgId: t.orgId,
      eventId,
      title: input.title,
      description: input.description,
      target: input.target,
      createdBy: t.actor.userId,
    })
    .returning();
  await audit(t, {
    action: 'create',
    entityType: 'event_annonce',
    entityId: annonce.id,
    message: `Annonce "${annonce.title}" for ${annonce.target}`,
    after: annonce,
  });
  await publish(t, eventId, 'created', annonce);
  return annonce;
}

export async function listAnnonces(
  t: TenantTx,
  eventId: string,
  opts: { target?: Annonce['target']; page: PageQuery },
) {
  await getEvent(t, eventId);
  const ks = keyset<Annonce>({
    columns: [annonces.createdAt, annonces.id],
    key: (a) => [a.createdAt, a.id],
    page: opts.page,
    descending: true,
  });
  const rows = await t.tx
    .select()
    .from(annonces)
    .where(
      and(
        eq(annonces.eventId, eventId),
        annoncePolicy.visible(t.actor),
        opts.target ? eq(annonces.target, opts.target) : undefined,
        ks.after,
      ),
    )
    .orderBy(...ks.orderBy)
    .limit(ks.limit);
  return ks.finish(rows);
}

const annonceRow = (eventId: string, id: string) => and(eq(annonces.id, id), eq(annonces.eventId, eventId))!;

export async function getAnnonce(
  t: TenantTx,
  eventId: string,
  id: string,
  action: 'see' | 'edit' = 'see',
): Promise<Annonce> {
  await getEvent(t, eventId);
  return annoncePolicy.load(t.tx, t.actor, action, annonceRow(eventId, id));
}

/** Only the author edits; a new target re-sends it to whoever it now reaches. */
export async function updateAnnonce(
  t: TenantTx,
  eventId: string,
  id: string,
  patch: Partial<AnnonceInput>,
): Promise<Annonce> {
  const before = await getAnnonce(t, eventId, id, 'edit');
  const [after] = await t.tx
    .update(annonces)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(annonces.id, id))
    .returning();
  await audit(t, {
    action: 'update',
    entityType: 'event_annonce',
    entityId: id,
    message: `Annonce "${after.title}" updated`,
    before,
    after,
  });
  await publish(t, eventId, 'updated', after);
  return after;
}

export async function deleteAnnonce(t: TenantTx, eventId: string, id: string): Promise<void> {
  const before = await getAnnonce(t, eventId, id, 'edit');
  await t.tx.delete(annonces).where(eq(annonces.id, id));
  await audit(t, {
    action: 'delete',
    entityType: 'event_annonce',
    entityId: id,
    message: `Annonce "${before.title}" deleted`,
    before,
  });
  await publish(t, eventId, 'deleted', before);
}
