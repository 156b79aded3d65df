import { and, eq, gte, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import { containsText } from '../../core/db/search.ts';
import { audit } from '../../core/audit/service.ts';
import { liveEvent, type LiveEvent } from '../../core/events/bus.ts';
import { queryRows } from '../../core/db/client.ts';
import { newId } from '../../core/db/columns.ts';
import { doorAudienceOf, entranceAudience } from './live.ts';
import { fromJson } from './rows.ts';
import { publishAll, withTenantStatement, type TenantDeps, type TenantTx } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/access/actor.ts';
import { keyset, type PageQuery } from '../../core/http/pagination.ts';
import { conflict, forbidden, invalidField, notFound, unprocessable } from '../../core/http/problem.ts';
import { newBadgeId, verifyBadge } from './badges.ts';
import { eventPolicy, managesEvent, participantPolicy, roomAccessPolicy } from './policy.ts';
import { toSql } from '../../core/access/policy.ts';
import {
  events,
  participants,
  type DENIAL_REASONS,
  type GRANT_NOTES,
  roomAccesses,
  rooms,
  sessionAccesses,
  sessions,
  PAYMENT_STATUSES,
  type SessionStatus,
} from './schema.ts';
import { assertMember, currentRoom, getEvent, getSession, type Room, type Session } from './service.ts';
import { checkedInData, occupancyData, scanRecordedData } from './views.ts';

export type Participant = typeof participants.$inferSelect;
export type RoomAccess = typeof roomAccesses.$inferSelect;
export type SessionAccess = typeof sessionAccesses.$inferSelect;

// ---------------------------------------------------------------- participants and badges

export interface ParticipantInput {
  userId?: number | null;
  fullName: string;
  email?: string | null;
  role: Participant['role'];
}

/** Issues a badge for a participant or exposant; a user already registered keeps their badge. */
export async function registerParticipant(
  t: TenantTx,
  eventId: string,
  input: ParticipantInput,
): Promise<Participant> {
  await getEvent(t, eventId, 'manage');
  return issueBadge(t, eventId, input);
}

/** Issues (or reactivates) a badge; the caller decided who may. */
export async function issueBadge(
  t: TenantTx,
  eventId: string,
  input: ParticipantInput,
): Promise<Participant> {
  if (input.userId != null) {
    await assertMember(t, input.userId, 'body.user_id');
    const [existing] = await t.tx
      .select()
      .from(participants)
      .where(and(eq(participants.eventId, eventId), eq(participants.userId, input.userId)));
    if (existing?.isActive && existing.role === input.role)
      throw conflict('This user already has a badge for this event', [
        { path: 'body.user_id', message: 'already registered' },
      ]);
    if (existing) {
      const [after] = await t.tx
        .update(participants)
        .set({ role: input.role, isActive: true, updatedAt: new Date() })
        .where(eq(participants.id, existing.id))
        .returning();
      await audit(t, {
        action: 'update',
        entityType: 'event_participant',
        entityId: after.id,
        message: `Badge ${after.badgeId} reactivated as ${after.role}`,
        before: existing,
        after,
      });
      return after;
    }
  }
  const [participant] = await t.tx
    .insert(participants)
    .values({
      orgId: t.orgId,
      eventId,
      userId: input.userId ?? null,
      role: input.role,
      fullName: input.fullName,
      email: input.email ?? null,
      badgeId: newBadgeId(),
    })
    .returning();
  await audit(t, {
    action: 'create',
    entityType: 'event_participant',
    entityId: participant.id,
    message: `Badge ${participant.badgeId} issued to ${participant.fullName} (${participant.role})`,
    after: participant,
  });
  return participant;
}

export async function listParticipants(
  t: TenantTx,
  eventId: string,
  opts: { q?: string; role?: Participant['role']; checkedIn?: boolean; page: PageQuery },
) {
  await getEvent(t, eventId);
  const ks = keyset<Participant>({
    columns: [participants.fullName, participants.id],
    key: (p) => [p.fullName, p.id],
    page: opts.page,
  });
  const rows = await t.tx
    .select()
    .from(participants)
    .where(
      and(
        eq(participants.eventId, eventId),
        eq(participants.isActive, true),
        participantPolicy.visible(t.actor),
        opts.q
          ? containsText(opts.q, participants.fullName, participants.badgeId, participants.email)
          : undefined,
        opts.role ? eq(participants.role, opts.role) : undefined,
        opts.checkedIn !== undefined ? eq(participants.isCheckedIn, opts.checkedIn) : undefined,
        ks.after,
      ),
    )
    .orderBy(...ks.orderBy)
    .limit(ks.limit);
  return ks.finish(rows);
}

/** An active badge of the event, by id. */
export const participantRow = (eventId: string, participantId: string) =>
  and(
    eq(participants.id, participantId),
    eq(participants.eventId, eventId),
    eq(participants.isActive, true),
  )!;

export async function getParticipant(
  t: TenantTx,
  eventId: string,
  participantId: string,
  action: 'see' | 'manage' | 'checkIn' = 'see',
): Promise<Participant> {
  return participantPolicy.load(t.tx, t.actor, action, participantRow(eventId, participantId));
}

/** The actor's own active badge in the event (of that role when given), if they hold one. */
export async function myBadge(
  t: TenantTx,
  eventId: string,
  role?: Participant['role'],
): Promise<Participant | undefined> {
  return t.actor.userId === null ? undefined : activeBadgeOf(t, eventId, t.actor.userId, role);
}

/** A user's active badge in the event (of that role when given), if they hold one. */
export async function activeBadgeOf(
  t: TenantTx,
  eventId: string,
  userId: number,
  role?: Participant['role'],
): Promise<Participant | undefined> {
  const [badge] = await t.tx
    .select()
    .from(participants)
    .where(
      and(
        eq(participants.eventId, eventId),
        eq(participants.userId, userId),
        eq(participants.isActive, true),
        role ? eq(participants.role, role) : undefined,
      ),
    );
  return badge;
}

/** The participant a QR payload names in this event, or a 422 saying why the badge is refused. */
export function claimsFor(t: TenantTx, secret: string, eventId: string, qr: string) {
  const claims = verifyBadge(secret, qr);
  if (!claims)
    throw unprocessable('Forged, altered or unreadable badge', [
      { path: 'body.qr', message: 'not an authentic badge' },
    ]);
  if (claims.orgId !== t.orgId || claims.eventId !== eventId)
    throw unprocessable('This badge belongs to another event', [
      { path: 'body.qr', message: 'badge of another event' },
    ]);
  return claims;
}

export interface CheckInResult {
  alreadyCheckedIn: boolean;
  participant: Participant;
}

/**
 * Entrance check-in. One conditional UPDATE flips the flag, so of several concurrent check-ins of
 * one badge exactly one wins; the others answer "already checked in at T".
 */
export async function checkIn(
  t: TenantTx,
  secret: string,
  eventId: string,
  qr: string,
): Promise<CheckInResult> {
  await getEvent(t, eventId);
  const claims = claimsFor(t, secret, eventId, qr);
  await getParticipant(t, eventId, claims.participantId, 'checkIn');
  return checkInParticipant(t, eventId, claims.participantId);
}

/** The check-in itself, once the badge is authentic and the actor may check people in. */
export async function checkInParticipant(
  t: TenantTx,
  eventId: string,
  participantId: string,
): Promise<CheckInResult> {
  const [won] = await t.tx
    .update(participants)
    .set({ isCheckedIn: true, checkedInAt: sql`now()`, checkedInBy: t.actor.userId, updatedAt: new Date() })
    .where(and(participantRow(eventId, participantId), eq(participants.isCheckedIn, false)))
    .returning();
  if (won) {
    await audit(t, {
      action: 'check_in',
      entityType: 'event_participant',
      entityId: won.id,
      message: `${won.fullName} checked in (${won.badgeId})`,
      before: { isCheckedIn: false },
      after: { isCheckedIn: true, checkedInAt: won.checkedInAt },
    });
    t.publish(
      liveEvent(
        t.orgId,
        'events.participant.checked_in',
        checkedInData(eventId, won),
        await entranceAudience(t, eventId),
      ),
    );
    return { alreadyCheckedIn: false, participant: won };
  }
  const [p] = await t.tx.select().from(participants).where(participantRow(eventId, participantId));
  return { alreadyCheckedIn: true, participant: p };
}

// ---------------------------------------------------------------- room access control

export type DenialReason = (typeof DENIAL_REASONS)[number];
export type GrantNote = (typeof GRANT_NOTES)[number];

export interface ScanDecision {
  status: RoomAccess['status'];
  reason: DenialReason | GrantNote | null;
  /** The same nonce was scanned before: this is that decision, not a new one. */
  replayed: boolean;
  scan: RoomAccess;
  participant: Participant | null;
  room: Room | null;
  session: Session | null;
}

/**
 * Payment does not keep this participant out of this session: it is no paid atelier, or they hold a
 * SessionAccess marked paid or free: the SQL function `events_has_paid_access`, the rule the door
 * scan applies.
 */
export async function hasPaidAccess(t: TenantTx, participantId: string, sessionId: string): Promise<boolean> {
  const [row] = await queryRows<{ ok: boolean }>(
    t.tx,
    sql`select events_has_paid_access(${participantId}::uuid, ${sessionId}::uuid) as ok`,
  );
  return row.ok;
}

/** What `events_scan_badge` answers: the decision with its rows as JSON (snake_case columns). */
interface ScanRow {
  refused?: 'not_found' | 'forbidden' | 'room_not_found' | 'room_forbidden';
  status: RoomAccess['status'];
  replayed: boolean;
  reason: ScanDecision['reason'];
  scan: Record<string, unknown>;
  participant: Record<string, unknown> | null;
  room: Record<string, unknown> | null;
  session: Record<string, unknown> | null;
  /** The session's price as text (a JSON number would turn "25.00" into 25) and its status now. */
  session_price: string | null;
  session_status: SessionStatus | null;
  left: Record<string, unknown> | null;
  audience: Array<number | string | null>;
}

export interface ScanOptions {
  /** `in` (default) or `out`; at an exit-only door an absent direction means `out`. */
  direction?: RoomAccess['direction'];
  /** The device's id for this scan: the same nonce again is answered with the first decision. */
  nonce?: string;
}

/** A supervisor lets a badge into a room past the door's refusal. */
export interface ForceEntry {
  roomId: string;
  reason: string;
}

const UNIQUE_VIOLATION = '23505';
const isNonceRace = (err: unknown) =>
  typeof err === 'object' &&
  err !== null &&
  (err as { code?: string }).code === UNIQUE_VIOLATION &&
  (err as { constraint?: string }).constraint === 'room_accesses_nonce_unique';

/** The statement deciding one scan: the event policy and `events_scan_badge`, one round trip. */
function scanStatement(
  actor: Actor,
  eventId: string,
  values: Record<string, string | boolean | null>,
  force: boolean,
) {
  return {
    // The SQL text depends on the caller (the event policy), the event and whether it is forced.
    shape: `events.scan|${force}|${actor.orgId}|${actor.userId}|${actor.orgRole}|${actor.via}|${eventId}`,
    values,
    build: (v: Record<string, unknown>) => {
      const event = and(eq(events.id, eventId), eq(events.isActive, true));
      const access = eventPolicy.access(actor, force ? 'supervise' : 'scan');
      const manages = force ? toSql(managesEvent(actor, events.id)) : sql`false`;
      return sql`select events_scan_badge(
          ${actor.orgId}::uuid, ${eventId}::uuid, ${actor.userId}::bigint, ${v.scanId}::uuid,
          ${v.participantId}::uuid, ${v.badgeDenial}::text,
          coalesce((select ${access} from ${events} where ${event}), 'not_found'),
          ${v.direction}::text, ${v.nonce}::text, ${force}, ${v.overrideReason}::text, ${v.roomId}::uuid,
          coalesce((select ${manages} from ${events} where ${event}), false)
        ) as decision`;
    },
  };
}

/**
 * A controller scans a badge at the door of the room they hold now; the decision table of
 * docs/events.md. The QR signature is checked here (no database read); everything else — the
 * event policy, the controller's room now, a retry of the same nonce, the participant row lock,
 * the door's direction, the session running, paid access, the conditional occupancy update, the
 * scan row and the live audience — is one statement calling the SQL function `events_scan_badge`,
 * group-committed with the scans arriving at the same moment (`withTenantStatement`): one round
 * trip, and the room rows it locks are free again as soon as its batch commits. Every scan is
 * recorded once; occupancy can never pass capacity.
 */
export async function scanBadge(
  deps: TenantDeps,
  actor: Actor,
  secret: string,
  eventId: string,
  qr: string,
  opts: ScanOptions = {},
): Promise<ScanDecision> {
  const statement = scanStatement(actor, eventId, scanValues(actor, secret, eventId, qr, opts), false);
  const run = () => withTenantStatement<{ decision: ScanRow }>(deps, actor, statement);
  // Two copies of one scan on two connections: the loser finds the winner's record when run again.
  const [{ decision: d }] = await run().catch((err: unknown) => {
    if (isNonceRace(err)) return run();
    throw err;
  });
  refuseIfOutside(d);
  const result = decisionOf(d);
  if (!d.replayed) await publishAll(deps, scanEvents(actor.orgId, eventId, result, d));
  return result;
}

/**
 * A room's gestionnaire (holding it now) or an event manager lets a badge in past a refusal
 * (not checked in, unpaid atelier, wrong-way door), with a reason: recorded as forced and audited.
 * Capacity still holds, and a forged or unknown badge stays refused.
 */
export async function forceEntry(
  t: TenantTx,
  secret: string,
  eventId: string,
  qr: string,
  force: ForceEntry,
  opts: Pick<ScanOptions, 'nonce'> = {},
): Promise<ScanDecision> {
  const values = {
    ...scanValues(t.actor, secret, eventId, qr, { direction: 'in', nonce: opts.nonce }),
    roomId: force.roomId,
    overrideReason: force.reason,
  };
  const statement = scanStatement(t.actor, eventId, values, true);
  const [{ decision: d }] = await queryRows<{ decision: ScanRow }>(t.tx, statement.build(statement.values));
  refuseIfOutside(d);
  const result = decisionOf(d);
  if (d.replayed) return result;
  await audit(t, {
    action: 'force_entry',
    entityType: 'room_access',
    entityId: result.scan.id,
    message:
      `Forced entry into ${result.room?.name ?? 'a room'} for ` +
      `${result.participant?.badgeId ?? 'an unknown badge'}: ${result.status}` +
      `${result.reason ? ` (${result.reason})` : ''} — ${force.reason}`,
    after: result.scan,
  });
  for (const e of scanEvents(t.orgId, eventId, result, d)) t.publish(e);
  return result;
}

function scanValues(actor: Actor, secret: string, eventId: string, qr: string, opts: ScanOptions) {
  const claims = verifyBadge(secret, qr);
  const badgeDenial: DenialReason | null = !claims
    ? 'invalid_badge'
    : claims.orgId !== actor.orgId || claims.eventId !== eventId
      ? 'other_event'
      : null;
  return {
    scanId: newId(),
    participantId: badgeDenial ? null : claims!.participantId,
    badgeDenial,
    direction: opts.direction ?? null,
    nonce: opts.nonce ?? null,
    overrideReason: null,
    roomId: null,
  };
}

function refuseIfOutside(d: ScanRow) {
  if (d.refused === 'not_found') throw notFound('Event');
  if (d.refused === 'forbidden') throw forbidden('You may not scan this event');
  if (d.refused === 'room_not_found') throw invalidField('body.room_id', 'no such room in this event');
  if (d.refused === 'room_forbidden')
    throw forbidden('Only the event managers and the gestionnaire holding this room now may force an entry');
}

function decisionOf(d: ScanRow): ScanDecision {
  return {
    status: d.status,
    reason: d.reason,
    replayed: d.replayed,
    scan: fromJson(roomAccesses, d.scan),
    participant: d.participant && fromJson(participants, d.participant),
    room: d.room && fromJson(rooms, d.room),
    session: d.session && {
      ...fromJson(sessions, { ...d.session, price: d.session_price }),
      status: d.session_status!,
    },
  };
}

/**
 * `events.scan.recorded` for every door decision, and `events.room.occupancy` for each room whose
 * count moved, to the event's managers and the controllers of the rooms concerned.
 */
function scanEvents(orgId: string, eventId: string, decision: ScanDecision, d: ScanRow): LiveEvent[] {
  const { scan, room } = decision;
  const left = d.left && fromJson(rooms, d.left);
  const audience = doorAudienceOf(d.audience);
  const recorded = liveEvent(orgId, 'events.scan.recorded', scanRecordedData(eventId, scan), audience);
  const moved =
    scan.status === 'granted' && scan.reason === null
      ? [room, left].filter((r): r is Room => r !== null)
      : [];
  return [
    recorded,
    ...moved.map((r) => liveEvent(orgId, 'events.room.occupancy', occupancyData(eventId, r), audience)),
  ];
}

export interface ScanFilter {
  roomId?: string;
  status?: RoomAccess['status'];
  from?: Date;
  to?: Date;
  /** true: only uploaded scans with a conflict; false: only those without. */
  conflict?: boolean;
}

function scanWhere(t: TenantTx, eventId: string, f: ScanFilter) {
  return and(
    eq(roomAccesses.eventId, eventId),
    roomAccessPolicy.visible(t.actor),
    f.roomId ? eq(roomAccesses.roomId, f.roomId) : undefined,
    f.status ? eq(roomAccesses.status, f.status) : undefined,
    f.from ? gte(roomAccesses.scannedAt, f.from) : undefined,
    f.to ? lt(roomAccesses.scannedAt, f.to) : undefined,
    f.conflict === undefined
      ? undefined
      : f.conflict
        ? isNotNull(roomAccesses.conflict)
        : isNull(roomAccesses.conflict),
  );
}

/** Scans the actor may see (a controller: those of the room they hold now), newest first. */
export async function listScans(t: TenantTx, eventId: string, f: ScanFilter, page: PageQuery) {
  await getEvent(t, eventId);
  const ks = keyset<RoomAccess>({
    columns: [roomAccesses.scannedAt, roomAccesses.id],
    key: (s) => [s.scannedAt, s.id],
    page,
    descending: true,
  });
  const rows = await t.tx
    .select()
    .from(roomAccesses)
    .where(and(scanWhere(t, eventId, f), ks.after))
    .orderBy(...ks.orderBy)
    .limit(ks.limit);
  return ks.finish(rows);
}

/** What the door statistics count, over a whole period or one quarter hour of it. */
interface DoorFigures {
  /** Badges that went in (forced ones included) and out (emptying included). */
  entries: number;
  exits: number;
  denied: number;
  forced: number;
}

export interface ScanStats extends DoorFigures {
  room: Room | null;
  totalScans: number;
  granted: number;
  deniedByReason: Record<string, number>;
  /** The most badges inside at once, from the scan records (one room only). */
  peakOccupancy: number | null;
  series: Array<DoorFigures & { start: Date }>;
}

/** A scan that moved a badge: a granted entry or exit that changed where it is. */
const MOVED = sql`status = 'granted' and (reason is null or reason = 'room_emptied') and participant_id is not null`;

/**
 * Door statistics. A controller gets those of the room they hold now and a 403 for any other room
 * (or when they hold none); event managers get any room (`room_id`) or the whole event.
 */
export async function scanStats(t: TenantTx, eventId: string, f: ScanFilter): Promise<ScanStats> {
  await getEvent(t, eventId);
  const manages = await getEvent(t, eventId, 'manage').then(
    () => true,
    () => false,
  );
  let roomId = f.roomId;
  if (!manages) {
    const here = await currentRoom(t, eventId, 'controlleur_des_badges');
    if (!here) throw forbidden('You hold no room now: statistics are those of the room you hold');
    if (roomId && roomId !== here.room.id)
      throw forbidden('Statistics of a room are for the controller holding it now and the event managers');
    roomId = here.room.id;
  }
  const [room] = roomId
    ? await t.tx
        .select()
        .from(rooms)
        .where(and(eq(rooms.id, roomId), eq(rooms.eventId, eventId)))
    : [];
  if (roomId && !room) throw invalidField('querystring.room_id', 'no such room in this event');
  const where = sql`event_id = ${eventId}::uuid
    ${roomId ? sql`and room_id = ${roomId}::uuid` : sql``}
    ${f.from ? sql`and scanned_at >= ${f.from.toISOString()}::timestamptz` : sql``}
    ${f.to ? sql`and scanned_at < ${f.to.toISOString()}::timestamptz` : sql``}
    ${f.status ? sql`and status = ${f.status}` : sql``}`;
  const figures = sql`count(*) filter (where ${MOVED} and direction = 'in')::int as entries,
      count(*) filter (where ${MOVED} and direction = 'out')::int as exits,
      count(*) filter (where status = 'denied')::int as denied,
      count(*) filter (where forced)::int as forced`;
  const [totals] = await queryRows<DoorFigures & { total: number; granted: number }>(
    t.tx,
    sql`select count(*)::int as total, count(*) filter (where status = 'granted')::int as granted, ${figures}
          from room_accesses where ${where}`,
  );
  const reasons = await queryRows<{ reason: string; n: number }>(
    t.tx,
    sql`select reason, count(*)::int as n from room_accesses where ${where} and status = 'denied'
        group by reason order by reason`,
  );
  const series = await queryRows<DoorFigures & { start: string }>(
    t.tx,
    sql`select date_bin('15 minutes', scanned_at, timestamptz '2000-01-01T00:00:00Z') as start, ${figures}
          from room_accesses where ${where} group by 1 order by 1`,
  );
  // Occupancy over time, replayed from the records: +1 for a badge moving in, -1 for one moving
  // out or on into another room (its previous entry names the room it left).
  const [peak] = roomId
    ? await queryRows<{ peak: number | null }>(
        t.tx,
        sql`with moves as (
              select id, room_id, direction, scanned_at,
                     lag(case when direction = 'in' then room_id end)
                       over (partition by participant_id order by scanned_at, id) as came_from
                from room_accesses where event_id = ${eventId}::uuid and ${MOVED}
            ), deltas as (
              select room_id, scanned_at, id, case when direction = 'in' then 1 else -1 end as d from moves
              union all
              select came_from, scanned_at, id, -1 from moves
               where direction = 'in' and came_from is not null and came_from <> room_id
            )
            select max(inside)::int as peak from (
              select sum(d) over (order by scanned_at, id rows unbounded preceding) as inside
                from deltas where room_id = ${roomId}::uuid) x`,
      )
    : [{ peak: null }];
  return {
    room: room ?? null,
    totalScans: Number(totals.total),
    granted: Number(totals.granted),
    denied: Number(totals.denied),
    entries: Number(totals.entries),
    exits: Number(totals.exits),
    forced: Number(totals.forced),
    deniedByReason: Object.fromEntries(reasons.map((r) => [r.reason, Number(r.n)])),
    peakOccupancy: roomId ? Math.max(0, Number(peak.peak ?? 0)) : null,
    series: series.map((b) => ({
      start: new Date(b.start),
      entries: Number(b.entries),
      exits: Number(b.exits),
      denied: Number(b.denied),
      forced: Number(b.forced),
    })),
  };
}

// ---------------------------------------------------------------- paid ateliers (SessionAccess)

export interface SessionAccessInput {
  participantId: string;
  paymentStatus: SessionAccess['paymentStatus'];
  amountPaid?: string;
}

/** Event managers mark payments by hand (there is no payment gateway); one row per participant and session. */
export async function setSessionAccess(
  t: TenantTx,
  eventId: string,
  sessionId: string,
  input: SessionAccessInput,
): Promise<SessionAccess> {
  await getEvent(t, eventId, 'manage');
  const session = await getSession(t, eventId, sessionId);
  if (session.sessionType !== 'atelier' || !session.isPaid)
    throw unprocessable(
      'Only paid ateliers need access; conferences and free ateliers are open to every participant',
    );
  const [participant] = await t.tx
    .select({ id: participants.id })
    .from(participants)
    .where(participantRow(eventId, input.participantId));
  if (!participant) throw invalidField('body.participant_id', 'no such participant in this event');
  if (!PAYMENT_STATUSES.includes(input.paymentStatus))
    throw invalidField('body.payment_status', 'unknown payment status');
  const [before] = await t.tx
    .select()
    .from(sessionAccesses)
    .where(
      and(eq(sessionAccesses.participantId, input.participantId), eq(sessionAccesses.sessionId, sessionId)),
    );
  const paid = input.paymentStatus === 'paid';
  const values = {
    paymentStatus: input.paymentStatus,
    paidAt: paid ? (before?.paidAt ?? new Date()) : null,
    amountPaid: paid ? (input.amountPaid ?? session.price) : '0',
    updatedAt: new Date(),
  };
  const [after] = await t.tx
    .insert(sessionAccesses)
    .values({ orgId: t.orgId, eventId, sessionId, participantId: input.participantId, ...values })
    .onConflictDoUpdate({
      target: [sessionAccesses.orgId, sessionAccesses.participantId, sessionAccesses.sessionId],
      set: values,
    })
    .returning();
  await audit(t, {
    action: before ? 'update' : 'create',
    entityType: 'session_access',
    entityId: after.id,
    message: `Access to "${session.title}" for participant ${input.participantId}: ${after.paymentStatus}`,
    before: before ?? null,
    after,
  });
  return after;
}

export async function listSessionAccesses(t: TenantTx, eventId: string, sessionId: string, page: PageQuery) {
  await getEvent(t, eventId, 'manage');
  await getSession(t, eventId, sessionId);
  const ks = keyset<SessionAccess>({ columns: [sessionAccesses.id], key: (a) => [a.id], page });
  const rows = await t.tx
    .select()
    .from(sessionAccesses)
    .where(and(eq(sessionAccesses.sessionId, sessionId), ks.after))
    .orderBy(...ks.orderBy)
    .limit(ks.limit);
  return ks.finish(rows);
}
