import type { MultipartFile } from '@fastify/multipart';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { dayPartsIn } from './dayparts.ts';
import { requireWriter } from '../../core/access/actor.ts';
import { uuidParam } from '../../core/db/ids.ts';
import { IMAGE_TYPES, VIDEO_TYPES, type SniffedType } from '../../core/files/sniff.ts';
import type { FileStorage } from '../../core/files/storage.ts';
import { actorOf, type RosterApp, tenant } from '../../core/http/app.ts';
import { pageOf, pageQuery, mapPage } from '../../core/http/pagination.ts';
import { badRequest, invalidField, invalidRequest } from '../../core/http/problem.ts';
import { phrase } from '../../core/http/problem-texts.ts';
import { definedOnly } from '../../core/util/objects.ts';
import {
  assetContent,
  checkAssetFields,
  createUploadedAsset,
  createUrlAsset,
  deleteAsset,
  getAsset,
  listAssets,
  newAssetId,
  storageKeyFor,
  updateAsset,
  type AssetContent,
  type AssetFields,
} from './assets.ts';
import { ASSET_TYPES } from './schema.ts';
import { assetOut, assetView } from './views.ts';

const tags = ['signage'];
const idParams = z.object({ id: uuidParam });
const dateTime = z.string().max(40).nullable().optional();
const assetTags = z.array(z.string().min(1).max(50)).max(50);
const uri = z.string().min(1).max(4000);
const mimetype = z.string().min(1).max(100);
const queryBool = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .optional();

const assetFields = {
  name: z.string().trim().min(1).max(255),
  description: z.string().max(5000).optional(),
  start_date: dateTime,
  end_date: dateTime,
  duration: z.number().int().min(1).max(86_400).optional(),
  timezone: z.string().min(1).max(64).optional(),
  is_enabled: z.boolean().optional(),
  play_order: z.number().int().min(0).max(1_000_000).optional(),
  tags: assetTags.optional(),
  category: z.string().max(100).optional(),
  nocache: z.boolean().optional(),
  skip_asset_check: z.boolean().optional(),
  dayparts: dayPartsIn.optional(),
};
const createBody = z.strictObject({
  ...assetFields,
  asset_type: z.enum(ASSET_TYPES),
  uri,
  mimetype: mimetype.optional(),
});
const patchBody = z.strictObject({
  ...assetFields,
  name: assetFields.name.optional(),
  uri: uri.optional(),
  mimetype: mimetype.optional(),
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
    .pipe(assetTags)
    .optional(),
  category: assetFields.category,
  nocache: formBool.optional(),
  skip_asset_check: formBool.optional(),
  asset_type: z.enum(['image', 'video']).optional(),
});

const UPLOAD_TYPES: SniffedType[] = [...IMAGE_TYPES, ...VIDEO_TYPES];

type WireAssetFields = Partial<z.infer<z.ZodObject<typeof assetFields>>>;

/** The asset fields of a request body, in the domain's names (absent fields stay absent). */
function assetFieldsOf(body: WireAssetFields): Partial<AssetFields> {
  return definedOnly({
    name: body.name,
    description: body.description,
    startDate: body.start_date,
    endDate: body.end_date,
    duration: body.duration,
    timezone: body.timezone,
    isEnabled: body.is_enabled,
    playOrder: body.play_order,
    tags: body.tags,
    category: body.category,
    nocache: body.nocache,
    skipAssetCheck: body.skip_asset_check,
    dayparts: body.dayparts,
  });
}

/** The form fields sent before the file, validated like a JSON body (400 naming `body.<field>`). */
function uploadFieldsOf(part: MultipartFile) {
  const values = Object.fromEntries(
    Object.entries(part.fields)
      .filter(([, v]) => v && !Array.isArray(v) && v.type === 'field')
      .map(([k, v]) => [k, (v as { value: unknown }).value]),
  );
  const parsed = uploadFields.safeParse(values);
  if (parsed.success) return parsed.data;
  const errors = parsed.error.issues.map((i) => ({
    path: ['body', ...i.path.map(String), ...(i.code === 'unrecognized_keys' ? [i.keys.join(',')] : [])].join(
      '.',
    ),
    message: i.message,
  }));
  throw invalidRequest(errors);
}

