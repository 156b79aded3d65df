import { and, count, countDistinct, desc, eq, gte, sql, type SQL } from 'drizzle-orm';
import { audit } from '../../core/audit/service.ts';
import { containsText } from '../../core/db/search.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { keyset, type PageQuery } from '../../core/http/pagination.ts';
import { forbidden, invalidField, notFound, unprocessable } from '../../core/http/problem.ts';
import { claimsFor, myBadge, type Participant } from './participants.ts';
import { exposantScanPolicy } from './policy.ts';
import { exposantScanEvents, exposantScans, participants } from './schema.ts';
import { getEvent, type Event } from './service.ts';

export type ExposantScan = typeof exposantScans.$inferSelect;
export interface Visit {
  scan: ExposantScan;
  visitor: Pick<Participant, 'id' | 'fullName' | 'email' | 'badgeId' | 'role'>;
  /** The lead's scans, when the list asked for them. */
  scans?: LeadScan[];
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
  /** The same device nonce was uploaded before: nothing new was recorded. */
  replayed: boolean;
  visit: Visit;
}

/** What the exposant records with a scan; the device's time when it was taken offline or late. */
export interface LeadInput {
  notes?: string;
  rating?: number | null;
  tags?: string[];
  deviceScannedAt?: Date;
  nonce?: string;
}

/** The badge scanned: its signed QR, or the printed badge id typed by hand. */
export type BadgeRef = { qr: string } | { badgeId: string };

const visitorColumns = {
  id: participants.id,
  fullName: participants.fullName,
  email: participants.email,
  badgeId: participants.badgeId,
  role: participants.role,
};
/** A lead's visitor, joined to the lead. */
const visitorOfLead = and(
  eq(participants.orgId, exposantScans.orgId),
  eq(participants.id, exposantScans.scannedParticipantId),
)!;

async function visitorOf(t: TenantTx, secret: string, eventId: string, ref: BadgeRef) {
  const path = 'qr' in ref ? 'body.qr' : 'body.badge_id';
  const which =
    'qr' in ref
      ? eq(participants.id, claimsFor(t, secret, eventId, ref.qr).participantId)
      : eq(participants.badgeId, ref.badgeId.trim().toUpperCase());
  const [visitor] = await t.tx
    .select(visitorColumns)
    .from(participants)
    .where(and(which, eq(participants.eventId, eventId), eq(participants.isActive, true)));
  if (!visitor) throw unprocessable('This badge is no longer valid', [{ path, message: 'unknown badge' }]);
  return { visitor, path };
}

/**
 * An exposant scans a visitor's badge (the same signed QR as the doors, or the printed badge id
 * typed by hand). A visitor is one lead per stand per day of the event's time zone: the unique
 * (exposant, visitor, day) key makes concurrent scans insert one lead, and every scan is kept as a
 * scan event of that lead, its notes appended to the lead's (never replacing them).
 */
export async function scanVisitor(
  t: TenantTx,
  secret: string,
  eventId: string,
  ref: BadgeRef,
  input: LeadInput = {},
): Promise<VisitResult> {
  await getEvent(t, eventId);
  const stand = await myStand(t, eventId);
  const { visitor, path } = await visitorOf(t, secret, eventId, ref);
  if (visitor.id === stand.id) throw invalidField(path, 'an exposant cannot scan their own badge');
  return recordLead(t, eventId, stand, visitor.id, input, visitor);
}

