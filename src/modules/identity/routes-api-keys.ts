import { z } from 'zod';
import { requireOrgAdmin } from '../../core/access/actor.ts';
import { uuidParam } from '../../core/db/ids.ts';
import { actorOf, tenant, type RosterApp } from '../../core/http/app.ts';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys.ts';
import { apiKeyOut, apiKeyView } from './views.ts';

const tags = ['identity'];

/** The organization's API keys: admins only, the secret shown once. */
export function registerApiKeyRoutes(app: RosterApp) {
  app.get(
    '/api/api-keys',
    {
      schema: {
        tags,
        summary: 'API keys of this organization (admins)',
        response: { 200: z.object({ items: z.array(apiKeyOut) }) },
      },
    },
    async (req) => {
      requireOrgAdmin(actorOf(req), 'see API keys');
      return { items: (await tenant(req, listApiKeys)).map(apiKeyView) };
    },
  );

  app.post(
    '/api/api-keys',
    {
      schema: {
        tags,
        summary: 'Create an API key; the secret is shown once (admins)',
        body: z.strictObject({
          name: z.string().min(1).max(100),
          role: z.enum(['admin', 'member', 'viewer']).default('member'),
        }),
        response: { 201: apiKeyOut.extend({ key: z.string() }) },
      },
    },
    async (req, reply) => {
      requireOrgAdmin(actorOf(req), 'create API keys');
      const input = { name: req.body.name, role: req.body.role };
      const { key, secret } = await tenant(req, (t) => createApiKey(t, input));
      return reply.code(201).send({ ...apiKeyView(key), key: secret });
    },
  );

  app.delete(
    '/api/api-keys/:id',
    {
      schema: {
        tags,
        summary: 'Revoke an API key (admins)',
        params: z.object({ id: uuidParam }),
        response: { 200: apiKeyOut },
      },
    },
    async (req) => {
      requireOrgAdmin(actorOf(req), 'revoke API keys');
      return apiKeyView(await tenant(req, (t) => revokeApiKey(t, req.params.id)));
    },
  );
}
