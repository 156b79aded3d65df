import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { tenant, type RosterApp } from '../../core/http/app.ts';
import { pageOf, pageQuery } from '../../core/http/pagination.ts';
import { badgePage } from './badge-page.ts';
import { qrPayloadOf, qrPng, qrSvg } from './badges.ts';
import { base, eventParams, flag, flagValue, name, participantParams, qrBody, tags } from './inputs.ts';
import * as access from './participants.ts';
import { BADGE_ROLES } from './schema.ts';
import * as registration from './registration-import.ts';
import { getEvent } from './service.ts';
import { checkInOut, checkInView, participantOut, participantView } from './views.ts';
import { importPreviewOut, importPreviewView } from './views-staffing.ts';

/** Participants and exposants: their badges, its QR code, and the entrance check-in. */
export function registerParticipants(app: RosterApp) {
  const secret = app.deps.config.secret;
  const pview = participantView(secret);
  app.get(
    `${base}/:id/participants`,
    {
      schema: {
        tags,
        summary: 'Badges (managers and controllers: all; a participant: their own)',
        params: eventParams,
        querystring: pageQuery.extend({
          q: z.string().max(100).optional(),
          role: z.enum(BADGE_ROLES).optional(),
          checked_in: flag,
        }),
        response: { 200: pageOf(participantOut) },
      },
    },
    async (req) =>
      tenant(req, async (t) => {
        const { q, role, checked_in, ...page } = req.query;
        const filter = { q, role, checkedIn: flagValue(checked_in), page };
        const result = await access.listParticipants(t, req.params.id, filter);
        return { items: result.items.map(pview), next_cursor: result.next_cursor };
      }),
  );
  app.post(
    `${base}/:id/participants`,
    {
      schema: {
        tags,
        summary: 'Register a participant or exposant (with or without a login) and issue a badge',
        params: eventParams,
        body: z.strictObject({
          full_name: name(),
          email: z.email().max(254).nullable().optional(),
          role: z.enum(BADGE_ROLES).default('participant'),
        }),
        response: { 201: participantOut },
      },
    },
    async (req, reply) => {
      const input = { fullName: req.body.full_name, email: req.body.email, role: req.body.role };
      const p = await tenant(req, (t) => access.registerParticipant(t, req.params.id, input));
      return reply.code(201).send(pview(p));
    },
  );
  app.get(
    `${base}/:id/participants/:participantId`,
    { schema: { tags, summary: 'One badge', params: participantParams, response: { 200: participantOut } } },
    async (req) =>
      tenant(req, async (t) =>
        pview(await access.getParticipant(t, req.params.id, req.params.participantId)),
      ),
  );
  app.get(
    `${base}/:id/participants/:participantId/qr.svg`,
    { schema: { tags, summary: 'The badge QR code as SVG', params: participantParams } },
    async (req, reply) => {
      const p = await tenant(req, (t) => access.getParticipant(t, req.params.id, req.params.participantId));
      return reply.type('image/svg+xml').send(await qrSvg(qrPayloadOf(secret, p)));
    },
  );
  app.get(
    `${base}/:id/participants/:participantId/qr.png`,
    { schema: { tags, summary: 'The badge QR code as PNG', params: participantParams } },
    async (req, reply) => {
      const p = await tenant(req, (t) => access.getParticipant(t, req.params.id, req.params.participantId));
      return reply.type('image/png').send(await qrPng(qrPayloadOf(secret, p)));
    },
  );
  app.post(
    `${base}/:id/check-in`,
    {
      schema: {
        tags,
        summary: 'Check a badge in at the entrance (idempotent)',
        params: eventParams,
        body: qrBody,
        response: { 200: checkInOut },
      },
    },
    async (req) =>
      tenant(req, async (t) =>
        checkInView(secret)(await access.checkIn(t, secret, req.params.id, req.body.qr)),
      ),
  );
}

/**
 * Registration from a file: a spreadsheet's CSV, sent as the raw body (`text/csv`) or as
 * `{"csv": "..."}`. `dry_run=true` answers what would be registered and every row's errors;
 * otherwise the file is imported all or nothing.
 */
export function registerParticipantImport(app: RosterApp) {
  const pview = participantView(app.deps.config.secret);
  void app.register((plugin, _opts, done) => {
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    // A raw CSV body arrives as the same `{csv}` object the JSON form sends.
    scope.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, parsed) =>
      parsed(null, { csv: body }),
    );
    scope.post(
      `${base}/:id/participants/import`,
      {
        schema: {
          tags,
          summary:
            `Register participants and exposants from CSV (columns ${registration.IMPORT_COLUMNS.join(', ')}; ` +
            `up to ${registration.IMPORT_MAX_ROWS} rows): dry_run=true previews with per-row errors, ` +
            'otherwise all rows or none',
          consumes: ['text/csv', 'application/json'],
          params: eventParams,
          querystring: z.object({ dry_run: flag }),
          body: z.strictObject({ csv: z.string().min(1, 'the file is empty').max(1_000_000) }),
          response: {
            200: importPreviewOut,
            201: z.object({
              dry_run: z.literal(false),
              imported: z.number(),
              items: z.array(participantOut),
            }),
          },
        },
      },
      async (req, reply) => {
        const { id } = req.params;
        if (flagValue(req.query.dry_run))
          return importPreviewView(await tenant(req, (t) => registration.previewImport(t, id, req.body.csv)));
        const issued = await tenant(req, (t) => registration.importRegistrations(t, id, req.body.csv));
        return reply
          .code(201)
          .send({ dry_run: false as const, imported: issued.length, items: issued.map(pview) });
      },
    );
    done();
  });
}

/** The badge to print: an HTML page (A6) with the QR code inline. */
export function registerBadgePage(app: RosterApp) {
  const secret = app.deps.config.secret;
  app.get(
    `${base}/:id/participants/:participantId/badge`,
    { schema: { tags, summary: 'Printable badge page (HTML, A6, QR inline)', params: participantParams } },
    async (req, reply) => {
      const { participant, event } = await tenant(req, async (t) => ({
        participant: await access.getParticipant(t, req.params.id, req.params.participantId),
        event: await getEvent(t, req.params.id),
      }));
      const svg = await qrSvg(qrPayloadOf(secret, participant));
      return reply.type('text/html; charset=utf-8').send(badgePage(event, participant, svg));
    },
  );
}
