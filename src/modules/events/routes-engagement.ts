import { z } from 'zod';
import { uuidParam } from '../../core/db/ids.ts';
import { tenant, type RosterApp } from '../../core/http/app.ts';
import { pageOf, pageQuery } from '../../core/http/pagination.ts';
import { definedOnly } from '../../core/util/objects.ts';
import * as ann from './annonces.ts';
import { base, eventParams, flag, flagValue, tags } from './inputs.ts';
import * as qa from './questions.ts';
import { ANNONCE_TARGETS } from './schema.ts';
import { eventStats } from './stats.ts';
import { annonceOut, annonceView, questionOut, questionView, statsOut, statsView } from './views.ts';

const annonceParams = z.object({ id: uuidParam, annonceId: uuidParam });
const annonceBody = z.strictObject({
  title: z.string().trim().min(1).max(200),
  description: z.string().trim().min(1).max(10_000),
  target: z.enum(ANNONCE_TARGETS),
});
function annonceInput(b: z.infer<typeof annonceBody>): ann.AnnonceInput;
function annonceInput(b: Partial<z.infer<typeof annonceBody>>): Partial<ann.AnnonceInput>;
function annonceInput(b: Partial<z.infer<typeof annonceBody>>): Partial<ann.AnnonceInput> {
  return { title: b.title, description: b.description, target: b.target };
}

/** Announcements: published by gestionnaires and managers, read by the roles they target. */
export function registerAnnonces(app: RosterApp) {
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
        return { items: result.items.map(annonceView), next_cursor: result.next_cursor };
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
      const a = await tenant(req, (t) => ann.createAnnonce(t, req.params.id, annonceInput(req.body)));
      return reply.code(201).send(annonceView(a));
    },
  );
  app.get(
    `${base}/:id/annonces/:annonceId`,
    { schema: { tags, summary: 'One announcement', params: annonceParams, response: { 200: annonceOut } } },
    async (req) =>
      tenant(req, async (t) => annonceView(await ann.getAnnonce(t, req.params.id, req.params.annonceId))),
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
      tenant(req, async (t) => {
        const patch = definedOnly(annonceInput(req.body));
        return annonceView(await ann.updateAnnonce(t, req.params.id, req.params.annonceId, patch));
      }),
  );
  app.delete(
    `${base}/:id/annonces/:annonceId`,
    { schema: { tags, summary: 'Delete an announcement (its author only)', params: annonceParams } },
    async (req, reply) => {
      await tenant(req, (t) => ann.deleteAnnonce(t, req.params.id, req.params.annonceId));
      return reply.code(204).send();
    },
  );
}

const questionParams = z.object({ id: uuidParam, questionId: uuidParam });

/** Questions on sessions: asked by badge holders, answered by the room's gestionnaire. */
export function registerQuestions(app: RosterApp) {
  app.get(
    `${base}/:id/questions`,
    {
      schema: {
        tags,
        summary:
          'Questions I may see: my own and answered ones; a gestionnaire: all of the room they hold now',
        params: eventParams,
        querystring: pageQuery.extend({ session_id: uuidParam.optional(), answered: flag }),
        response: { 200: pageOf(questionOut) },
      },
    },
    async (req) =>
      tenant(req, async (t) => {
        const { session_id, answered, ...page } = req.query;
        const filter = { sessionId: session_id, answered: flagValue(answered) };
        const result = await qa.listQuestions(t, req.params.id, filter, page);
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
      const { session_id, question_text } = req.body;
      const q = await tenant(req, (t) => qa.askQuestion(t, req.params.id, session_id, question_text));
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
}

export function registerStats(app: RosterApp) {
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
    async (req) => tenant(req, async (t) => statsView(await eventStats(t, req.params.id))),
  );
}
