import { sql } from 'drizzle-orm';
import { queryRows } from '../../core/db/client.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { EVENT_ROLES, type EventRole } from './schema.ts';
import { getEvent } from './service.ts';

export interface EventStats {
  participantsByRole: Record<EventRole, number>;
  badges: { total: number; checkedIn: number };
  rooms: Array<{
    id: string;
    name: string;
    capacity: number;
    currentOccupancy: number;
    granted: number;
    denied: number;
  }>;
  sessions: Array<{ id: string; title: string; roomId: string; questions: number; answered: number }>;
  exhibitors: Array<{
    id: string;
    fullName: string;
    totalVisits: number;
    todayVisits: number;
    uniqueVisitors: number;
  }>;
}

/**
 * The event managers' dashboard. Staff roles are counted from UserEventAssignment; participants and
 * exposants from their badges, so people registered without a login count too.
 */
export async function eventStats(t: TenantTx, eventId: string): Promise<EventStats> {
  const event = await getEvent(t, eventId, 'manage');
  const roles = await queryRows<{ role: EventRole; n: number }>(
    t.tx,
    sql`select role, count(*)::int as n from event_assignments
          where event_id = ${eventId} and is_active
            and role in ('gestionnaire_des_salles', 'controlleur_des_badges')
          group by role
        union all
        select role, count(*)::int from event_participants where event_id = ${eventId} and is_active group by role`,
  );
  const participantsByRole = Object.fromEntries(EVENT_ROLES.map((r) => [r, 0])) as Record<EventRole, number>;
  for (const r of roles) participantsByRole[r.role] = Number(r.n);
  const [badges] = await queryRows<{ total: number; checked_in: number }>(
    t.tx,
    sql`select count(*)::int as total, count(*) filter (where is_checked_in)::int as checked_in
          from event_participants where event_id = ${eventId} and is_active`,
  );
  const rooms = await queryRows<{
    id: string;
    name: string;
    capacity: number;
    current_occupancy: number;
    granted: number;
    denied: number;
  }>(
    t.tx,
    sql`select r.id, r.name, r.capacity, r.current_occupancy,
               count(a.id) filter (where a.status = 'granted')::int as granted,
               count(a.id) filter (where a.status = 'denied')::int as denied
        from event_rooms r left join room_accesses a on a.org_id = r.org_id and a.room_id = r.id
        where r.event_id = ${eventId} and r.is_active
        group by r.id, r.name, r.capacity, r.current_occupancy order by r.name`,
  );
  const sessions = await queryRows<{
    id: string;
    title: string;
    room_id: string;
    questions: number;
    answered: number;
  }>(
    t.tx,
    sql`select s.id, s.title, s.room_id, count(q.id)::int as questions, count(q.answered_at)::int as answered
        from event_sessions s left join session_questions q on q.org_id = s.org_id and q.session_id = s.id
        where s.event_id = ${eventId}
        group by s.id, s.title, s.room_id, s.start_time order by s.start_time, s.id`,
  );
  const exhibitors = await queryRows<{
    id: string;
    full_name: string;
    total: number;
    today: number;
    uniq: number;
  }>(
    t.tx,
    sql`select p.id, p.full_name, count(x.id)::int as total,
               count(x.id) filter (where x.visit_day = (now() at time zone ${event.timezone})::date)::int as today,
               count(distinct x.scanned_participant_id)::int as uniq
        from event_participants p left join exposant_scans x on x.org_id = p.org_id and x.exposant_id = p.id
        where p.event_id = ${eventId} and p.role = 'exposant' and p.is_active
        group by p.id, p.full_name order by p.full_name, p.id`,
  );
  return {
    participantsByRole,
    badges: { total: Number(badges.total), checkedIn: Number(badges.checked_in) },
    rooms: rooms.map((r) => ({
      id: r.id,
      name: r.name,
      capacity: Number(r.capacity),
      currentOccupancy: Number(r.current_occupancy),
      granted: Number(r.granted),
      denied: Number(r.denied),
    })),
    sessions: sessions.map((s) => ({
      id: s.id,
      title: s.title,
      roomId: s.room_id,
      questions: Number(s.questions),
      answered: Number(s.answered),
    })),
    exhibitors: exhibitors.map((x) => ({
      id: x.id,
      fullName: x.full_name,
      totalVisits: Number(x.total),
      todayVisits: Number(x.today),
      uniqueVisitors: Number(x.uniq),
    })),
  };
}
