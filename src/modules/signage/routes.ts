import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireOrgAdmin, requireWriter } from '../../core/access/actor.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { intId, uuidParam } from '../../core/db/ids.ts';
import { IMAGE_TYPES, VIDEO_TYPES, type SniffedType } from '../../core/files/sniff.ts';
import type { FileStorage } from '../../core/files/storage.ts';
import { actorOf, tenant, type RosterApp } from '../../core/http/app.ts';
import { pageOf, pageQuery } from '../../core/http/pagination.ts';
import { badRequest, invalidField } from '../../core/http/problem.ts';
import {
  assetContent,
  checkAssetFields,
  createUploadedAsset,
  createUrlAsset,
  deleteAsset,
  getAsset,
  listAssets,
  newAssetId,
  publicAsset,
  storageKeyFor,
  updateAsset,
} from './assets.ts';
import { claimDevice, deleteDevice, getDevice, listDevices, publicDevice, updateDevice } from './devices.ts';
import { listMemberPermissions, setMemberPermissions } from './permissions.ts';
import { limitsReport } from './plans.ts';
import {
  createPlaylist,
  deletePlaylist,
  getPlaylist,
  listPlaylists,
  setPlaylistAssets,
  updatePlaylist,
} from './playlists.ts';
import { ASSET_TYPES, PLAN_NAMES } from './schema.ts';

/**
 * The tenant transaction of a console route. Console routes are for people and API keys; the core
 * request hook refuses a screen's token on them (routes accept sessions and API keys unless they
 * name other credential kinds), so nothing is left to check here.
 */
export function consoleTenant<T>(req: FastifyRequest, fn: (t: TenantTx) => Promise<T>): Promise<T> {
  return tenant(req, fn);
}

const idParams = z.object({ id: uuidParam });
const dateTime = z.string().max(40).nullable().optional();
const tags = z.array(z.string().min(1).max(50)).max(50);

const assetFields = {
  name: z.string().trim().min(1).max(255),
  description: z.string().max(5000).optional(),
  start_date: dateTime,
  end_date: dateTime,
  duration: z.number().int().min(1).max(86_400).optional(),
  timezone: z.string().min(1).max(64).optional(),
  is_enabled: z.boolean().optional(),
  play_order: z.number().int().min(0).max(1_000_000).optional(),
  tags: tags.optional(),
  category: z.string().max(100).optional(),
  nocache: z.boolean().optional(),
  skip_asset_check: z.boolean().optional(),
};

const assetOut = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  asset_type: z.enum(ASSET_TYPES),
  uri: z.string(),
  is_uploaded: z.boolean(),
  md5: z.string(),
  mimetype: z.string(),
  file_size: z.number(),
  start_date: z.string().nullable(),
  end_date: z.string().nullable(),
  duration: z.number(),
  timezone: z.string(),
  is_enabled: z.boolean(),
  is_active: z.boolean(),
  is_processing: z.boolean(),
  processing_status: z.string(),
  play_order: z.number(),
  tags: z.array(z.string()),
  category: z.string(),
  nocache: z.boolean(),
  skip_asset_check: z.boolean(),
  created_by: z.number().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  last_accessed: z.string().nullable(),
});

const playlistOut = z.object({
  id: z.string(),
  name: z.string(),
  is_default: z.boolean(),
  shuffle: z.boolean(),
  asset_ids: z.array(z.string()),
  created_at: z.string(),
  updated_at: z.string(),
});

const settingsIn = z.object({ timezone: z.string().max(64).optional() }).catchall(z.unknown());
const deviceFields = {
  name: z.string().trim().min(1).max(255),
  mac: z
    .string()
    .regex(/^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}$/, 'must be a MAC address like 00:11:22:33:44:55')
    .nullable()
    .optional(),
  location: z.string().max(255).optional(),
  unit_id: z.number().int().positive().nullable().optional(),
  settings: settingsIn.optional(),
  playlist_id: uuidParam.nullable().optional(),
};

