import { tenant, type RosterApp } from '../../core/http/app.ts';
import { createLocalStorage } from '../../core/files/storage.ts';
import { uploadedFile } from '../../core/files/upload.ts';
import * as files from './files.ts';
import { base, eventParams, participantParams, tags } from './inputs.ts';

/** PDF documents: the event's programme and guide, and each exposant's stand plan. */
export function registerDocuments(app: RosterApp) {
  const storage = createLocalStorage(app.deps.config.uploadsDir);
  const maxMiB = files.PDF_MAX_BYTES / 1024 / 1024;
  for (const kind of files.EVENT_DOCUMENTS) {
    app.put(
      `${base}/:id/${kind}`,
      {
        schema: {
          tags,
          summary: `Upload the event ${kind} (multipart field "file"; PDF only, max ${maxMiB} MiB; event managers)`,
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
      const { id, participantId } = req.params;
      const source = await uploadedFile(req, 'PDF');
      await tenant(req, (t) => files.setExposantPlan(t, storage, id, participantId, source));
      return { plan_url: `${base}/${id}/participants/${participantId}/plan` };
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
}
