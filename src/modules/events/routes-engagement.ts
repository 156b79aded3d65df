import path from 'node:path';
import { z } from 'zod';
import { tenant, type RosterApp } from '../../core/http/app.ts';
import { uuidParam } from '../../core/db/ids.ts';
import { createLocalStorage } from '../../core/files/storage.ts';
import { uploadedFile } from '../../core/files/upload.ts';
import { pageOf, pageQuery } from '../../core/http/pagination.ts';
import * as ann from './annonces.ts';
import * as ex from './exhibitors.ts';
import * as files from './files.ts';
import * as qa from './questions.ts';
import { eventStats } from './stats.ts';
import { qrSvg } from './badges.ts';
import { getParticipant, qrPayloadOf } from './participants.ts';
import { getEvent } from './service.ts';
import { ANNONCE_TARGETS, BADGE_ROLES, EVENT_ROLES } from './schema.ts';

const tags = ['events'];
const base = '/api/events/events';
const eventParams = z.object({ id: uuidParam });

// ---------------------------------------------------------------- views

const annonceOut = z.object({
  id: z.string(),
  event_id: z.string(),
  title: z.string(),
  description: z.string(),
  target: z.enum(ANNONCE_TARGETS),
  created_by: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
});

const questionOut = z.object({
  id: z.string(),
  event_id: z.string(),
  session_id: z.string(),
  participant_id: z.string(),
  question_text: z.string(),
  is_answered: z.boolean(),
  answer_text: z.string().nullable(),
  answered_by: z.number().nullable(),
  asked_at: z.string(),
  answered_at: z.string().nullable(),
});
const questionView = (q: qa.SessionQuestion) => ({
  id: q.id,
  event_id: q.eventId,
  session_id: q.sessionId,
  participant_id: q.participantId,
  question_text: q.questionText,
  is_answered: q.answeredAt !== null,
  answer_text: q.answerText,
  answered_by: q.answeredBy,
  asked_at: q.askedAt.toISOString(),
  answered_at: q.answeredAt ? q.answeredAt.toISOString() : null,
});

const visitorOut = z.object({
  id: z.string(),
  full_name: z.string(),
  email: z.string().nullable(),
  badge_id: z.string(),
  role: z.enum(BADGE_ROLES),
});
const visitOut = z.object({
  id: z.string(),
  exposant_id: z.string(),
  visitor: visitorOut,
  visit_day: z.string(),
  notes: z.string(),
  scanned_at: z.string(),
});
const visitView = (v: ex.Visit) => ({
  id: v.scan.id,
  exposant_id: v.scan.exposantId,
  visitor: {
    id: v.visitor.id,
    full_name: v.visitor.fullName,
    email: v.visitor.email,
    badge_id: v.visitor.badgeId,
    role: v.visitor.role,
  },
  visit_day: v.scan.visitDay,
  notes: v.scan.notes,
  scanned_at: v.scan.scannedAt.toISOString(),
});

const statsOut = z.object({
  participants_by_role: z.record(z.enum(EVENT_ROLES), z.number()),
  badges: z.object({ total: z.number(), checked_in: z.number() }),
  rooms: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      capacity: z.number(),
      current_occupancy: z.number(),
      scans_granted: z.number(),
      scans_denied: z.number(),
    }),
  ),
  sessions: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      room_id: z.string(),
      questions: z.number(),
      answered: z.number(),
    }),
  ),
  exhibitors: z.array(
    z.object({
      id: z.string(),
      full_name: z.string(),
      total_visits: z.number(),
      today_visits: z.number(),
      unique_visitors: z.number(),
    }),
  ),
});

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const ROLE_LABEL: Record<(typeof BADGE_ROLES)[number], string> = {
  participant: 'Participant',
  exposant: 'Exposant',
};

