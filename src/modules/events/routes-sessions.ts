import { z } from 'zod';
import { uuidParam } from '../../core/db/ids.ts';
import { tenant, type RosterApp } from '../../core/http/app.ts';
import { pageOf, pageQuery } from '../../core/http/pagination.ts';
import { definedOnly } from '../../core/util/objects.ts';
import { base, eventParams, instant, money, name, sessionStatus, tags, text } from './inputs.ts';
import * as access from './participants.ts';
import { PAYMENT_STATUSES, SESSION_TYPES } from './schema.ts';
import * as svc from './service.ts';
import { sessionAccessOut, sessionAccessView, sessionOut, sessionView } from './views.ts';

const sessionParams = z.object({ id: uuidParam, sessionId: uuidParam });
const sessionBody = z.strictObject({
  room_id: uuidParam,
  title: name(300),
  description: text(10000).optional(),
  speaker_name: text(200).optional(),
  speaker_bio: text(5000).optional(),
  start_time: instant,
  end_time: instant,
  session_type: z.enum(SESSION_TYPES).default('conference'),
  is_paid: z.boolean().default(false),
  price: money.default('0.00'),
  youtube_live_url: z.union([z.url({ protocol: /^https?$/ }), z.literal('')]).optional(),
  status: sessionStatus.nullable().optional(),
});
const sessionPatch = z
  .strictObject({
    ...sessionBody.shape,
    session_type: z.enum(SESSION_TYPES),
    is_paid: z.boolean(),
    price: money,
  })
  .partial();
/** The domain input of a body: a whole session for a create, the given fields of a patch. */
function sessionInput(b: z.infer<typeof sessionBody>): svc.SessionInput;
function sessionInput(b: z.infer<typeof sessionPatch>): Partial<svc.SessionInput>;
function sessionInput(b: z.infer<typeof sessionPatch>): Partial<svc.SessionInput> {
  return {
    roomId: b.room_id,
    title: b.title,
    description: b.description,
    speakerName: b.speaker_name,
    speakerBio: b.speaker_bio,
    startTime: b.start_time,
    endTime: b.end_time,
    sessionType: b.session_type,
    isPaid: b.is_paid,
    price: b.price,
    youtubeLiveUrl: b.youtube_live_url,
    statusOverride: b.status,
  };
}

export function registerSessions(app: RosterApp) {
  app.get(
    `${base}/:id/sessions`,
    {
      schema: {
        tags,
        summary: 'Programme: sessions I may see (a gestionnaire: those of the room they hold now)',
        params: eventParams,
        querystring: pageQuery.extend({ room_id: uuidParam.optional() }),
        response: { 200: pageOf(sessionOut) },
      },
    },
    async (req) =>
      tenant(req, async (t) => {
        const { room_id, ...page } = req.query;
        const result = await svc.listSessions(t, req.params.id, { roomId: room_id, page });
        return { items: result.items.map(sessionView), next_cursor: result.next_cursor };
      }),
  );
  app.post(
    `${base}/:id/sessions`,
    {
      schema: {
        tags,
        summary: 'Schedule a session in a room',
        params: eventParams,
        body: sessionBody,
        response: { 201: sessionOut },
      },
    },
    async (req, reply) => {
      const session = await tenant(req, (t) => svc.createSession(t, req.params.id, sessionInput(req.body)));
      return reply.code(201).send(sessionView(session));
    },
  );
  app.get(
    `${base}/:id/sessions/:sessionId`,
    { schema: { tags, summary: 'One session', params: sessionParams, response: { 200: sessionOut } } },
    async (req) =>
      tenant(req, async (t) => sessionView(await svc.getSession(t, req.params.id, req.params.sessionId))),
  );
  app.patch(
    `${base}/:id/sessions/:sessionId`,
    {
      schema: {
        tags,
        summary: 'Change a session; `status` overrides the clock, `status: null` returns to it',
        params: sessionParams,
        body: sessionPatch,
        response: { 200: sessionOut },
      },
    },
    async (req) =>
      tenant(req, async (t) => {
        const patch = definedOnly(sessionInput(req.body));
        return sessionView(await svc.updateSession(t, req.params.id, req.params.sessionId, patch));
      }),
  );
  app.delete(
    `${base}/:id/sessions/:sessionId`,
    { schema: { tags, summary: 'Delete a session (event managers)', params: sessionParams } },
    async (req, reply) => {
      await tenant(req, (t) => svc.deleteSession(t, req.params.id, req.params.sessionId));
      return reply.code(204).send();
    },
  );
}

/** Paid ateliers: who may attend, marked by the event's managers. */
export function registerSessionAccess(app: RosterApp) {
  app.get(
    `${base}/:id/sessions/:sessionId/access`,
    {
      schema: {
        tags,
        summary: 'Payment marks of a paid atelier (event managers)',
        params: sessionParams,
        querystring: pageQuery,
        response: { 200: pageOf(sessionAccessOut) },
      },
    },
    async (req) =>
      tenant(req, async (t) => {
        const page = await access.listSessionAccesses(t, req.params.id, req.params.sessionId, req.query);
        return { items: page.items.map(sessionAccessView), next_cursor: page.next_cursor };
      }),
  );
  app.put(
    `${base}/:id/sessions/:sessionId/access`,
    {
      schema: {
        tags,
        summary: 'Mark a participant’s access to a paid atelier (no gateway: by hand)',
        params: sessionParams,
        body: z.strictObject({
          participant_id: uuidParam,
          payment_status: z.enum(PAYMENT_STATUSES),
          amount_paid: money.optional(),
        }),
        response: { 200: sessionAccessOut },
      },
    },
    async (req) =>
      tenant(req, async (t) => {
        const { participant_id, payment_status, amount_paid } = req.body;
        const input = {
          participantId: participant_id,
          paymentStatus: payment_status,
          amountPaid: amount_paid,
        };
        return sessionAccessView(
          await access.setSessionAccess(t, req.params.id, req.params.sessionId, input),
        );
      }),
  );
}
