import crypto from 'node:crypto';
import { z } from 'zod';
import { uuidParam } from '../../core/db/ids.ts';
import type { FileStorage } from '../../core/files/storage.ts';
import { tenantDeps, type RosterApp, tenant, actorOf } from '../../core/http/app.ts';
import { assetContent } from './assets.ts';
import { acknowledgeCommand } from './commands.ts';
import { recordPlays } from './plays.ts';
import { PLAY_OUTCOMES } from './schema.ts';
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
      const body = screenPlaylistView(await devicePlaylist(tenantDeps(req), actorOf(req)));
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
    async (req) => heartbeatView(await tenant(req, (t) => heartbeat(t, req.ip))),
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
      return sendAssetContent(reply, storage, content);
    },
  );

  app.post(
    '/api/device/commands/:id/ack',
    {
      config,
      schema: {
        tags,
        summary: 'I carried out this command (from my playlist poll); it is not sent again',
        params: z.object({ id: uuidParam }),
        body: z.strictObject({}).optional(),
        response: {
          200: z.object({ id: z.string(), command: z.string(), acknowledged_at: z.string() }),
        },
      },
    },
    async (req) => {
      const done = await tenant(req, (t) => acknowledgeCommand(t, req.params.id));
      return { id: done.id, command: done.command, acknowledged_at: done.acknowledgedAt.toISOString() };
    },
  );

  app.post(
    '/api/device/plays',
    {
      config,
      schema: {
        tags,
        summary: 'What I played (batched; a play sent again with the same client_id is stored once)',
        body: z.strictObject({
          plays: z
            .array(
              z.strictObject({
                client_id: z.string().min(1).max(100),
                asset_id: uuidParam,
                started_at: z.iso.datetime({ offset: true }),
                duration_ms: z.number().int().min(0).max(86_400_000),
                outcome: z.enum(PLAY_OUTCOMES),
              }),
            )
            .max(1000),
        }),
        response: { 200: z.object({ accepted: z.number(), duplicates: z.number() }) },
      },
    },
    async (req) => {
      const plays = req.body.plays.map((p) => ({
        clientId: p.client_id,
        assetId: p.asset_id,
        startedAt: new Date(p.started_at),
        durationMs: p.duration_ms,
        outcome: p.outcome,
      }));
      return tenant(req, (t) => recordPlays(t, plays));
    },
  );
}