function badgePage(o: {
  eventName: string;
  eventDates: string;
  fullName: string;
  role: (typeof BADGE_ROLES)[number];
  badgeId: string;
  svg: string;
}) {
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Badge — ${escapeHtml(o.fullName)}</title>
<style>
  @page { size: A6 portrait; margin: 0; }
  body { margin: 0; font-family: system-ui, sans-serif; background: #eee; }
  .badge { width: 105mm; height: 148mm; box-sizing: border-box; margin: 10mm auto; padding: 8mm; background: #fff; display: flex; flex-direction: column; align-items: center; justify-content: space-between; border: 1px solid #ccc; }
  .event { font-size: 14pt; font-weight: 600; text-align: center; }
  .dates { font-size: 9pt; color: #555; }
  .name { font-size: 20pt; font-weight: 700; text-align: center; }
  .role { font-size: 11pt; text-transform: uppercase; letter-spacing: .1em; padding: 1mm 4mm; border-radius: 2mm; background: ${o.role === 'exposant' ? '#d97706' : '#2563eb'}; color: #fff; }
  .qr svg { width: 55mm; height: 55mm; }
  .id { font-family: ui-monospace, monospace; font-size: 10pt; }
  @media print { body { background: none; } .badge { margin: 0; border: none; } }
</style></head>
<body><main class="badge">
  <div><div class="event">${escapeHtml(o.eventName)}</div><div class="dates">${escapeHtml(o.eventDates)}</div></div>
  <div class="name">${escapeHtml(o.fullName)}</div>
  <div class="role">${ROLE_LABEL[o.role]}</div>
  <div class="qr">${o.svg}</div>
  <div class="id">${escapeHtml(o.badgeId)}</div>
</main></body></html>
`;
}

export function registerEngagementRoutes(app: RosterApp) {
  const secret = app.deps.config.secret;
  const storage = createLocalStorage(path.join(app.deps.config.dataDir, 'uploads'));

  // ---------------------------------------------------------------- announcements
  const annonceParams = z.object({ id: uuidParam, annonceId: uuidParam });
  const annonceBody = z.strictObject({
    title: z.string().trim().min(1).max(200),
    description: z.string().trim().min(1).max(10_000),
    target: z.enum(ANNONCE_TARGETS),
  });
  app.get(
    `${base}/:id/annonces`,
    {
      schema: {
        tags,
        summary: 'Announcements aimed at my role in the event (plus `all`), newest first',
        params: eventParams,
        querystring: pageQuery.extend({ target: z.enum(ANNONCE_TARGETS).optional() }),
        response: { 200: pageOf(annonceOut) },
      },
    },
    async (req) =>
      tenant(req, async (t) => {
        const { target, ...page } = req.query;
        const result = await ann.listAnnonces(t, req.params.id, { target, page });
        return { items: result.items.map(ann.annonceData), next_cursor: result.next_cursor };
      }),
  );
  app.post(
    `${base}/:id/annonces`,
    {
      schema: {
        tags,
        summary: 'Publish an announcement (gestionnaires, event managers); pushed live to its audience',
        params: eventParams,
        body: annonceBody,
        response: { 201: annonceOut },
      },
    },
    async (req, reply) => {
      const a = await tenant(req, (t) => ann.createAnnonce(t, req.params.id, req.body));
      return reply.code(201).send(ann.annonceData(a));
    },
  );
  app.get(
    `${base}/:id/annonces/:annonceId`,
    { schema: { tags, summary: 'One announcement', params: annonceParams, response: { 200: annonceOut } } },
    async (req) =>
      tenant(req, async (t) => ann.annonceData(await ann.getAnnonce(t, req.params.id, req.params.annonceId))),
  );
  app.patch(
    `${base}/:id/annonces/:annonceId`,
    {
      schema: {
        tags,
        summary: 'Edit an announcement (its author only)',
        params: annonceParams,
        body: annonceBody.partial(),
        response: { 200: annonceOut },
      },
    },
    async (req) =>
      tenant(req, async (t) =>
        ann.annonceData(
          await ann.updateAnnonce(
            t,
            req.params.id,
            req.params.annonceId,
            Object.fromEntries(Object.entries(req.body).filter(([, v]) => v !== undefined)),
          ),
        ),
      ),
  );
  app.delete(
    `${base}/:id/annonces/:annonceId`,
    { schema: { tags, summary: 'Delete an announcement (its author only)', params: annonceParams } },
    async (req, reply) => {
      await tenant(req, (t) => ann.deleteAnnonce(t, req.params.id, req.params.annonceId));
      return reply.code(204).send();
    },
  );

  // ---------------------------------------------------------------- questions
  const questionParams = z.object({ id: uuidParam, questionId: uuidParam });
  app.get(
    `${base}/:id/questions`,
    {
      schema: {
        tags,
        summary:
          'Questions I may see: my own and answered ones; a gestionnaire: all of the room they hold now',
        params: eventParams,
        querystring: pageQuery.extend({
          session_id: uuidParam.optional(),
          answered: z.enum(['true', 'false']).optional(),
        }),
        response: { 200: pageOf(questionOut) },
      },
    },
    async (req) =>
      tenant(req, async (t) => {
        const { session_id, answered, ...page } = req.query;
        const result = await qa.listQuestions(
          t,
          req.params.id,
          { sessionId: session_id, answered: answered === undefined ? undefined : answered === 'true' },
          page,
        );
        return { items: result.items.map(questionView), next_cursor: result.next_cursor };
      }),
  );
  app.post(
    `${base}/:id/questions`,
    {
      schema: {
        tags,
        summary: 'Ask a question on a session I may attend',
        params: eventParams,
        body: z.strictObject({ session_id: uuidParam, question_text: z.string().trim().min(1).max(2000) }),
        response: { 201: questionOut },
      },
    },
    async (req, reply) => {
      const q = await tenant(req, (t) =>
        qa.askQuestion(t, req.params.id, req.body.session_id, req.body.question_text),
      );
      return reply.code(201).send(questionView(q));
    },
  );
  app.get(
    `${base}/:id/questions/:questionId`,
    { schema: { tags, summary: 'One question', params: questionParams, response: { 200: questionOut } } },
    async (req) =>
      tenant(req, async (t) => questionView(await qa.getQuestion(t, req.params.id, req.params.questionId))),
  );
  app.put(
    `${base}/:id/questions/:questionId/answer`,
    {
      schema: {
        tags,
        summary: "Answer a question (the session room's gestionnaire during their slot, event managers)",
        params: questionParams,
        body: z.strictObject({ answer_text: z.string().trim().min(1).max(5000) }),
        response: { 200: questionOut },
      },
    },
    async (req) =>
      tenant(req, async (t) =>
        questionView(await qa.answerQuestion(t, req.params.id, req.params.questionId, req.body.answer_text)),
      ),
  );

  // ---------------------------------------------------------------- exhibitors (booth visits)
  const standQuery = z.object({ exposant_id: uuidParam.optional() });
  app.post(
    `${base}/:id/exposant-scans`,
    {
      schema: {
        tags,
        summary:
          "An exposant scans a visitor's badge: one visit per visitor per day (a repeat returns that visit)",
        params: eventParams,
        body: z.strictObject({
          qr: z.string().min(1).max(500),
          notes: z.string().trim().max(2000).optional(),
        }),
        response: {
          200: z.object({ status: z.literal('already_visited_today'), visit: visitOut }),
          201: z.object({ status: z.literal('recorded'), visit: visitOut }),
        },
      },
    },
    async (req, reply) => {
      const r = await tenant(req, (t) =>
        ex.scanVisitor(t, secret, req.params.id, req.body.qr, req.body.notes),
      );
      return r.created
        ? reply.code(201).send({ status: 'recorded' as const, visit: visitView(r.visit) })
        : reply.code(200).send({ status: 'already_visited_today' as const, visit: visitView(r.visit) });
    },
  );
  app.get(
    `${base}/:id/exposant-scans`,
    {
      schema: {
        tags,
        summary: 'My stand’s visitors, newest first (event managers: any stand with exposant_id)',
        params: eventParams,
        querystring: pageQuery.extend(standQuery.shape),
        response: { 200: pageOf(visitOut) },
      },
    },
    async (req) =>
      tenant(req, async (t) => {
        const { exposant_id, ...page } = req.query;
        const result = await ex.listVisits(t, req.params.id, exposant_id, page);
        return { items: result.items.map(visitView), next_cursor: result.next_cursor };
      }),
  );
  app.get(
    `${base}/:id/exposant-scans/stats`,
    {
      schema: {
        tags,
        summary: "Stand statistics: total visits, today's (event time zone), unique visitors",
        params: eventParams,
        querystring: standQuery,
        response: {
          200: z.object({
            exposant_id: z.string(),
            timezone: z.string(),
            total_visits: z.number(),
            today_visits: z.number(),
            unique_visitors: z.number(),
          }),
        },
      },
    },
    async (req) =>
      tenant(req, async (t) => {
        const s = await ex.visitStats(t, req.params.id, req.query.exposant_id);
        return {
          exposant_id: s.exposant.id,
          timezone: s.timezone,
          total_visits: s.totalVisits,
          today_visits: s.todayVisits,
          unique_visitors: s.uniqueVisitors,
        };
      }),
  );
  app.get(
    `${base}/:id/exposant-scans/export.csv`,
    {
      schema: {
        tags,
        summary: 'My stand’s visitors as CSV (header row, RFC 4180 quoting)',
        params: eventParams,
        querystring: standQuery,
      },
    },
    async (req, reply) => {
      const { stand, visits } = await tenant(req, (t) =>
        ex.allVisits(t, req.params.id, req.query.exposant_id),
      );
      const filename = `visitors-${stand.badgeId}.csv`;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .send(ex.visitsCsv(visits));
    },
  );

  // ---------------------------------------------------------------- documents (PDF)
  for (const kind of files.EVENT_DOCUMENTS) {
    app.put(
      `${base}/:id/${kind}`,
      {
        schema: {
          tags,
          summary: `Upload the event ${kind} (multipart field "file"; PDF only, max ${files.PDF_MAX_BYTES / 1024 / 1024} MiB; event managers)`,
          params: eventParams,
        },
      },
      async (req) => {
        const source = await uploadedFile(req, 'PDF');
        const event = await tenant(req, (t) =>
          files.setEventDocument(t, storage, req.params.id, kind, source),
        );
        return { [`${kind}_url`]: `${base}/${event.id}/${kind}` };
      },
    );
    app.get(
      `${base}/:id/${kind}`,
      { schema: { tags, summary: `Download the event ${kind} (PDF)`, params: eventParams } },
      async (req, reply) => {
        const key = await tenant(req, (t) => files.eventDocumentKey(t, req.params.id, kind));
        return reply
          .type('application/pdf')
          .header('content-disposition', `inline; filename="${kind}.pdf"`)
          .send(storage.open(key));
      },
    );
  }
  const participantParams = z.object({ id: uuidParam, participantId: uuidParam });
  app.put(
    `${base}/:id/participants/:participantId/plan`,
    {
      schema: {
        tags,
        summary: 'Upload an exposant’s stand plan (PDF; the exposant or event managers)',
        params: participantParams,
      },
    },
    async (req) => {
      const source = await uploadedFile(req, 'PDF');
      await tenant(req, (t) =>
        files.setExposantPlan(t, storage, req.params.id, req.params.participantId, source),
      );
      return { plan_url: `${base}/${req.params.id}/participants/${req.params.participantId}/plan` };
    },
  );
  app.get(
    `${base}/:id/participants/:participantId/plan`,
    {
      schema: {
        tags,
        summary: 'An exposant’s stand plan (PDF; anyone in the event)',
        params: participantParams,
      },
    },
    async (req, reply) => {
      const key = await tenant(req, (t) => files.exposantPlanKey(t, req.params.id, req.params.participantId));
      return reply
        .type('application/pdf')
        .header('content-disposition', 'inline; filename="plan.pdf"')
        .send(storage.open(key));
    },
  );

  // ---------------------------------------------------------------- printable badge
  app.get(
    `${base}/:id/participants/:participantId/badge`,
    { schema: { tags, summary: 'Printable badge page (HTML, A6, QR inline)', params: participantParams } },
    async (req, reply) => {
      const { p, event } = await tenant(req, async (t) => ({
        p: await getParticipant(t, req.params.id, req.params.participantId),
        event: await getEvent(t, req.params.id),
      }));
      const day = (d: Date) =>
        d.toLocaleDateString('fr-FR', {
          timeZone: event.timezone,
          day: 'numeric',
          month: 'long',
          year: 'numeric',
        });
      const html = badgePage({
        eventName: event.name,
        eventDates: `${day(event.startDate)} – ${day(event.endDate)}${event.location ? ` · ${event.location}` : ''}`,
        fullName: p.fullName,
        role: p.role,
        badgeId: p.badgeId,
        svg: await qrSvg(qrPayloadOf(secret, p)),
      });
      return reply.type('text/html; charset=utf-8').send(html);
    },
  );

  // ---------------------------------------------------------------- statistics
  app.get(
    `${base}/:id/stats`,
    {
      schema: {
        tags,
        summary: 'Event statistics for its managers: roles, check-ins, rooms, questions, exhibitors',
        params: eventParams,
        response: { 200: statsOut },
      },
    },
    async (req) =>
      tenant(req, async (t) => {
        const s = await eventStats(t, req.params.id);
        return {
          participants_by_role: s.participantsByRole,
          badges: { total: s.badges.total, checked_in: s.badges.checkedIn },
          rooms: s.rooms.map((r) => ({
            id: r.id,
            name: r.name,
            capacity: r.capacity,
            current_occupancy: r.currentOccupancy,
            scans_granted: r.granted,
            scans_denied: r.denied,
          })),
          sessions: s.sessions.map((x) => ({
            id: x.id,
            title: x.title,
            room_id: x.roomId,
            questions: x.questions,
            answered: x.answered,
          })),
          exhibitors: s.exhibitors.map((x) => ({
            id: x.id,
            full_name: x.fullName,
            total_visits: x.totalVisits,
            today_visits: x.todayVisits,
            unique_visitors: x.uniqueVisitors,
          })),
        };
      }),
  );
}
