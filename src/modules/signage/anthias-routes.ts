import type { FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { FileStorage } from '../../core/files/storage.ts';
import type { RosterApp } from '../../core/http/app.ts';
import { notFound } from '../../core/http/problem.ts';
import {
  anthiasAsset,
  createAnthiasAsset,
  listAnthiasAssets,
  normalizeAssetId,
  orderAnthiasAssets,
  updateAnthiasAsset,
} from './anthias.ts';
import { deleteAsset, getAsset } from './assets.ts';
import { consoleTenant } from './routes.ts';

/** Anthias clients post JSON or HTML forms; form values are strings ("true", "1", "10"). */
const bool = z.union([
  z.boolean(),
  z
    .enum(['true', 'false', 'True', 'False', '1', '0'])
    .transform((v) => v === 'true' || v === 'True' || v === '1'),
  z.literal(0).transform(() => false),
  z.literal(1).transform(() => true),
]);
const int = (min: number, max: number) =>
  z
    .union([
      z.number().int(),
      z
        .string()
        .regex(/^-?\d+$/, 'must be an integer')
        .transform(Number),
    ])
    .pipe(z.number().int().min(min).max(max));
const date = z.string().max(40).nullable();

/** Read-only fields of AssetSerializerV2 that scripts echo back (GET, edit, PUT): accepted and ignored, as DRF does. */
const echoed = {
  asset_id: z.unknown().optional(),
  is_active: z.unknown().optional(),
  is_reachable: z.unknown().optional(),
  last_reachability_check: z.unknown().optional(),
  ext: z.unknown().optional(),
};

const optionalFields = {
  is_processing: bool.optional(),
  nocache: bool.optional(),
  play_order: int(0, 1_000_000).optional(),
  skip_asset_check: bool.optional(),
};

const createBody = z.strictObject({
  ...echoed,
  name: z.string().trim().min(1).max(255),
  uri: z.string().min(1).max(4000),
  mimetype: z.string().min(1).max(100),
  start_date: date.optional(),
  end_date: date.optional(),
  duration: int(0, 86_400).optional(),
  is_enabled: bool.optional(),
  ...optionalFields,
});

/** PUT requires what UpdateAssetSerializerV2 requires; uri and mimetype are accepted but not changed (as in Anthias). */
const updateFields = {
  ...echoed,
  uri: z.unknown().optional(),
  mimetype: z.unknown().optional(),
  name: z.string().trim().min(1).max(255),
  start_date: date,
  end_date: date,
  duration: int(0, 86_400),
  is_enabled: bool,
  ...optionalFields,
};
const putBody = z.strictObject(updateFields);
const patchBody = putBody.partial();

const assetOut = z.object({
  asset_id: z.string(),
  name: z.string(),
  uri: z.string(),
  start_date: z.string().nullable(),
  end_date: z.string().nullable(),
  duration: z.number(),
  mimetype: z.string(),
  is_enabled: z.boolean(),
  nocache: z.boolean(),
  play_order: z.number(),
  skip_asset_check: z.boolean(),
  is_active: z.boolean(),
  is_processing: z.boolean(),
});

const params = z.object({ asset_id: z.string().max(64) });

function assetIdOf(raw: string): string {
  const id = normalizeAssetId(raw);
  if (!id) throw notFound('Asset');
  return id;
}

/**
 * Anthias's REST API v2 asset endpoints, for scripts written against an Anthias player. They
 * act on the caller's org with the same rules as /api/signage/assets (plan limits, audit,
 * user_asset_access); use an org API key (`Authorization: Bearer rk_…`).
 */
export async function registerAnthiasRoutes(app: RosterApp, storage: FileStorage) {
  await app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_req, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(body as string)));
      },
    );
    const tags = ['anthias v2'];

    scope.get(
      '/api/v2/assets',
      {
        schema: {
          tags,
          summary: 'List assets (Anthias AssetListViewV2)',
          response: { 200: z.array(assetOut) },
        },
      },
      async (req) => consoleTenant(req, listAnthiasAssets),
    );

    scope.post(
      '/api/v2/assets',
      {
        schema: {
          tags,
          summary: 'Create a link asset (Anthias CreateAssetSerializerV2; a taken name gets a -N suffix)',
          body: createBody,
          response: { 201: assetOut },
        },
      },
      async (req, reply) => {
        const {
          asset_id: _a,
          is_active: _b,
          is_reachable: _c,
          last_reachability_check: _d,
          ext: _e,
          ...input
        } = req.body;
        return reply.code(201).send(await consoleTenant(req, (t) => createAnthiasAsset(t, input)));
      },
    );

    scope.get(
      '/api/v2/assets/:asset_id',
      { schema: { tags, summary: 'One asset', params, response: { 200: assetOut } } },
      async (req) =>
        anthiasAsset(await consoleTenant(req, (t) => getAsset(t, assetIdOf(req.params.asset_id)))),
    );

    const update = (req: FastifyRequest, body: z.infer<typeof patchBody>, rawId: string) => {
      const {
        asset_id: _a,
        is_active: _b,
        is_reachable: _c,
        last_reachability_check: _d,
        ext: _e,
        uri: _u,
        mimetype: _m,
        ...patch
      } = body;
      return consoleTenant(req, (t) => updateAnthiasAsset(t, assetIdOf(rawId), patch));
    };
    scope.put(
      '/api/v2/assets/:asset_id',
      {
        schema: {
          tags,
          summary: 'Update an asset (all of name, start_date, end_date, duration, is_enabled)',
          params,
          body: putBody,
          response: { 200: assetOut },
        },
      },
      async (req) => update(req, req.body, req.params.asset_id),
    );
    scope.patch(
      '/api/v2/assets/:asset_id',
      {
        schema: {
          tags,
          summary: 'Update some fields of an asset',
          params,
          body: patchBody,
          response: { 200: assetOut },
        },
      },
      async (req) => update(req, req.body, req.params.asset_id),
    );

    scope.delete(
      '/api/v2/assets/:asset_id',
      { schema: { tags, summary: 'Delete an asset (and its uploaded file)', params } },
      async (req, reply) => {
        const key = await consoleTenant(req, (t) => deleteAsset(t, assetIdOf(req.params.asset_id)));
        if (key) await storage.remove(key);
        return reply.code(204).send();
      },
    );

    scope.post(
      '/api/v2/assets/order',
      {
        schema: {
          tags,
          summary: 'Set play_order from a comma-separated id list (Anthias PlaylistOrderViewV2)',
          body: z.strictObject({ ids: z.string().max(100_000) }),
        },
      },
      async (req, reply) => {
        await consoleTenant(req, (t) => orderAnthiasAssets(t, req.body.ids));
        return reply.code(204).send();
      },
    );
  });
}
