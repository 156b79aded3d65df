import crypto from 'node:crypto';
import { z } from 'zod';
import { uuidParam } from '../../core/db/ids.ts';
import type { FileStorage } from '../../core/files/storage.ts';
import { tenantDeps, type RosterApp, tenant, actorOf } from '../../core/http/app.ts';
import { assetContent } from './assets.ts';
import { IMAGE_TYPES } from '../../core/files/sniff.ts';
import { uploadedFile } from '../../core/files/upload.ts';
import { acknowledgeCommand } from './commands.ts';
import { recordPlays } from './plays.ts';
import { newId } from '../../core/db/columns.ts';
import { screenDeviceId } from './device-auth.ts';
import { COMMAND_OUTCOMES, PLAY_OUTCOMES } from './schema.ts';
import { recordScreenshot, SCREENSHOT_MAX_BYTES, screenshotKey } from './screenshots.ts';
import { sendAssetContent } from './routes-assets.ts';
import { devicePlaylist } from './device-playlist.ts';
import { heartbeat } from './heartbeat.ts';
import { collectPairing, startPairing } from './pairing.ts';
import {
  commandOut,
  commandView,
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
        summary: 'I am alive (every heartbeat_interval_seconds), with what I can tell about myself',
        body: z
          .strictObject({
            player_version: z.string().trim().min(1).max(100).optional(),
            screen_width: z.number().int().min(1).max(32_768).optional(),
            screen_height: z.number().int().min(1).max(32_768).optional(),
            free_storage_bytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
          })
          .optional(),
        response: { 200: heartbeatOut },
      },
    },
    async (req) => {
      const b = req.body ?? {};
      const report = {
        playerVersion: b.player_version,
        screenWidth: b.screen_width,
        screenHeight: b.screen_height,
        freeStorageBytes: b.free_storage_bytes,
      };
      return heartbeatView(await tenant(req, (t) => heartbeat(t, req.ip, report)));
    },
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
        summary: 'I carried out (or failed) this command; it is not sent again. The first answer stands',
        params: z.object({ id: uuidParam }),
        body: z
          .strictObject({
            outcome: z.enum(COMMAND_OUTCOMES).default('done'),
            detail: z.string().trim().max(500).optional(),
          })
          .optional(),
        response: { 200: commandOut },
      },
    },
    async (req) => {
      const ack = { outcome: req.body?.outcome ?? ('done' as const), detail: req.body?.detail };
      return commandView(await tenant(req, (t) => acknowledgeCommand(t, req.params.id, ack)));
    },
  );

  app.post(
    '/api/device/screenshot',
    {
      config,
      schema: {
        tags,
        summary: 'My screenshot (multipart field "file": PNG, JPEG or WebP), answering command_id if given',
        consumes: ['multipart/form-data'],
        querystring: z.object({ command_id: uuidParam.optional() }),
        response: { 201: z.object({ id: z.string(), taken_at: z.string(), size: z.number() }) },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      const id = newId();
      const key = screenshotKey(actor.orgId, screenDeviceId(actor), id);
      const file = await storage.put(key, await uploadedFile(req, 'screenshot'), {
        maxBytes: SCREENSHOT_MAX_BYTES,
        accept: IMAGE_TYPES.filter((t) => t !== 'image/gif'),
      });
      try {
        const commandId = req.query.command_id;
        const saved = await tenant(req, (t) => recordScreenshot(t, { id, file, commandId }));
        if (saved.replacedKey) await storage.remove(saved.replacedKey).catch(() => undefined);
        const shot = saved.screenshot;
        return reply
          .code(201)
          .send({ id: shot.id, taken_at: shot.takenAt.toISOString(), size: shot.fileSize });
      } catch (err) {
        await storage.remove(file.key);
        throw err;
      }
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
