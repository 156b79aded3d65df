import type { FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { FileStorage } from '../../core/files/storage.ts';
import type { RosterApp } from '../../core/http/app.ts';
import { notFound } from '../../core/http/problem.ts';
import { definedOnly } from '../../core/util/objects.ts';
import {
  createAnthiasAsset,
  listAnthiasAssets,
  normalizeAssetId,
  orderAnthiasAssets,
  updateAnthiasAsset,
} from './anthias.ts';
import { deleteAsset, getAsset } from './assets.ts';
import { consoleTenant } from './credentials.ts';
import { anthiasAssetOut, anthiasAssetView } from './views.ts';

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

const params = z.object({ asset_id: z.string().max(64) });

/**
 * The fields Anthias lets a script set, in the domain's names; the echoed read-only fields, and on
 * update uri and mimetype, are dropped here (absent fields stay absent).
 */
function anthiasFieldsOf(body: z.infer<typeof patchBody>) {
  return definedOnly({
    startDate: body.start_date,
    endDate: body.end_date,
    duration: body.duration,
    isEnabled: body.is_enabled,
    isProcessing: body.is_processing,
    nocache: body.nocache,
    playOrder: body.play_order,
    skipAssetCheck: body.skip_asset_check,
  });
}

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
  await app.register((plugin, _opts, done) => {
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
          response: { 200: z.array(anthiasAssetOut) },
        },
      },
      async (req) => (await consoleTenant(req, listAnthiasAssets)).map(anthiasAssetView),
    );

    scope.post(
      '/api/v2/assets',
      {
        schema: {
          tags,
          summary: 'Create a link asset (Anthias CreateAssetSerializerV2; a taken name gets a -N suffix)',
          body: createBody,
          response: { 201: anthiasAssetOut },
        },
      },
      async (req, reply) => {
        const { name, uri, mimetype } = req.body;
        const input = { ...anthiasFieldsOf(req.body), name, uri, mimetype };
        const asset = await consoleTenant(req, (t) => createAnthiasAsset(t, input));
        return reply.code(201).send(anthiasAssetView(asset));
      },
    );

    scope.get(
      '/api/v2/assets/:asset_id',
      { schema: { tags, summary: 'One asset', params, response: { 200: anthiasAssetOut } } },
      async (req) =>
        anthiasAssetView(await consoleTenant(req, (t) => getAsset(t, assetIdOf(req.params.asset_id)))),
    );

    const update = async (req: FastifyRequest, body: z.infer<typeof patchBody>, rawId: string) => {
      const patch = { ...anthiasFieldsOf(body), ...definedOnly({ name: body.name }) };
      return anthiasAssetView(
        await consoleTenant(req, (t) => updateAnthiasAsset(t, assetIdOf(rawId), patch)),
      );
    };
    scope.put(
      '/api/v2/assets/:asset_id',
      {
        schema: {
          tags,
          summary: 'Update an asset (all of name, start_date, end_date, duration, is_enabled)',
          params,
          body: putBody,
          response: { 200: anthiasAssetOut },
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
          response: { 200: anthiasAssetOut },
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
    done();
  });
}
