import { sql } from 'drizzle-orm';
import { queryRows } from '../../core/db/client.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { orgAdminsAnd, type Audience } from '../../core/events/bus.ts';
import type { annonces } from './schema.ts';
import { TARGET_OF_ROLE } from './policy.ts';

/** Org owners/admins manage every event, so they hear everything an event's managers hear. */
const withAdmins = (ids: Array<string | number | null>): Audience =>
  orgAdminsAnd([...new Set(ids.filter((id) => id !== null).map(Number))]);

/**
 * Door activity (scans, occupancy): the event's managers, plus the controllers and room managers
 * holding one of the rooms concerned right now — the same people `roomAccessPolicy` lets read those
 * scans. The user ids come from the SQL function `events_door_audience`, which the scan's own
 * statement calls.
 */
export const doorAudienceOf = (userIds: Array<string | number | null>): Audience => withAdmins(userIds);

/** Door activity of one room outside a scan (the room emptied): its door audience now. */
export async function roomDoorAudience(t: TenantTx, eventId: string, roomId: string): Promise<Audience> {
  const rows = await queryRows<{ user_id: string | number | null }>(
    t.tx,
    sql`select events_door_audience(${eventId}::uuid, array[${roomId}::uuid]) as user_id`,
  );
  return withAdmins(rows.map((r) => r.user_id));
}

/** Entrance check-ins: the event's managers and every controller of the event. */
export async function entranceAudience(t: TenantTx, eventId: string): Promise<Audience> {
  const rows = await queryRows<{ user_id: string | number | null }>(
    t.tx,
    sql`select events_managers(${eventId}::uuid) as user_id
        union select user_id from event_assignments
               where event_id = ${eventId} and is_active and role = 'controlleur_des_badges'`,
  );
  return withAdmins(rows.map((r) => r.user_id));
}

/** Exactly who `annoncePolicy` lets read an announcement of this target (author included). */
export async function annonceAudience(
  t: TenantTx,
  eventId: string,
  target: (typeof annonces.$inferSelect)['target'],
  authorId: number,
): Promise<Audience> {
  const roles = Object.entries(TARGET_OF_ROLE)
    .filter(([, tg]) => target === 'all' || tg === target)
    .map(([role]) => sql`${role}`);
  const rows = await queryRows<{ user_id: string | number | null }>(
    t.tx,
    sql`select events_managers(${eventId}::uuid) as user_id
        union select user_id from event_assignments
               where event_id = ${eventId} and is_active and role in (${sql.join(roles, sql`, `)})`,
  );
  return withAdmins([...rows.map((r) => r.user_id), authorId]);
}

/**
 * A session's questions: the event's managers and the gestionnaires holding the session's room now
 * (who `questionPolicy` lets read and answer them), plus, once answered, the participant who asked.
 */
export async function questionAudience(
  t: TenantTx,
  eventId: string,
  sessionId: string,
  askedBy?: string,
): Promise<Audience> {
  const rows = await queryRows<{ user_id: string | number | null }>(
    t.tx,
    sql`select events_managers(${eventId}::uuid) as user_id
        union select events_room_staff_now(
                 ${eventId}::uuid,
                 array(select room_id from event_sessions where id = ${sessionId}),
                 'gestionnaire_des_salles')
        ${askedBy ? sql`union select user_id from event_participants where id = ${askedBy}` : sql``}`,
  );
  return withAdmins(rows.map((r) => r.user_id));
}
