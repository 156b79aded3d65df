import { sql } from 'drizzle-orm';
import { queryRows } from '../../core/db/client.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import type { Audience } from '../../core/events/bus.ts';
import type { annonces } from './schema.ts';
import { TARGET_OF_ROLE } from './policy.ts';

/** Org owners/admins manage every event, so they hear everything an event's managers hear. */
const withAdmins = (ids: Array<string | number | null>): Audience => ({ userIds: [...new Set(ids.filter((id) => id !== null).map(Number))], orgRoles: ['owner', 'admin'] });

/**
 * Door activity (scans, occupancy): the event's managers, plus the controllers holding one of
 * `roomIds` right now — the same people `roomAccessPolicy` lets read those scans.
 */
export async function doorAudience(t: TenantTx, eventId: string, roomIds: string[]): Promise<Audience> {
  const rooms = roomIds.length ? sql.join(roomIds.map((id) => sql`${id}::uuid`), sql`, `) : sql`null`;
  const rows = await queryRows<{ user_id: string | number | null }>(
    t.tx,
    sql`select created_by as user_id from events where id = ${eventId}
        union select president_id from events where id = ${eventId}
        union select user_id from room_assignments
          where event_id = ${eventId} and room_id in (${rooms}) and role = 'controlleur_des_badges'
            and is_active and starts_at <= now() and ends_at > now()`,
  );
  return withAdmins(rows.map((r) => r.user_id));
}

/** Entrance check-ins: the event's managers and every controller of the event. */
export async function entranceAudience(t: TenantTx, eventId: string): Promise<Audience> {
  const rows = await queryRows<{ user_id: string | number | null }>(
    t.tx,
    sql`select created_by as user_id from events where id = ${eventId}
        union select president_id from events where id = ${eventId}
        union select user_id from event_assignments where event_id = ${eventId} and is_active and role = 'controlleur_des_badges'`,
  );
  return withAdmins(rows.map((r) => r.user_id));
}

/** Exactly who `annoncePolicy` lets read an announcement of this target (author included). */
export async function annonceAudience(t: TenantTx, eventId: string, target: (typeof annonces.$inferSelect)['target'], authorId: number): Promise<Audience> {
  const roles = Object.entries(TARGET_OF_ROLE).filter(([, tg]) => target === 'all' || tg === target).map(([role]) => sql`${role}`);
  const rows = await queryRows<{ user_id: string | number | null }>(
    t.tx,
    sql`select created_by as user_id from events where id = ${eventId}
        union select president_id from events where id = ${eventId}
        union select user_id from event_assignments where event_id = ${eventId} and is_active and role in (${sql.join(roles, sql`, `)})`,
  );
  return withAdmins([...rows.map((r) => r.user_id), authorId]);
}
