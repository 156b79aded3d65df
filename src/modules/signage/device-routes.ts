import crypto from 'node:crypto';
import { z } from 'zod';
import { uuidParam } from '../../core/db/ids.ts';
import type { FileStorage } from '../../core/files/storage.ts';
import { tenantDeps, type RosterApp } from '../../core/http/app.ts';
import { assetContent } from './assets.ts';
import { screenActor, screenTenant } from './credentials.ts';
import { sendAssetContent } from './routes-assets.ts';
import { devicePlaylist } from './device-playlist.ts';
import { heartbeat } from './heartbeat.ts';
import { collectPairing, startPairing } from './pairing.ts';
import {
  heartbeatOut,
  heartbeatView,
  pairedOut,
  pairingPendingOut,
  pairingStartedOut,
  pairingStartedView,
  pairingStateView,
  screenPlaylistView,
} from './views.ts';

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
        response: { 201: pairingStartedOut },
      },
    },
    async (_req, reply) => reply.code(201).send(pairingStartedView(await startPairing(db))),
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
        response: { 200: pairedOut, 202: pairingPendingOut },
      },
    },
    async (req, reply) => {
      const state = await collectPairing(db, req.params.pairingSecret);
      return reply.code(state.status === 'paired' ? 200 : 202).send(pairingStateView(state));
    },
  );

  app.get(
    '/api/device/playlist',
    { config, schema: { tags, summary: 'What to play now; send If-None-Match to get 304 when unchanged' } },
    async (req, reply) => {
      const body = screenPlaylistView(await devicePlaylist(tenantDeps(req), screenActor(req)));
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
        response: { 200: heartbeatOut },
      },
    },
    async (req) => heartbeatView(await screenTenant(req, (t) => heartbeat(t, req.ip))),
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
      const content = await screenTenant(req, (t) => assetContent(t, req.params.id));
      return sendAssetContent(reply, storage, content);
    },
  );
}
