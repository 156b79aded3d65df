import { z } from 'zod';
import { tenant, type RosterApp } from '../../core/http/app.ts';
import { base, eventParams, tags } from './inputs.ts';
import { myBadgeCard, type BadgeCard } from './my-badge.ts';
import { BADGE_ROLES, SESSION_TYPES } from './schema.ts';

const myBadgeOut = z.object({
  event: z.object({
    id: z.string(),
    name: z.string(),
    location: z.string(),
    timezone: z.string(),
    start_date: z.string(),
    end_date: z.string(),
  }),
  participant: z.object({
    id: z.string(),
    full_name: z.string(),
    role: z.enum(BADGE_ROLES),
    badge_id: z.string(),
    is_checked_in: z.boolean(),
  }),
  qr_payload: z.string(),
  /** The QR code as an SVG document, to show without another request (and offline once kept). */
  qr_svg: z.string(),
  /** The printable badge page (A6). */
  print_url: z.string(),
  sessions: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      room_name: z.string(),
      start_time: z.string(),
      end_time: z.string(),
      session_type: z.enum(SESSION_TYPES),
      is_paid: z.boolean(),
      has_access: z.boolean(),
    }),
  ),
});

const myBadgeView = (c: BadgeCard) => ({
  event: {
    id: c.event.id,
    name: c.event.name,
    location: c.event.location,
    timezone: c.event.timezone,
    start_date: c.event.startDate.toISOString(),
    end_date: c.event.endDate.toISOString(),
  },
  participant: {
    id: c.participant.id,
    full_name: c.participant.fullName,
    role: c.participant.role,
    badge_id: c.participant.badgeId,
    is_checked_in: c.participant.isCheckedIn,
  },
  qr_payload: c.qrPayload,
  qr_svg: c.qrSvg,
  print_url: `${base}/${c.event.id}/participants/${c.participant.id}/badge`,
  sessions: c.sessions.map((s) => ({
    id: s.id,
    title: s.title,
    room_name: s.roomName,
    start_time: s.startTime.toISOString(),
    end_time: s.endTime.toISOString(),
    session_type: s.sessionType,
    is_paid: s.isPaid,
    has_access: s.hasAccess,
  })),
});

/** The badge holder's own badge for a phone screen. */
export function registerMyBadge(app: RosterApp) {
  const secret = app.deps.config.secret;
  app.get(
    `${base}/:id/my-badge`,
    {
      schema: {
        tags,
        summary:
          'My badge in this event (a participant or exposant): its QR code, the event, and the sessions ' +
          'with whether payment lets me in; 404 when I hold no badge',
        params: eventParams,
        response: { 200: myBadgeOut },
      },
    },
    async (req) => tenant(req, async (t) => myBadgeView(await myBadgeCard(t, secret, req.params.id))),
  );
}
