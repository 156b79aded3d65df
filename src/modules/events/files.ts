import type { Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { audit } from '../../core/audit/service.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import type { FileStorage } from '../../core/files/storage.ts';
import { forbidden, notFound, unprocessable } from '../../core/http/problem.ts';
import { participants } from './schema.ts';
import { participantRow } from './participants.ts';
import { getEvent, writeEvent } from './service.ts';

/** Programmes, guides and stand plans are documents, not videos: 10 MiB is plenty. */
export const PDF_MAX_BYTES = 10 * 1024 * 1024;
export const EVENT_DOCUMENTS = ['programme', 'guide'] as const;
export type EventDocument = (typeof EVENT_DOCUMENTS)[number];

const column = { programme: 'programmeFileKey', guide: 'guideFileKey' } as const;

async function storePdf(storage: FileStorage, key: string, source: Readable): Promise<void> {
  await storage.put(key, source, { maxBytes: PDF_MAX_BYTES, accept: ['application/pdf'] });
}

/** Event managers upload the programme or the guide; the previous file is removed once replaced. */
export async function setEventDocument(
  t: TenantTx,
  storage: FileStorage,
  eventId: string,
  kind: EventDocument,
  source: Readable,
) {
  const before = await getEvent(t, eventId, 'manage');
  const key = `events/${t.orgId}/${eventId}/${kind}-${Date.now()}.pdf`;
  await storePdf(storage, key, source);
  const after = await writeEvent(
    t,
    eventId,
    { [column[kind]]: key },
    {
      message: () => `Event ${kind} uploaded`,
      before: { [column[kind]]: before[column[kind]] },
      after: { [column[kind]]: key },
    },
  );
  const old = before[column[kind]];
  if (old) await storage.remove(old);
  return after;
}

/** Anyone with a role in the event downloads its programme and guide. */
export async function eventDocumentKey(t: TenantTx, eventId: string, kind: EventDocument): Promise<string> {
  const event = await getEvent(t, eventId);
  const key = event[column[kind]];
  if (!key) throw notFound(kind === 'programme' ? 'Programme' : 'Guide');
  return key;
}

async function exposantBadge(t: TenantTx, eventId: string, participantId: string) {
  await getEvent(t, eventId);
  const [p] = await t.tx.select().from(participants).where(participantRow(eventId, participantId));
  if (!p) throw notFound('Participant');
  return p;
}

/** The exposant uploads their own stand plan; event managers may upload it for them. */
export async function setExposantPlan(
  t: TenantTx,
  storage: FileStorage,
  eventId: string,
  participantId: string,
  source: Readable,
) {
  const stand = await exposantBadge(t, eventId, participantId);
  const own = stand.userId !== null && stand.userId === t.actor.userId;
  if (
    !own &&
    !(await getEvent(t, eventId, 'manage').then(
      () => true,
      () => false,
    ))
  )
    throw forbidden('Only the exposant or the event managers upload a stand plan');
  if (stand.role !== 'exposant')
    throw unprocessable('Only exposants have a stand plan', [
      { path: 'participantId', message: 'not an exposant' },
    ]);
  const key = `events/${t.orgId}/${eventId}/plans/${participantId}-${Date.now()}.pdf`;
  await storePdf(storage, key, source);
  const [after] = await t.tx
    .update(participants)
    .set({ planFileKey: key, updatedAt: new Date() })
    .where(eq(participants.id, participantId))
    .returning();
  await audit(t, {
    action: 'update',
    entityType: 'event_participant',
    entityId: participantId,
    message: `Stand plan uploaded for ${stand.fullName}`,
    before: { planFileKey: stand.planFileKey },
    after: { planFileKey: key },
  });
  if (stand.planFileKey) await storage.remove(stand.planFileKey);
  return after;
}

/** Stand plans are for visitors: anyone with a role in the event reads them. */
export async function exposantPlanKey(t: TenantTx, eventId: string, participantId: string): Promise<string> {
  const stand = await exposantBadge(t, eventId, participantId);
  if (stand.role !== 'exposant' || !stand.planFileKey) throw notFound('Stand plan');
  return stand.planFileKey;
}
