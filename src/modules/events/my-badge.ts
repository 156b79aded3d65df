// A badge holder's own badge, to show on a phone at the door: the QR code, the event, the person
// and the sessions they may attend.
import { sql } from 'drizzle-orm';
import { queryRows } from '../../core/db/client.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { notFound } from '../../core/http/problem.ts';
import { qrPayloadOf, qrSvg } from './badges.ts';
import { myBadge, type Participant } from './participants.ts';
import { getEvent, type Event } from './service.ts';

export interface BadgeSession {
  id: string;
  title: string;
  roomName: string;
  startTime: Date;
  endTime: Date;
  sessionType: 'conference' | 'atelier';
  isPaid: boolean;
  /** The door lets this badge in as far as payment goes (`events_has_paid_access`). */
  hasAccess: boolean;
}

export interface BadgeCard {
  event: Event;
  participant: Participant;
  qrPayload: string;
  qrSvg: string;
  sessions: BadgeSession[];
}

export async function myBadgeCard(t: TenantTx, secret: string, eventId: string): Promise<BadgeCard> {
  const event = await getEvent(t, eventId);
  const participant = await myBadge(t, eventId);
  if (!participant) throw notFound('Badge');
  const rows = await queryRows<{
    id: string;
    title: string;
    room_name: string;
    start_time: string;
    end_time: string;
    session_type: BadgeSession['sessionType'];
    is_paid: boolean;
    has_access: boolean;
  }>(
    t.tx,
    sql`select s.id, s.title, r.name as room_name, s.start_time, s.end_time, s.session_type, s.is_paid,
               events_has_paid_access(${participant.id}::uuid, s.id) as has_access
          from event_sessions s
          join event_rooms r on r.org_id = s.org_id and r.id = s.room_id and r.is_active
         where s.event_id = ${eventId}::uuid
         order by s.start_time, s.id`,
  );
  const qrPayload = qrPayloadOf(secret, participant);
  return {
    event,
    participant,
    qrPayload,
    qrSvg: await qrSvg(qrPayload),
    sessions: rows.map((s) => ({
      id: s.id,
      title: s.title,
      roomName: s.room_name,
      startTime: new Date(s.start_time),
      endTime: new Date(s.end_time),
      sessionType: s.session_type,
      isPaid: s.is_paid,
      hasAccess: s.has_access,
    })),
  };
}
