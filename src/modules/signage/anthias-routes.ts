import crypto from 'node:crypto';
import os from 'node:os';
import { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readAll, type FileStorage } from '../../core/files/storage.ts';
import { requireOrgAdmin, requireWriter } from '../../core/access/actor.ts';
import { IMAGE_TYPES, VIDEO_TYPES } from '../../core/files/sniff.ts';
import { actorOf, type RosterApp, tenant } from '../../core/http/app.ts';
import { HttpProblem, invalidField, notFound } from '../../core/http/problem.ts';
import { definedOnly } from '../../core/util/objects.ts';
import {
  anthiasSettings,
  assetTypeOfMimetype,
  createAnthiasAsset,
  listAnthiasAssets,
  normalizeAssetId,
  orderAnthiasAssets,
  updateAnthiasAsset,
  updateAnthiasSettings,
  UPLOAD_URI,
} from './anthias.ts';
import { deleteAsset, getAsset, newAssetId, storageKeyFor } from './assets.ts';
import { BACKUP_NAME, backupFilename, backupKey, exportSignage } from './backup.ts';
import { readBackup } from './backup-manifest.ts';
import { queueCommand } from './commands.ts';
import { currentPlan, usageOf } from './plans.ts';
import { recoverSignage } from './recover.ts';
import { ANTHIAS_INTEGRATIONS, anthiasAssetOut, anthiasAssetView, anthiasIntegrationsOut } from './views.ts';

/**
 * Anthias's fields are DRF fields, which accept what HTML forms and multipart bodies carry: every
 * value may come as a string. Booleans take DRF's spellings ("true", "1", "yes", "on"…).
 */
const TRUE = new Set([
  'true',
  'True',
  'TRUE',
  't',
  'T',
  'yes',
  'Yes',
  'YES',
  'y',
  'Y',
  'on',
  'On',
  'ON',
  '1',
]);
const FALSE = new Set([
  'false',
  'False',
  'FALSE',
  'f',
  'F',
  'no',
  'No',
  'NO',
  'n',
  'N',
  'off',
  'Off',
  'OFF',
  '0',
]);
const bool = z.union([
  z.boolean(),
  z.literal(0).transform(() => false),
  z.literal(1).transform(() => true),
  z
    .string()
    .refine((v) => TRUE.has(v) || FALSE.has(v), 'must be a valid boolean')
    .transform((v) => TRUE.has(v)),
]);
/** DRF's IntegerField: a number or a numeric string, "20.0" included. */
const int = (min: number, max: number) =>
  z
    .union([
      z.number().int(),
      z
        .string()
        .trim()
        .regex(/^-?\d+(\.0*)?$/, 'must be a valid integer')
        .transform((v) => parseInt(v, 10)),
    ])
    .pipe(z.number().int().min(min).max(max));
const date = z.string().max(40).nullable();

const optionalFields = {
  is_processing: bool.optional(),
  nocache: bool.optional(),
  play_order: int(0, 1_000_000).optional(),
  skip_asset_check: bool.optional(),
};

/**
 * CreateAssetSerializerV2: other keys (read-only `asset_id`, `is_active`, the web UI's
 * `skipAssetCheck`, `ext`…) are ignored, as DRF ignores them. Roster's own API stays strict.
 */
const createBody = z.object({
  name: z.string().trim().min(1).max(255),
  uri: z.string().min(1).max(4000),
  mimetype: z.string().min(1).max(100),
  start_date: date.optional(),
  end_date: date.optional(),
  duration: int(0, 86_400).optional(),
  is_enabled: bool.optional(),
  ...optionalFields,
});

