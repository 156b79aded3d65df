import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, type RosterApp, tenant } from '../../core/http/app.ts';
import { requireOrgAdmin } from '../../core/access/actor.ts';
import { badRequest } from '../../core/http/problem.ts';
import { pageOf, pageQuery, mapPage } from '../../core/http/pagination.ts';
import { applyStripeEvent, getSubscription, verifyStripeSignature, webhookSecret } from './billing.ts';
import { USAGE_METRIC_TYPES } from './schema.ts';
import { listUsage } from './usage.ts';
import {
  stripeResultOut,
  subscriptionOut,
  subscriptionView,
  usageMetricOut,
  usageMetricView,
} from './views.ts';

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2025-01-31')
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)), 'not a calendar date');

const stripeEvent = z.object({
  id: z.string().min(1).max(255),
  type: z.string().min(1).max(255),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});

export async function registerBillingRoutes(app: RosterApp) {
  const tags = ['signage billing'];
  const { database, bus, config } = app.deps;

  app.get(
    '/api/signage/subscription',
    {
      schema: {
        tags,
        summary: "The org's subscription (admins); 404 when it has none (free plan)",
        response: { 200: subscriptionOut },
      },
    },
    async (req) => subscriptionView(await tenant(req, getSubscription)),
  );

  app.get(
    '/api/signage/usage',
    {
      schema: {
        tags,
        summary: 'Daily usage metrics (admins); default the last 30 days',
        querystring: pageQuery.extend({
          from: day.optional(),
          to: day.optional(),
          type: z.enum(USAGE_METRIC_TYPES).optional(),
        }),
        response: {
          200: pageOf(usageMetricOut).extend({ from: z.string(), to: z.string() }),
        },
      },
    },
    async (req) => {
      requireOrgAdmin(actorOf(req), 'see usage');
      const { limit, cursor, ...filters } = req.query;
      const { from, to, page } = await tenant(req, (t) => listUsage(t, { limit, cursor }, filters));
      return { from, to, ...mapPage(page, usageMetricView) };
    },
  );

  // The signature covers the exact bytes Stripe sent, so this route alone keeps the body raw.
  await app.register((plugin, _opts, done) => {
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) =>
      done(null, body),
    );
    scope.post(
      '/api/signage/webhooks/stripe',
      {
        config: { public: true },
        schema: {
          tags,
          security: [],
          summary: 'Stripe webhook (Stripe-Signature verified; idempotent on event id)',
          response: { 200: stripeResultOut },
        },
      },
      async (req) => {
        const raw = typeof req.body === 'string' ? req.body : '';
        verifyStripeSignature(
          req.headers['stripe-signature'] as string | undefined,
          raw,
          webhookSecret(config),
        );
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw);
        } catch {
          throw badRequest('The body is not JSON');
        }
        const event = stripeEvent.safeParse(parsed);
        if (!event.success)
          throw badRequest(
            'Not a Stripe event',
            event.error.issues.map((i) => ({ path: `body.${i.path.join('.')}`, message: i.message })),
          );
        return applyStripeEvent({ db: database.db, bus }, event.data);
      },
    );
    done();
  });
}
