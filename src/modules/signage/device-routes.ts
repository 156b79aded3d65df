import crypto from 'node:crypto';
import { z } from 'zod';
import { uuidParam } from '../../core/db/ids.ts';
import type { FileStorage } from '../../core/files/storage.ts';
import { actorOf, tenant, tenantDeps, type RosterApp } from '../../core/http/app.ts';
import { assetContent } from './assets.ts';
import { collectPairing, devicePlaylist, heartbeat, startPairing } from './devices.ts';

/**
 * The screen-facing API: pairing (public), then everything with the screen's `rd_` token, and
 * with nothing else: people and API keys use the console routes.
 */
export function registerDeviceRoutes(app: RosterApp, storage: FileStorage) {
  const tags = ['signage device'];
  const config = { credentials: ['device'] } as const;
  const db = app.deps.database.db;

  app.post(
    '/api/device/pair',
    {
      config: { public: true },
      schema: {
        tags,
        security: [],
        summary: 'A new screen asks for a pairing code to show',
        response: {
          201: z.object({
            code: z.string(),
            pairing_secret: z.string(),
            expires_at: z.string(),
            poll_interval_seconds: z.number(),
          }),
        },
      },
    },
    async (_req, reply) => reply.code(201).send(await startPairing(db)),
  );

  app.get(
    '/api/device/pair/:pairingSecret',
    {
      config: { public: true },
      schema: {
        tags,
        security: [],
        summary: 'The screen polls: 202 while unclaimed, then 200 with its device token (once)',
        params: z.object({ pairingSecret: z.string().min(10).max(200) }),
        response: {
          200: z.object({
            status: z.literal('paired'),
            device_id: z.string(),
            device_token: z.string(),
            heartbeat_interval_seconds: z.number(),
          }),
          202: z.object({ status: z.literal('pending'), code: z.string(), expires_at: z.string() }),
        },
      },
    },
    async (req, reply) => {
      const result = await collectPairing(db, req.params.pairingSecret);
      return reply.code(result.status === 'paired' ? 200 : 202).send(result);
    },
  );

  app.get(
    '/api/device/playlist',
    { config, schema: { tags, summary: 'What to play now; send If-None-Match to get 304 when unchanged' } },
    async (req, reply) => {
      const body = await devicePlaylist(tenantDeps(req), actorOf(req));
      const etag = `"${crypto.createHash('sha1').update(JSON.stringify(body)).digest('base64url')}"`;
      reply.header('etag', etag).header('cache-control', 'no-cache');
      if (req.headers['if-none-match'] === etag) return reply.code(304).send();
      return body;
    },
  );

  app.post(
    '/api/device/heartbeat',
    {
      config,
      schema: {
        tags,
        summary: 'I am alive (every heartbeat_interval_seconds)',
        body: z.strictObject({}).optional(),
        response: {
          200: z.object({
            last_seen: z.string(),
            heartbeat_interval_seconds: z.number(),
            offline_after_seconds: z.number(),
          }),
        },
      },
    },
    async (req) => tenant(req, (t) => heartbeat(t, req.ip)),
  );

  app.get(
    '/api/device/assets/:id/content',
    {
      config,
      schema: {
        tags,
        summary: 'The uploaded file of an asset of my org',
        params: z.object({ id: uuidParam }),
      },
    },
    async (req, reply) => {
      const content = await tenant(req, (t) => assetContent(t, req.params.id));
      return reply
        .type(content.mimetype)
        .header('content-length', content.size)
        .header('etag', `"${content.md5}"`)
        .send(storage.open(content.key));
    },
  );
}