/** PUT requires what UpdateAssetSerializerV2 requires; uri and mimetype are not changed (as in Anthias). */
const putBody = z.object({
  name: z.string().trim().min(1).max(255),
  start_date: date,
  end_date: date,
  duration: int(0, 86_400),
  is_enabled: bool,
  ...optionalFields,
});
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
 * Multipart bodies (what Anthias's test client and `curl -F` send) as the plain object DRF sees:
 * the form fields by name. Runs before validation on the routes that take fields only.
 */
async function multipartFields(req: FastifyRequest) {
  if (!req.isMultipart()) return;
  const fields: Record<string, string> = {};
  for await (const part of req.parts()) {
    if (part.type === 'file') {
      // A file part on a fields-only route is ignored, as DRF ignores unknown keys.
      part.file.resume();
      continue;
    }
    if (typeof part.value === 'string') fields[part.fieldname] = part.value;
  }
  req.body = fields;
}

/** File extensions Anthias answers for an upload (`ext`), by the type the bytes were found to be. */
const EXTENSIONS: Record<string, string> = {
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/gif': '.gif',
  'image/webp': '.webp',
  'video/mp4': '.mp4',
  'video/webm': '.webm',
  'video/quicktime': '.mov',
};

const pendingKey = (orgId: string, uploadId: string) => `${orgId}/pending/${uploadId}`;

/** Anthias's `info` for an org: what a player reports about itself, from the service's side. */
function infoOf(usage: { storageBytes: number; maxStorageGb: number }) {
  const free = Math.max(0, usage.maxStorageGb * 1024 ** 3 - usage.storageBytes);
  const now = new Date();
  return {
    viewlog: 'Not available',
    loadavg: Math.round(os.loadavg()[2] * 100) / 100,
    free_space: `${(free / 1024 ** 3).toFixed(1)} GB`,
    display_power: null,
    up_to_date: true,
    anthias_version: 'roster',
    device_model: 'Roster',
    uptime: {
      days: Math.floor(process.uptime() / 86_400),
      hours: Math.round((process.uptime() % 86_400) / 36) / 100,
    },
    ip_addresses: [],
    mac_address: '',
    host_user: null,
    time: { iso: now.toISOString(), timezone: 'UTC', offset: '+00:00' },
  };
}

const settingsBody = z.object({
  player_name: z.string().max(255).optional(),
  audio_output: z.enum(['hdmi', 'local']).optional(),
  default_duration: int(0, 86_400).optional(),
  default_streaming_duration: int(0, 86_400).optional(),
  date_format: z.string().min(1).max(40).optional(),
  timezone: z.string().max(64).optional(),
  show_splash: bool.optional(),
  default_assets: bool.optional(),
  shuffle_playlist: bool.optional(),
  use_24_hour_clock: bool.optional(),
  debug_logging: bool.optional(),
  prefer_dark_mode: bool.optional(),
  verify_ssl: bool.optional(),
  screen_rotation: int(0, 270)
    .refine((v) => v % 90 === 0, 'is not a valid choice (0, 90, 180, 270)')
    .optional(),
  auth_backend: z.string().max(40).optional(),
  username: z.string().max(255).optional(),
  password: z.string().max(255).optional(),
  password_2: z.string().max(255).optional(),
  current_password: z.string().max(255).optional(),
  display_power_schedule_enabled: bool.optional(),
  display_power_on_time: z
    .string()
    .regex(/^\d{2}:\d{2}(:\d{2})?$/, 'expected HH:MM')
    .optional(),
  display_power_off_time: z
    .string()
    .regex(/^\d{2}:\d{2}(:\d{2})?$/, 'expected HH:MM')
    .optional(),
  display_power_days: z
    .string()
    .regex(/^([1-7](,[1-7])*)?$/, 'expected weekdays 1-7, comma separated')
    .optional(),
});

/** The `backup_upload` file of a recover request, in memory (bounded): Anthias's field name and checks. */
async function uploadedBackup(req: FastifyRequest, maxBytes: number): Promise<Buffer> {
  if (!req.isMultipart()) throw invalidField('backup_upload', 'No backup file uploaded.');
  for await (const part of req.parts()) {
    if (part.type !== 'file' || part.fieldname !== 'backup_upload') {
      if (part.type === 'file') part.file.resume();
      continue;
    }
    if (!/\.(tar\.gz|tgz|tar)$/i.test(part.filename))
      throw invalidField('backup_upload', 'Incorrect file extension.');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of part.file) {
      size += (chunk as Buffer).length;
      if (size > maxBytes)
        throw new HttpProblem(413, 'Payload Too Large', 'The backup exceeds the upload limit');
      chunks.push(chunk as Buffer);
    }
    if (part.file.truncated)
      throw new HttpProblem(413, 'Payload Too Large', 'The backup exceeds the upload limit');
    return Buffer.concat(chunks);
  }
  throw invalidField('backup_upload', 'No backup file uploaded.');
}