/** The file types the upload may be: the asked asset type's, narrowed by a specific claimed type. */
function acceptedTypes(assetType: 'image' | 'video' | undefined, claimed: string | undefined): SniffedType[] {
  const accept = assetType === 'image' ? IMAGE_TYPES : assetType === 'video' ? VIDEO_TYPES : UPLOAD_TYPES;
  // A claimed type narrows what the bytes must be; a generic one leaves the decision to sniffing.
  if (!claimed || claimed === 'application/octet-stream') return accept;
  if (!accept.includes(claimed as SniffedType))
    throw invalidField(
      'file',
      phrase('file.typeNotAccepted', { type: claimed, accepted: accept.join(', ') }),
    );
  return [claimed as SniffedType];
}

/** Streams an uploaded file with its type, size and checksum (the console's and the screens' route). */
export function sendAssetContent(reply: FastifyReply, storage: FileStorage, content: AssetContent) {
  return reply
    .type(content.mimetype)
    .header('content-length', content.size)
    .header('etag', `"${content.md5}"`)
    .send(storage.open(content.key));
}

/** Assets: links and uploaded files, each visible to its creator, admins and view_all_assets holders. */
export function registerAssetRoutes(app: RosterApp, storage: FileStorage) {
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
          is_enabled: queryBool,
        }),
        response: { 200: pageOf(assetOut) },
      },
    },
    async (req) => {
      const { limit, cursor, q, category, tag, asset_type, is_enabled } = req.query;
      const filters = { q, category, tag, assetType: asset_type, isEnabled: is_enabled };
      return mapPage(await tenant(req, (t) => listAssets(t, { limit, cursor }, filters)), assetView);
    },
  );

  app.post(
    '/api/signage/assets',
    {
      schema: {
        tags,
        summary: 'Create a link asset (image, video, web page or stream URL)',
        body: createBody,
        response: { 201: assetOut },
      },
    },
    async (req, reply) => {
      const { name, asset_type, uri, mimetype } = req.body;
      const input = { ...assetFieldsOf(req.body), name, assetType: asset_type, uri, mimetype };
      return reply.code(201).send(assetView(await tenant(req, (t) => createUrlAsset(t, input))));
    },
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
      const actor = actorOf(req);
      requireWriter(actor);
      if (!req.isMultipart()) throw badRequest('Expected multipart/form-data with a `file` part');
      const part = await req.file();
      if (!part) throw invalidField('file', 'a file part is required');
      let fields: AssetFields;
      let accept: SniffedType[];
      try {
        const { asset_type, ...wire } = uploadFieldsOf(part);
        fields = { ...assetFieldsOf(wire), name: wire.name };
        checkAssetFields(fields);
        accept = acceptedTypes(asset_type, part.mimetype);
      } catch (err) {
        // Refused before the bytes are read: drain them so the client sees the answer.
        part.file.resume();
        throw err;
      }
      const id = newAssetId();
      const stored = await storage.put(storageKeyFor(actor.orgId, id), part.file, {
        maxBytes: app.deps.config.maxUploadBytes,
        accept,
      });
      try {
        const asset = await tenant(req, (t) => createUploadedAsset(t, id, fields, stored));
        return reply.code(201).send(assetView(asset));
      } catch (err) {
        await storage.remove(stored.key);
        throw err;
      }
    },
  );

  app.get(
    '/api/signage/assets/:id',
    { schema: { tags, summary: 'One asset', params: idParams, response: { 200: assetOut } } },
    async (req) => assetView(await tenant(req, (t) => getAsset(t, req.params.id))),
  );

  app.get(
    '/api/signage/assets/:id/content',
    { schema: { tags, summary: 'The uploaded file of an asset', params: idParams } },
    async (req, reply) => {
      const content = await tenant(req, (t) => assetContent(t, req.params.id));
      return sendAssetContent(reply, storage, content);
    },
  );

  app.patch(
    '/api/signage/assets/:id',
    {
      schema: {
        tags,
        summary: 'Change an asset (its creator, or admins)',
        params: idParams,
        body: patchBody,
        response: { 200: assetOut },
      },
    },
    async (req) => {
      const patch = {
        ...assetFieldsOf(req.body),
        ...definedOnly({ uri: req.body.uri, mimetype: req.body.mimetype }),
      };
      return assetView(await tenant(req, (t) => updateAsset(t, req.params.id, patch)));
    },
  );

  app.delete(
    '/api/signage/assets/:id',
    { schema: { tags, summary: 'Delete an asset and its file', params: idParams } },
    async (req, reply) => {
      const key = await tenant(req, (t) => deleteAsset(t, req.params.id));
      if (key) await storage.remove(key);
      return reply.code(204).send();
    },
  );
}