const deviceOut = z.object({
  id: z.string(),
  name: z.string(),
  mac: z.string().nullable(),
  ip: z.string().nullable(),
  location: z.string(),
  unit_id: z.number().nullable(),
  settings: z.record(z.string(), z.unknown()),
  playlist_id: z.string().nullable(),
  is_online: z.boolean(),
  last_seen: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

const limitsShape = z.object({
  max_assets: z.number(),
  max_users: z.number(),
  max_storage_gb: z.number(),
  max_devices: z.number(),
  api_rate_per_minute: z.number(),
});
const limitsOut = z.object({
  plan: z.enum(PLAN_NAMES),
  limits: limitsShape,
  usage: z.object({
    assets: z.number(),
    users: z.number(),
    devices: z.number(),
    storage_bytes: z.number(),
    storage_gb: z.number(),
  }),
});

/** Multipart fields are strings: booleans are "true"/"false", tags a JSON array or comma list. */
const formBool = z.enum(['true', 'false']).transform((v) => v === 'true');
const uploadFields = z.strictObject({
  name: assetFields.name,
  description: assetFields.description,
  start_date: z.string().max(40).optional(),
  end_date: z.string().max(40).optional(),
  duration: z.coerce.number().int().min(1).max(86_400).optional(),
  timezone: assetFields.timezone,
  is_enabled: formBool.optional(),
  play_order: z.coerce.number().int().min(0).max(1_000_000).optional(),
  tags: z
    .string()
    .max(2000)
    .transform((v) =>
      v.trim().startsWith('[')
        ? (JSON.parse(v) as unknown)
        : v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
    )
    .pipe(tags)
    .optional(),
  category: assetFields.category,
  nocache: formBool.optional(),
  skip_asset_check: formBool.optional(),
  asset_type: z.enum(['image', 'video']).optional(),
});

const UPLOAD_TYPES: SniffedType[] = [...IMAGE_TYPES, ...VIDEO_TYPES];

export function registerSignageRoutes(app: RosterApp, storage: FileStorage) {
  const tags = ['signage'];

  // ---------------------------------------------------------------- plan and limits
  app.get(
    '/api/signage/limits',
    {
      schema: {
        tags,
        summary: 'The plan, its limits and current usage (admins)',
        response: { 200: limitsOut },
      },
    },
    async (req) => {
      requireOrgAdmin(actorOf(req), 'see plan usage');
      return consoleTenant(req, limitsReport);
    },
  );

  app.get(
    '/api/signage/permissions',
    {
      schema: {
        tags,
        summary: 'Signage permissions of each member (admins)',
        response: {
          200: z.object({ items: z.array(z.object({ user_id: z.number(), view_all_assets: z.boolean() })) }),
        },
      },
    },
    async (req) => ({ items: await consoleTenant(req, listMemberPermissions) }),
  );

  app.put(
    '/api/signage/permissions/:userId',
    {
      schema: {
        tags,
        summary: "Grant or withdraw a member's view_all_assets (admins)",
        params: z.object({ userId: intId }),
        body: z.strictObject({ view_all_assets: z.boolean() }),
        response: { 200: z.object({ user_id: z.number(), view_all_assets: z.boolean() }) },
      },
    },
    async (req) => consoleTenant(req, (t) => setMemberPermissions(t, req.params.userId, req.body)),
  );

  // ---------------------------------------------------------------- assets
  app.get(
    '/api/signage/assets',
    {
      schema: {
        tags,
        summary: 'Assets the caller may see (all for admins and view_all_assets, else their own)',
        querystring: pageQuery.extend({
          q: z.string().max(100).optional(),
          category: z.string().max(100).optional(),
          tag: z.string().max(50).optional(),
          asset_type: z.enum(ASSET_TYPES).optional(),
          is_enabled: z
            .enum(['true', 'false'])
            .transform((v) => v === 'true')
            .optional(),
        }),
        response: { 200: pageOf(assetOut) },
      },
    },
    async (req) => {
      const { limit, cursor, ...filters } = req.query;
      return consoleTenant(req, (t) => listAssets(t, { limit, cursor }, filters));
    },
  );

  app.post(
    '/api/signage/assets',
    {
      schema: {
        tags,
        summary: 'Create a link asset (image, video, web page or stream URL)',
        body: z.strictObject({
          ...assetFields,
          asset_type: z.enum(ASSET_TYPES),
          uri: z.string().min(1).max(4000),
          mimetype: z.string().min(1).max(100).optional(),
        }),
        response: { 201: assetOut },
      },
    },
    async (req, reply) =>
      reply.code(201).send(publicAsset(await consoleTenant(req, (t) => createUrlAsset(t, req.body)))),
  );

  app.post(
    '/api/signage/assets/upload',
    {
      schema: {
        tags,
        summary: 'Upload an image or video (multipart: fields first, then the `file` part)',
        consumes: ['multipart/form-data'],
        response: { 201: assetOut },
      },
    },
    async (req, reply) => {
      requireWriter(actorOf(req));
      if (!req.isMultipart()) throw badRequest('Expected multipart/form-data with a `file` part');
      const part = await req.file();
      if (!part) throw invalidField('file', 'a file part is required');
      const values = Object.fromEntries(
        Object.entries(part.fields)
          .filter(([, v]) => v && !Array.isArray(v) && v.type === 'field')
          .map(([k, v]) => [k, (v as { value: unknown }).value]),
      );
      const parsed = uploadFields.safeParse(values);
      const refuse = (err: Error) => {
        part.file.resume();
        return err;
      };
      if (!parsed.success) {
        const errors = parsed.error.issues.map((i) => ({
          path: [
            'body',
            ...i.path.map(String),
            ...(i.code === 'unrecognized_keys' ? [i.keys.join(',')] : []),
          ].join('.'),
          message: i.message,
        }));
        throw refuse(
          badRequest(`Invalid request: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, errors),
        );
      }
      const { asset_type, ...fields } = parsed.data;
      try {
        checkAssetFields(fields);
      } catch (err) {
        throw refuse(err as Error);
      }
      let accept = asset_type === 'image' ? IMAGE_TYPES : asset_type === 'video' ? VIDEO_TYPES : UPLOAD_TYPES;
      // A claimed type narrows what the bytes must be; a generic one leaves the decision to sniffing.
      if (part.mimetype && part.mimetype !== 'application/octet-stream') {
        if (!accept.includes(part.mimetype as SniffedType))
          throw refuse(invalidField('file', `type ${part.mimetype} is not accepted (${accept.join(', ')})`));
        accept = [part.mimetype as SniffedType];
      }
      const actor = actorOf(req);
      const id = newAssetId();
      const stored = await storage.put(storageKeyFor(actor.orgId, id), part.file, {
        maxBytes: app.deps.config.maxUploadBytes,
        accept,
      });
      try {
        const asset = await consoleTenant(req, (t) => createUploadedAsset(t, id, fields, stored));
        return reply.code(201).send(publicAsset(asset));
      } catch (err) {
        await storage.remove(stored.key);
        throw err;
      }
    },
  );

  app.get(
    '/api/signage/assets/:id',
    { schema: { tags, summary: 'One asset', params: idParams, response: { 200: assetOut } } },
    async (req) => publicAsset(await consoleTenant(req, (t) => getAsset(t, req.params.id))),
  );

  app.get(
    '/api/signage/assets/:id/content',
    { schema: { tags, summary: 'The uploaded file of an asset', params: idParams } },
    async (req, reply) => {
      const content = await consoleTenant(req, (t) => assetContent(t, req.params.id));
      return reply
        .type(content.mimetype)
        .header('content-length', content.size)
        .header('etag', `"${content.md5}"`)
        .send(storage.open(content.key));
    },
  );

  app.patch(
    '/api/signage/assets/:id',
    {
      schema: {
        tags,
        summary: 'Change an asset (its creator, or admins)',
        params: idParams,
        body: z.strictObject({
          ...assetFields,
          name: assetFields.name.optional(),
          uri: z.string().min(1).max(4000).optional(),
          mimetype: z.string().min(1).max(100).optional(),
        }),
        response: { 200: assetOut },
      },
    },
    async (req) => publicAsset(await consoleTenant(req, (t) => updateAsset(t, req.params.id, req.body))),
  );

  app.delete(
    '/api/signage/assets/:id',
    { schema: { tags, summary: 'Delete an asset and its file', params: idParams } },
    async (req, reply) => {
      const key = await consoleTenant(req, (t) => deleteAsset(t, req.params.id));
      if (key) await storage.remove(key);
      return reply.code(204).send();
    },
  );

  // ---------------------------------------------------------------- playlists
  const playlistBody = {
    name: z.string().trim().min(1).max(255),
    is_default: z.boolean().optional(),
    shuffle: z.boolean().optional(),
    asset_ids: z.array(uuidParam).max(1000).optional(),
  };

  app.get(
    '/api/signage/playlists',
    {
      schema: {
        tags,
        summary: 'Playlists with their assets in order',
        querystring: pageQuery,
        response: { 200: pageOf(playlistOut) },
      },
    },
    async (req) => consoleTenant(req, (t) => listPlaylists(t, req.query)),
  );

  app.post(
    '/api/signage/playlists',
    {
      schema: {
        tags,
        summary: 'Create a playlist',
        body: z.strictObject(playlistBody),
        response: { 201: playlistOut },
      },
    },
    async (req, reply) => reply.code(201).send(await consoleTenant(req, (t) => createPlaylist(t, req.body))),
  );

  app.get(
    '/api/signage/playlists/:id',
    { schema: { tags, summary: 'One playlist', params: idParams, response: { 200: playlistOut } } },
    async (req) => consoleTenant(req, (t) => getPlaylist(t, req.params.id)),
  );

  app.patch(
    '/api/signage/playlists/:id',
    {
      schema: {
        tags,
        summary: 'Rename, make default, toggle shuffle, or replace the assets',
        params: idParams,
        body: z.strictObject({ ...playlistBody, name: playlistBody.name.optional() }),
        response: { 200: playlistOut },
      },
    },
    async (req) => consoleTenant(req, (t) => updatePlaylist(t, req.params.id, req.body)),
  );

  app.put(
    '/api/signage/playlists/:id/assets',
    {
      schema: {
        tags,
        summary: 'Set the ordered asset list in one call (reorder, add, remove)',
        params: idParams,
        body: z.strictObject({ asset_ids: z.array(uuidParam).max(1000) }),
        response: { 200: playlistOut },
      },
    },
    async (req) => consoleTenant(req, (t) => setPlaylistAssets(t, req.params.id, req.body.asset_ids)),
  );

  app.delete(
    '/api/signage/playlists/:id',
    {
      schema: { tags, summary: 'Delete a playlist (its screens fall back to the default)', params: idParams },
    },
    async (req, reply) => {
      await consoleTenant(req, (t) => deletePlaylist(t, req.params.id));
      return reply.code(204).send();
    },
  );

  // ---------------------------------------------------------------- devices (screens)
  app.get(
    '/api/signage/devices',
    {
      schema: {
        tags,
        summary: 'Screens; is_online is false after three missed heartbeats',
        querystring: pageQuery.extend({
          online: z
            .enum(['true', 'false'])
            .transform((v) => v === 'true')
            .optional(),
          playlist_id: uuidParam.optional(),
        }),
        response: { 200: pageOf(deviceOut) },
      },
    },
    async (req) => {
      const { limit, cursor, ...filters } = req.query;
      return consoleTenant(req, (t) => listDevices(t, { limit, cursor }, filters));
    },
  );

  app.post(
    '/api/signage/devices/claim',
    {
      schema: {
        tags,
        summary: 'Claim the screen showing a pairing code into this org (admins)',
        body: z.strictObject({ code: z.string().trim().min(4).max(12), ...deviceFields }),
        response: { 201: deviceOut },
      },
    },
    async (req, reply) =>
      reply.code(201).send(publicDevice(await consoleTenant(req, (t) => claimDevice(t, req.body)))),
  );

  app.get(
    '/api/signage/devices/:id',
    { schema: { tags, summary: 'One screen', params: idParams, response: { 200: deviceOut } } },
    async (req) => publicDevice(await consoleTenant(req, (t) => getDevice(t, req.params.id))),
  );

  app.patch(
    '/api/signage/devices/:id',
    {
      schema: {
        tags,
        summary: 'Rename, move, configure or assign a playlist to a screen (admins)',
        params: idParams,
        body: z.strictObject({ ...deviceFields, name: deviceFields.name.optional() }),
        response: { 200: deviceOut },
      },
    },
    async (req) => publicDevice(await consoleTenant(req, (t) => updateDevice(t, req.params.id, req.body))),
  );

  app.delete(
    '/api/signage/devices/:id',
    { schema: { tags, summary: 'Remove a screen (its token stops working)', params: idParams } },
    async (req, reply) => {
      await consoleTenant(req, (t) => deleteDevice(t, req.params.id));
      return reply.code(204).send();
    },
  );
}
