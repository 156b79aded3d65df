import { and, count, countDistinct, desc, eq, sql, type SQL } from 'drizzle-orm';
import { audit } from '../../core/audit/service.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { keyset, type PageQuery } from '../../core/http/pagination.ts';
import { forbidden, invalidField, notFound, unprocessable } from '../../core/http/problem.ts';
import { claimsFor, myBadge, type Participant } from './participants.ts';
import { exposantScanPolicy } from './policy.ts';
import { exposantScans, participants } from './schema.ts';
import { getEvent, type Event } from './service.ts';

export type ExposantScan = typeof exposantScans.$inferSelect;
export interface Visit {
  scan: ExposantScan;
  visitor: Pick<Participant, 'id' | 'fullName' | 'email' | 'badgeId' | 'role'>;
}

/** Today as a calendar day of the event's time zone. */
const eventToday = (event: Event) => sql`(now() at time zone ${event.timezone})::date`;

async function myStand(t: TenantTx, eventId: string): Promise<Participant> {
  const badge = await myBadge(t, eventId, 'exposant');
  if (!badge) throw forbidden('Only exposants of the event scan visitors');
  return badge;
}

/**
 * The stand whose visits are asked for: the caller's own, or — for the event's managers — any
 * exposant named by `exposantId`. Anyone else asking for another stand gets a 404.
 */
export async function standOf(t: TenantTx, eventId: string, exposantId?: string): Promise<Participant> {
  const event = await getEvent(t, eventId);
  if (!exposantId) return myStand(t, eventId);
  const [stand] = await t.tx
    .select()
    .from(participants)
    .where(
      and(
        eq(participants.id, exposantId),
        eq(participants.eventId, eventId),
        eq(participants.role, 'exposant'),
      ),
    );
  if (!stand) throw notFound('Exposant');
  if (stand.userId !== null && stand.userId === t.actor.userId) return stand;
  const manages = await getEvent(t, event.id, 'manage').then(
    () => true,
    () => false,
  );
  if (!manages) throw notFound('Exposant');
  return stand;
}

export interface VisitResult {
  created: boolean;
  visit: Visit;
}

/**
 * An exposant scans a visitor's badge (same signed QR as the doors). A visitor counts once per
 * stand per day of the event's time zone: the unique (exposant, visitor, day) key makes concurrent
 * scans of one badge insert one row, and a repeat that day returns that visit (new notes are kept).
 */
export async function scanVisitor(
  t: TenantTx,
  secret: string,
  eventId: string,
  qr: string,
  notes?: string,
): Promise<VisitResult> {
  const event = await getEvent(t, eventId);
  const stand = await myStand(t, eventId);
  const claims = claimsFor(t, secret, eventId, qr);
  const [visitor] = await t.tx
    .select({
      id: participants.id,
      fullName: participants.fullName,
      email: participants.email,
      badgeId: participants.badgeId,
      role: participants.role,
    })
    .from(participants)
    .where(
      and(
        eq(participants.id, claims.participantId),
        eq(participants.eventId, eventId),
        eq(participants.isActive, true),
      ),
    );
  if (!visitor)
    throw unprocessable('This badge is no longer valid', [{ path: 'body.qr', message: 'unknown badge' }]);
  if (visitor.id === stand.id) throw invalidField('body.qr', 'an exposant cannot scan their own badge');
  const [inserted] = await t.tx
    .insert(exposantScans)
    .values({
      orgId: t.orgId,
      eventId,
      exposantId: stand.id,
      scannedParticipantId: visitor.id,
      visitDay: eventToday(event),
      notes: notes ?? '',
    })
    .onConflictDoNothing()
    .returning();
  if (inserted) {
    await audit(t, {
      action: 'create',
      entityType: 'exposant_scan',
      entityId: inserted.id,
      message: `${stand.fullName} scanned visitor ${visitor.badgeId}`,
      after: inserted,
    });
    return { created: true, visit: { scan: inserted, visitor } };
  }
  const sameDay = and(
    eq(exposantScans.exposantId, stand.id),
    eq(exposantScans.scannedParticipantId, visitor.id),
    sql`${exposantScans.visitDay} = ${eventToday(event)}`,
  );
  let [existing] = await t.tx.select().from(exposantScans).where(sameDay);
  if (notes && notes !== existing.notes) {
    const before = existing;
    [existing] = await t.tx
      .update(exposantScans)
      .set({ notes })
      .where(eq(exposantScans.id, existing.id))
      .returning();
    await audit(t, {
      action: 'update',
      entityType: 'exposant_scan',
      entityId: existing.id,
      message: `Notes on visit of ${visitor.badgeId} updated`,
      before,
      after: existing,
    });
  }
  return { created: false, visit: { scan: existing, visitor } };
}

export async function visitStats(t: TenantTx, eventId: string, exposantId?: string) {
  const event = await getEvent(t, eventId);
  const stand = await standOf(t, eventId, exposantId);
  const [row] = await t.tx
    .select({
      total: count(),
      today: sql<number>`count(*) filter (where ${exposantScans.visitDay} = ${eventToday(event)})`.mapWith(
        Number,
      ),
      unique: countDistinct(exposantScans.scannedParticipantId),
    })
    .from(exposantScans)
    .where(and(eq(exposantScans.exposantId, stand.id), exposantScanPolicy.visible(t.actor)));
  return {
    exposant: stand,
    timezone: event.timezone,
    totalVisits: Number(row.total),
    todayVisits: Number(row.today),
    uniqueVisitors: Number(row.unique),
  };
}

const visitColumns = {
  scan: exposantScans,
  visitor: {
    id: participants.id,
    fullName: participants.fullName,
    email: participants.email,
    badgeId: participants.badgeId,
    role: participants.role,
  },
};

function visitsQuery(t: TenantTx, standId: string, after?: SQL) {
  return t.tx
    .select(visitColumns)
    .from(exposantScans)
    .innerJoin(
      participants,
      and(
        eq(participants.orgId, exposantScans.orgId),
        eq(participants.id, exposantScans.scannedParticipantId),
      ),
    )
    .where(and(eq(exposantScans.exposantId, standId), exposantScanPolicy.visible(t.actor), after));
}

/** The stand's visits, newest first (one row per visitor per day). */
export async function listVisits(
  t: TenantTx,
  eventId: string,
  exposantId: string | undefined,
  page: PageQuery,
) {
  const stand = await standOf(t, eventId, exposantId);
  const ks = keyset<Visit>({
    columns: [exposantScans.scannedAt, exposantScans.id],
    key: (v) => [v.scan.scannedAt, v.scan.id],
    page,
    descending: true,
  });
  const rows = await visitsQuery(t, stand.id, ks.after)
    .orderBy(...ks.orderBy)
    .limit(ks.limit);
  return ks.finish(rows);
}

/** Every visit of the stand for the CSV export, newest first. */
export async function allVisits(
  t: TenantTx,
  eventId: string,
  exposantId?: string,
): Promise<{ stand: Participant; visits: Visit[] }> {
  const stand = await standOf(t, eventId, exposantId);
  const visits = await visitsQuery(t, stand.id).orderBy(
    desc(exposantScans.scannedAt),
    desc(exposantScans.id),
  );
  return { stand, visits };
}