/**
 * Anthias's REST API v2, for its web UI and for scripts written against an Anthias player. Every
 * call acts on the caller's org with the same rules as /api/signage/ (plan limits, audit,
 * user_asset_access); a player's own actions (reboot, next asset…) become remote commands to the
 * org's screens. Use an org API key (`Authorization: Bearer rk_…`).
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
    const form = { preValidation: multipartFields };

    scope.get(
      '/api/v2/assets',
      {
        schema: {
          tags,
          summary: 'List assets (Anthias AssetListViewV2)',
          response: { 200: z.array(anthiasAssetOut) },
        },
      },
      async (req) => (await tenant(req, listAnthiasAssets)).map(anthiasAssetView),
    );

    scope.post(
      '/api/v2/assets',
      {
        ...form,
        schema: {
          tags,
          summary: 'Create an asset: a link, or a file_asset upload (its uri); a taken name gets a -N suffix',
          consumes: ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'],
          body: createBody,
          response: { 201: anthiasAssetOut },
        },
      },
      async (req, reply) => {
        const { name, uri, mimetype } = req.body;
        const input = { ...anthiasFieldsOf(req.body), name, uri, mimetype };
        const uploadId = UPLOAD_URI.exec(uri)?.[1];
        if (!uploadId) {
          const asset = await tenant(req, (t) => createAnthiasAsset(t, input));
          return reply.code(201).send(anthiasAssetView(asset));
        }
        const actor = actorOf(req);
        requireWriter(actor);
        const pending = pendingKey(actor.orgId, uploadId);
        if (!(await storage.exists(pending)))
          throw invalidField('body.uri', 'no upload with this uri: send the file to /api/v2/file_asset');
        const kind = assetTypeOfMimetype(mimetype);
        if (kind !== 'image' && kind !== 'video')
          throw invalidField('body.mimetype', 'an uploaded file is an image or a video');
        // The upload becomes the asset's own file; its bytes are checked again against the mimetype.
        const id = newAssetId();
        const file = await storage.put(storageKeyFor(actor.orgId, id), storage.open(pending), {
          maxBytes: app.deps.config.maxUploadBytes,
          accept: kind === 'image' ? IMAGE_TYPES : VIDEO_TYPES,
        });
        try {
          const asset = await tenant(req, (t) => createAnthiasAsset(t, input, { id, file }));
          await storage.remove(pending);
          return reply.code(201).send(anthiasAssetView(asset));
        } catch (err) {
          await storage.remove(file.key);
          throw err;
        }
      },
    );

    scope.post(
      '/api/v2/file_asset',
      {
        schema: {
          tags,
          summary: 'Upload a file (multipart `file_upload`); create the asset with the answered uri',
          consumes: ['multipart/form-data'],
          response: { 200: z.object({ uri: z.string(), ext: z.string(), upload_id: z.string() }) },
        },
      },
      async (req) => {
        const actor = actorOf(req);
        requireWriter(actor);
        if (!req.isMultipart()) throw invalidField('file_upload', 'No file uploaded.');
        for await (const part of req.parts()) {
          if (part.type !== 'file' || part.fieldname !== 'file_upload') {
            if (part.type === 'file') part.file.resume();
            continue;
          }
          const uploadId = crypto.randomBytes(16).toString('hex');
          const stored = await storage.put(pendingKey(actor.orgId, uploadId), part.file, {
            maxBytes: app.deps.config.maxUploadBytes,
            accept: [...IMAGE_TYPES, ...VIDEO_TYPES],
          });
          return { uri: `/uploads/${uploadId}`, ext: EXTENSIONS[stored.type] ?? '', upload_id: uploadId };
        }
        throw invalidField('file_upload', 'No file uploaded.');
      },
    );

    scope.get(
      '/api/v2/assets/:asset_id',
      { schema: { tags, summary: 'One asset', params, response: { 200: anthiasAssetOut } } },
      async (req) => anthiasAssetView(await tenant(req, (t) => getAsset(t, assetIdOf(req.params.asset_id)))),
    );

    scope.get(
      '/api/v2/assets/:asset_id/content',
      {
        schema: {
          tags,
          summary: 'The asset for a preview: its url, or its file (base64)',
          params,
          response: {
            200: z.union([
              z.object({ type: z.literal('url'), url: z.string() }),
              z.object({
                type: z.literal('file'),
                filename: z.string(),
                mimetype: z.string(),
                content: z.string(),
              }),
            ]),
          },
        },
      },
      async (req) => {
        const asset = await tenant(req, (t) => getAsset(t, assetIdOf(req.params.asset_id)));
        if (asset.storageKey === null) return { type: 'url' as const, url: asset.uri };
        return {
          type: 'file' as const,
          filename: asset.name,
          mimetype: asset.mimetype,
          content: (await readAll(storage.open(asset.storageKey))).toString('base64'),
        };
      },
    );

    const update = async (req: FastifyRequest, body: z.infer<typeof patchBody>, rawId: string) => {
      const patch = { ...anthiasFieldsOf(body), ...definedOnly({ name: body.name }) };
      return anthiasAssetView(await tenant(req, (t) => updateAnthiasAsset(t, assetIdOf(rawId), patch)));
    };
    // PUT names every field Anthias's serializer requires; PATCH any of them. Both save the same way.
    for (const [method, body, summary] of [
      ['PUT', putBody, 'Update an asset (all of name, start_date, end_date, duration, is_enabled)'],
      ['PATCH', patchBody, 'Update some fields of an asset'],
    ] as const)
      scope.route({
        method,
        url: '/api/v2/assets/:asset_id',
        ...form,
        schema: {
          tags,
          summary,
          consumes: ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'],
          params,
          body,
          response: { 200: anthiasAssetOut },
        },
        handler: async (req) => update(req, req.body, req.params.asset_id),
      });

    scope.delete(
      '/api/v2/assets/:asset_id',
      { schema: { tags, summary: 'Delete an asset (and its uploaded file)', params } },
      async (req, reply) => {
        const key = await tenant(req, (t) => deleteAsset(t, assetIdOf(req.params.asset_id)));
        if (key) await storage.remove(key);
        return reply.code(204).send();
      },
    );

    scope.post(
      '/api/v2/assets/order',
      {
        ...form,
        schema: {
          tags,
          summary: 'Set play_order from a comma-separated id list (Anthias PlaylistOrderViewV2)',
          consumes: ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'],
          body: z.object({ ids: z.string().max(100_000).default('') }),
        },
      },
      async (req, reply) => {
        await tenant(req, (t) => orderAnthiasAssets(t, req.body.ids));
        return reply.code(204).send();
      },
    );

    scope.get(
      '/api/v2/assets/control/:command',
      {
        schema: {
          tags,
          summary: 'Next or previous asset on every screen of the org (a remote command)',
          params: z.object({ command: z.string().max(100) }),
          response: { 200: z.string() },
        },
      },
      async (req) => {
        const { command } = req.params;
        if (command !== 'next' && command !== 'previous')
          throw invalidField('params.command', 'must be next or previous');
        await tenant(req, (t) => queueCommand(t, command));
        return 'Asset switched';
      },
    );

    for (const command of ['reboot', 'shutdown'] as const)
      scope.post(
        `/api/v2/${command}`,
        {
          schema: {
            tags,
            summary: `Ask every screen of the org to ${command} (a remote command they acknowledge)`,
          },
        },
        async (req, reply) => {
          await tenant(req, (t) => queueCommand(t, command));
          return reply.code(200).send();
        },
      );

    scope.post(
      '/api/v2/backup',
      {
        schema: {
          tags,
          summary:
            "Back up the org's signage (content, screens, groups, schedules, " +
            'settings, proof of play) as a .tar.gz; answers its name',
          response: { 201: z.string() },
        },
      },
      async (req, reply) => {
        const archive = await tenant(req, (t) => exportSignage(t, storage));
        const filename = backupFilename();
        await storage.put(backupKey(actorOf(req).orgId, filename), Readable.from(archive), {
          maxBytes: Number.MAX_SAFE_INTEGER,
          accept: ['application/gzip'],
        });
        // A JSON string, as Anthias answers it.
        return reply.code(201).type('application/json').send(JSON.stringify(filename));
      },
    );

    scope.get(
      '/api/v2/backup/:filename',
      {
        schema: {
          tags,
          summary: 'Download a backup made with POST /api/v2/backup (admins)',
          params: z.object({ filename: z.string().max(100) }),
        },
      },
      async (req, reply) => {
        const actor = actorOf(req);
        requireOrgAdmin(actor, 'download signage backups');
        const { filename } = req.params;
        const key = backupKey(actor.orgId, filename);
        if (!BACKUP_NAME.test(filename) || !(await storage.exists(key))) throw notFound('Backup');
        return reply
          .type('application/gzip')
          .header('content-disposition', `attachment; filename="${filename}"`)
          .send(storage.open(key));
      },
    );

    scope.post(
      '/api/v2/recover',
      {
        schema: {
          tags,
          summary:
            'Recover from a backup (multipart backup_upload): adds what the org lacks, changes nothing on a bad archive',
          consumes: ['multipart/form-data'],
          response: { 200: z.string() },
        },
      },
      async (req, reply) => {
        const actor = actorOf(req);
        requireOrgAdmin(actor, 'recover signage');
        const archive = await uploadedBackup(req, app.deps.config.maxUploadBytes);
        const maxBytes = app.deps.config.maxUploadBytes;
        const backup = readBackup(archive, maxBytes * 4);
        const stored: string[] = [];
        try {
          await tenant(req, (t) => recoverSignage(t, storage, backup, stored, maxBytes));
        } catch (err) {
          for (const key of stored) await storage.remove(key).catch(() => undefined);
          throw err;
        }
        return reply.type('application/json').send(JSON.stringify('Recovery successful.'));
      },
    );

    scope.get('/api/v2/info', { schema: { tags, summary: 'System information, for the org' } }, async (req) =>
      infoOf(
        await tenant(req, async (t) => {
          const plan = await currentPlan(t);
          const usage = await usageOf(t);
          return { storageBytes: usage.storageBytes, maxStorageGb: plan.maxStorageGb };
        }),
      ),
    );

    scope.get(
      '/api/v2/integrations',
      {
        schema: {
          tags,
          summary: 'Integrations (Roster is not a Balena device)',
          response: { 200: anthiasIntegrationsOut },
        },
      },
      () => Promise.resolve(ANTHIAS_INTEGRATIONS),
    );

    scope.get(
      '/api/v2/device_settings',
      { schema: { tags, summary: "The org's player settings (Anthias names)" } },
      async (req) => tenant(req, anthiasSettings),
    );
    for (const method of ['patch', 'put'] as const)
      scope[method](
        '/api/v2/device_settings',
        {
          ...form,
          schema: {
            tags,
            summary: "Change the org's player settings (admins; fields not sent are kept)",
            consumes: ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'],
            body: settingsBody,
            response: { 200: z.object({ message: z.string() }) },
          },
        },
        async (req) => {
          await tenant(req, (t) => updateAnthiasSettings(t, definedOnly(req.body)));
          return { message: 'Settings were successfully saved.' };
        },
      );
    done();
  });
}