/** Records one scan of `visitorId` at `stand`: the lead of that day, created or completed. */
export async function recordLead(
  t: TenantTx,
  eventId: string,
  stand: Participant,
  visitorId: string,
  input: LeadInput,
  known?: Visit['visitor'],
): Promise<VisitResult> {
  const event = await getEvent(t, eventId);
  const visitor =
    known ?? (await t.tx.select(visitorColumns).from(participants).where(eq(participants.id, visitorId)))[0];
  if (input.nonce) {
    // Copies of one upload wait for each other here, then find the first one's record.
    await t.tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`${stand.id}|${input.nonce}`}))`);
    const [seen] = await t.tx
      .select({ scan: exposantScans })
      .from(exposantScanEvents)
      .innerJoin(
        exposantScans,
        and(
          eq(exposantScans.orgId, exposantScanEvents.orgId),
          eq(exposantScans.id, exposantScanEvents.visitId),
        ),
      )
      .where(and(eq(exposantScanEvents.exposantId, stand.id), eq(exposantScanEvents.nonce, input.nonce)));
    if (seen) return { created: false, replayed: true, visit: { scan: seen.scan, visitor } };
  }
  const day = input.deviceScannedAt
    ? sql`(${input.deviceScannedAt.toISOString()}::timestamptz at time zone ${event.timezone})::date`
    : eventToday(event);
  const notes = input.notes ?? '';
  const [inserted] = await t.tx
    .insert(exposantScans)
    .values({
      orgId: t.orgId,
      eventId,
      exposantId: stand.id,
      scannedParticipantId: visitorId,
      visitDay: day,
      notes,
      rating: input.rating ?? null,
      tags: tagsOf(input.tags ?? []),
      ...(input.deviceScannedAt ? { scannedAt: input.deviceScannedAt } : {}),
    })
    .onConflictDoNothing()
    .returning();
  let lead = inserted;
  if (!lead) {
    const sameDay = and(
      eq(exposantScans.exposantId, stand.id),
      eq(exposantScans.scannedParticipantId, visitorId),
      sql`${exposantScans.visitDay} = ${day}`,
    );
    [lead] = await t.tx
      .update(exposantScans)
      .set({
        notes: notes
          ? sql`case when ${exposantScans.notes} = '' then ${notes} else ${exposantScans.notes} || E'\n' || ${notes} end`
          : sql`${exposantScans.notes}`,
        ...(input.rating != null ? { rating: input.rating } : {}),
        ...(input.tags?.length
          ? {
              tags: sql`array(select distinct unnest(${exposantScans.tags} || ${textArray(tagsOf(input.tags))}) order by 1)`,
            }
          : {}),
        updatedAt: new Date(),
      })
      .where(sameDay)
      .returning();
  }
  const [scanEvent] = await t.tx
    .insert(exposantScanEvents)
    .values({
      orgId: t.orgId,
      eventId,
      visitId: lead.id,
      exposantId: stand.id,
      notes,
      deviceScannedAt: input.deviceScannedAt ?? null,
      nonce: input.nonce ?? null,
    })
    .returning();
  await audit(t, {
    action: inserted ? 'create' : 'update',
    entityType: 'exposant_scan',
    entityId: lead.id,
    message: `${stand.fullName} scanned visitor ${visitor.badgeId}${inserted ? '' : ' again'}`,
    after: { lead, scan: scanEvent },
  });
  return { created: Boolean(inserted), replayed: false, visit: { scan: lead, visitor } };
}

/** A text[] literal built from bound values (a plain array would be spread into a list). */
const textArray = (values: string[]) =>
  sql`array[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::text[]`;

/** Tags as the exposant typed them, trimmed, without blanks or repeats. */
const tagsOf = (tags: string[]) => [...new Set(tags.map((x) => x.trim()).filter(Boolean))].sort();

export interface LeadPatch {
  rating?: number | null;
  tags?: string[];
  /** Added below the notes already there. */
  note?: string;
}

/** The exposant rates, tags or annotates one of their leads (event managers: any stand's). */
export async function updateLead(t: TenantTx, eventId: string, visitId: string, patch: LeadPatch) {
  const [found] = await t.tx
    .select({ scan: exposantScans, visitor: visitorColumns })
    .from(exposantScans)
    .innerJoin(participants, visitorOfLead)
    .where(
      and(
        eq(exposantScans.id, visitId),
        eq(exposantScans.eventId, eventId),
        exposantScanPolicy.visible(t.actor),
      ),
    );
  if (!found) throw notFound('Visit');
  const note = patch.note?.trim();
  const [after] = await t.tx
    .update(exposantScans)
    .set({
      ...(patch.rating !== undefined ? { rating: patch.rating } : {}),
      ...(patch.tags !== undefined ? { tags: tagsOf(patch.tags) } : {}),
      ...(note
        ? {
            notes: sql`case when ${exposantScans.notes} = '' then ${note} else ${exposantScans.notes} || E'\n' || ${note} end`,
          }
        : {}),
      updatedAt: new Date(),
    })
    .where(eq(exposantScans.id, visitId))
    .returning();
  await audit(t, {
    action: 'update',
    entityType: 'exposant_scan',
    entityId: visitId,
    message: `Lead ${found.visitor.badgeId} updated`,
    before: found.scan,
    after,
  });
  return { scan: after, visitor: found.visitor };
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
      rated: sql<number>`count(${exposantScans.rating})`.mapWith(Number),
      scans:
        sql<number>`(select count(*) from ${exposantScanEvents} e where e.exposant_id = ${stand.id})`.mapWith(
          Number,
        ),
    })
    .from(exposantScans)
    .where(and(eq(exposantScans.exposantId, stand.id), exposantScanPolicy.visible(t.actor)));
  return {
    exposant: stand,
    timezone: event.timezone,
    totalVisits: Number(row.total),
    todayVisits: Number(row.today),
    uniqueVisitors: Number(row.unique),
    totalScans: Number(row.scans),
    ratedLeads: Number(row.rated),
  };
}

/** Every scan of a lead, oldest first: when (server and device clocks) and what was noted. */
export interface LeadScan {
  scannedAt: Date;
  deviceScannedAt: Date | null;
  notes: string;
}

const leadScans = sql<Array<{ scanned_at: string; device_scanned_at: string | null; notes: string }>>`(
  select coalesce(json_agg(json_build_object('scanned_at', e.scanned_at, 'device_scanned_at', e.device_scanned_at,
                                             'notes', e.notes) order by e.scanned_at, e.id), '[]'::json)
    from ${exposantScanEvents} e where e.org_id = ${exposantScans.orgId} and e.visit_id = ${exposantScans.id})`;

const visitColumns = { scan: exposantScans, visitor: visitorColumns, scans: leadScans };

/** The lead list's filters: a minimum rating, a tag, a day of the event's time zone, a text. */
export interface LeadFilter {
  minRating?: number;
  tag?: string;
  day?: string;
  /** Found in the visitor's name, email or badge id, or in the lead's notes. */
  q?: string;
}

function visitsQuery(t: TenantTx, standId: string, f: LeadFilter, after?: SQL) {
  return t.tx
    .select(visitColumns)
    .from(exposantScans)
    .innerJoin(participants, visitorOfLead)
    .where(
      and(
        eq(exposantScans.exposantId, standId),
        exposantScanPolicy.visible(t.actor),
        f.minRating !== undefined ? gte(exposantScans.rating, f.minRating) : undefined,
        f.tag ? sql`${f.tag} = any(${exposantScans.tags})` : undefined,
        f.day ? sql`${exposantScans.visitDay} = ${f.day}::date` : undefined,
        f.q
          ? containsText(
              f.q,
              participants.fullName,
              participants.email,
              participants.badgeId,
              exposantScans.notes,
            )
          : undefined,
        after,
      ),
    );
}

type VisitRow = Omit<Visit, 'scans'> & {
  scans: Array<{ scanned_at: string; device_scanned_at: string | null; notes: string }>;
};
const withScans = (r: VisitRow): Visit => ({
  scan: r.scan,
  visitor: r.visitor,
  scans: r.scans.map((x) => ({
    scannedAt: new Date(x.scanned_at),
    deviceScannedAt: x.device_scanned_at ? new Date(x.device_scanned_at) : null,
    notes: x.notes,
  })),
});

/** The stand's leads, newest first (one per visitor per day), each with its scans. */
export async function listVisits(
  t: TenantTx,
  eventId: string,
  exposantId: string | undefined,
  f: LeadFilter,
  page: PageQuery,
) {
  const stand = await standOf(t, eventId, exposantId);
  const ks = keyset<VisitRow>({
    columns: [exposantScans.scannedAt, exposantScans.id],
    key: (v) => [v.scan.scannedAt, v.scan.id],
    page,
    descending: true,
  });
  const rows = await visitsQuery(t, stand.id, f, ks.after)
    .orderBy(...ks.orderBy)
    .limit(ks.limit);
  const result = ks.finish(rows);
  return { items: result.items.map(withScans), next_cursor: result.next_cursor };
}

/** Every lead of the stand for the exports, newest first. */
export async function allVisits(
  t: TenantTx,
  eventId: string,
  exposantId?: string,
  f: LeadFilter = {},
): Promise<{ stand: Participant; visits: Visit[] }> {
  const stand = await standOf(t, eventId, exposantId);
  const visits = await visitsQuery(t, stand.id, f).orderBy(
    desc(exposantScans.scannedAt),
    desc(exposantScans.id),
  );
  return { stand, visits: visits.map(withScans) };
}
