import { z } from 'zod';
import { actorOf, tenant, type RosterApp } from '../../../core/http/app.ts';
import { pageOf, pageQuery, mapPage } from '../../../core/http/pagination.ts';
import { notFound } from '../../../core/http/problem.ts';
import { createLocalStorage } from '../../../core/files/storage.ts';
import { uploadedFile } from '../../../core/files/upload.ts';
import { definedOnly } from '../../../core/util/objects.ts';
import * as perf from '../performers.ts';
import { performerOut, performerView } from '../views.ts';
import { registerAssignmentsOf, registerResourceRoutes } from './resource.ts';
import { base, flag, idParams, nullableText, tags, text } from './common.ts';

const performerBody = z.strictObject({
  name: text(200).min(1),
  title: text(200).optional(),
  role_description: text(2000).optional(),
  email: z.email().max(254).nullable().optional(),
  phone: nullableText(50).optional(),
  notes: text(5000).optional(),
});
const performerPatch = (b: Partial<z.infer<typeof performerBody>>) =>
  definedOnly({
    name: b.name,
    title: b.title,
    roleDescription: b.role_description,
    email: b.email,
    phone: b.phone,
    notes: b.notes,
  });
const performerQuery = pageQuery.extend({
  include_inactive: flag.optional(),
  q: text(100).optional(),
  with_assignments: flag.optional(),
  assigned: flag.optional(),
});

/** Performers: their records, photo and assignments. */
export function registerPerformerRoutes(app: RosterApp) {
  const storage = createLocalStorage(app.deps.config.uploadsDir);

  app.get(
    `${base}/performers`,
    {
      schema: {
        tags,
        summary:
          'get_all_performers: active only unless include_inactive=true; q searches name and title; ' +
          'assigned=false: those with no active assignment',
        querystring: performerQuery,
        response: { 200: pageOf(performerOut) },
      },
    },
    (req) => {
      const { include_inactive, q, with_assignments, assigned, ...page } = req.query;
      const filter = { includeInactive: include_inactive, q, withAssignments: with_assignments, assigned };
      return tenant(req, async (t) => mapPage(await perf.listPerformers(t, filter, page), performerView));
    },
  );
  app.get(
    `${base}/performers/search`,
    {
      schema: {
        tags,
        summary: 'search_performers: name or title contains q (case-insensitive)',
        querystring: pageQuery.extend({ q: text(100).min(1), include_inactive: flag.optional() }),
        response: { 200: pageOf(performerOut) },
      },
    },
    (req) => {
      const { q, include_inactive, ...page } = req.query;
      const filter = { q, includeInactive: include_inactive };
      return tenant(req, async (t) => mapPage(await perf.listPerformers(t, filter, page), performerView));
    },
  );
  app.get(
    `${base}/performers/by-name`,
    {
      schema: {
        tags,
        summary: 'get_performer_by_name: exact name, case-insensitive',
        querystring: z.object({ name: text(200).min(1) }),
        response: { 200: performerOut },
      },
    },
    (req) => tenant(req, async (t) => performerView(await perf.getPerformerByName(t, req.query.name))),
  );
  app.get(
    `${base}/performers/count`,
    {
      schema: {
        tags,
        summary: 'count_total_performers',
        querystring: z.object({ include_inactive: flag.optional() }),
        response: { 200: z.object({ count: z.number() }) },
      },
    },
    (req) =>
      tenant(req, async (t) => ({
        count: await perf.countPerformers(t, { includeInactive: req.query.include_inactive }),
      })),
  );
  app.get(
    `${base}/performers/with-assignments`,
    {
      schema: {
        tags,
        summary: 'get_performers_with_assignments: performers with an active assignment',
        querystring: pageQuery,
        response: { 200: pageOf(performerOut) },
      },
    },
    (req) =>
      tenant(req, async (t) =>
        mapPage(await perf.listPerformers(t, { withAssignments: true }, req.query), performerView),
      ),
  );
  registerResourceRoutes(app, {
    path: 'performers',
    out: performerOut,
    view: performerView,
    create: {
      summary: 'create_performer (admins); the photo is uploaded separately',
      body: performerBody,
      run: (t, b) => perf.createPerformer(t, { ...performerPatch(b), name: b.name }),
    },
    get: { summary: 'get_performer_by_id', run: perf.getPerformer },
    update: {
      summary: 'update_performer: only the given fields (admins)',
      body: performerBody.partial(),
      run: (t, id, b) => perf.updatePerformer(t, id, performerPatch(b)),
    },
  });
  app.post(
    `${base}/performers/:id/deactivate`,
    {
      schema: {
        tags,
        summary: 'deactivate_performer (soft delete; drops out of assignment queries)',
        params: idParams,
        response: { 200: performerOut },
      },
    },
    (req) => tenant(req, async (t) => performerView(await perf.setPerformerActive(t, req.params.id, false))),
  );
  app.post(
    `${base}/performers/:id/reactivate`,
    { schema: { tags, summary: 'reactivate_performer', params: idParams, response: { 200: performerOut } } },
    (req) => tenant(req, async (t) => performerView(await perf.setPerformerActive(t, req.params.id, true))),
  );
  app.delete(
    `${base}/performers/:id`,
    {
      schema: {
        tags,
        summary: 'delete_performer: hard delete with its assignments (admins, audited)',
        params: idParams,
        response: { 200: z.object({ deleted_assignments: z.number() }) },
      },
    },
    (req) =>
      tenant(req, async (t) => ({
        deleted_assignments: (await perf.deletePerformer(t, req.params.id, storage)).deletedAssignments,
      })),
  );
  app.post(
    `${base}/performers/:id/photo`,
    {
      schema: {
        tags,
        summary:
          `Upload the performer's photo (multipart field "file"; PNG/JPEG/GIF/WebP, ` +
          `max ${perf.PHOTO_MAX_BYTES / 1024 / 1024} MB; admins)`,
        params: idParams,
        response: { 200: performerOut },
      },
    },
    async (req) => {
      actorOf(req);
      const file = await uploadedFile(req, 'photo');
      return tenant(req, async (t) =>
        performerView(await perf.setPerformerPhoto(t, req.params.id, storage, file)),
      );
    },
  );
  app.get(
    `${base}/performers/:id/photo`,
    { schema: { tags, summary: "The performer's photo", params: idParams } },
    async (req, reply) => {
      const performer = await tenant(req, (t) => perf.getPerformer(t, req.params.id));
      if (!performer.photoKey || !(await storage.exists(performer.photoKey))) throw notFound('Photo');
      reply
        .type(performer.photoType ?? 'application/octet-stream')
        .header('cache-control', 'private, max-age=300');
      return reply.send(storage.open(performer.photoKey));
    },
  );
  registerAssignmentsOf(app, 'performers', 'get_performer_assignments', (id) => ({ performerId: id }));
}
