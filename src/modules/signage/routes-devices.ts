import type { FileStorage } from '../../core/files/storage.ts';
import { z } from 'zod';
import { uuidParam } from '../../core/db/ids.ts';
import { actorOf, tenant, tenantDeps, type RosterApp } from '../../core/http/app.ts';
import { pageOf, pageQuery, mapPage } from '../../core/http/pagination.ts';
import { definedOnly } from '../../core/util/objects.ts';
import { screenContent } from './device-playlist.ts';
import { deleteDevice, getDevice, listDevices, updateDevice } from './devices.ts';
import { claimDevice, repairDevice } from './pairing.ts';
import { deviceOut, deviceView, effectiveOut, effectiveView } from './views.ts';

const tags = ['signage'];
const idParams = z.object({ id: uuidParam });
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
const patchBody = z.strictObject({ ...deviceFields, name: deviceFields.name.optional() });

/** A screen request body in the domain's names (absent fields stay absent). */
function deviceFieldsOf(body: z.infer<typeof patchBody>) {
  return definedOnly({
    name: body.name,
    mac: body.mac,
    location: body.location,
    unitId: body.unit_id,
    settings: body.settings,
    playlistId: body.playlist_id,
  });
}

/** The code a screen waiting to be paired shows. */
const pairingCode = z.string().trim().min(4).max(12);

/** The console's screens: claimed with a pairing code, then renamed, configured and removed by admins. */
export function registerDeviceConsoleRoutes(app: RosterApp, storage: FileStorage) {
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
          group_id: uuidParam.optional(),
        }),
        response: { 200: pageOf(deviceOut) },
      },
    },
    async (req) => {
      const { limit, cursor, online, playlist_id, group_id } = req.query;
      const filters = { online, playlistId: playlist_id, groupId: group_id };
      return mapPage(await tenant(req, (t) => listDevices(t, { limit, cursor }, filters)), deviceView);
    },
  );

  app.post(
    '/api/signage/devices/claim',
    {
      schema: {
        tags,
        summary: 'Claim the screen showing a pairing code into this org (admins)',
        body: z.strictObject({ code: pairingCode, ...deviceFields }),
        response: { 201: deviceOut },
      },
    },
    async (req, reply) => {
      const { code, name } = req.body;
      const fields = { ...deviceFieldsOf(req.body), name };
      return reply.code(201).send(deviceView(await tenant(req, (t) => claimDevice(t, code, fields))));
    },
  );

  app.post(
    '/api/signage/devices/:id/pair',
    {
      schema: {
        tags,
        summary:
          'Pair the screen showing a pairing code onto this existing screen record (admins): ' +
          'a recovered screen, replaced hardware or a lost token; the old token stops working',
        params: idParams,
        body: z.strictObject({ code: pairingCode }),
        response: { 200: deviceOut },
      },
    },
    async (req) => deviceView(await tenant(req, (t) => repairDevice(t, req.params.id, req.body.code))),
  );

  app.get(
    '/api/signage/devices/:id',
    { schema: { tags, summary: 'One screen', params: idParams, response: { 200: deviceOut } } },
    async (req) => deviceView(await tenant(req, (t) => getDevice(t, req.params.id))),
  );

  app.get(
    '/api/signage/devices/:id/effective',
    {
      schema: {
        tags,
        summary:
          'What the screen plays at `at` (default now): the playlist, the rule that chose it, the items in their windows',
        params: idParams,
        querystring: z.object({ at: z.iso.datetime({ offset: true }).optional() }),
        response: { 200: effectiveOut },
      },
    },
    async (req) => {
      const { id } = req.params;
      await tenant(req, (t) => getDevice(t, id));
      const at = req.query.at ? new Date(req.query.at) : null;
      return effectiveView(await screenContent(tenantDeps(req), actorOf(req), id, at));
    },
  );

  app.patch(
    '/api/signage/devices/:id',
    {
      schema: {
        tags,
        summary: 'Rename, move, configure or assign a playlist to a screen (admins)',
        params: idParams,
        body: patchBody,
        response: { 200: deviceOut },
      },
    },
    async (req) => {
      const patch = deviceFieldsOf(req.body);
      return deviceView(await tenant(req, (t) => updateDevice(t, req.params.id, patch)));
    },
  );

  app.delete(
    '/api/signage/devices/:id',
    { schema: { tags, summary: 'Remove a screen (its token stops working)', params: idParams } },
    async (req, reply) => {
      const screenshots = await tenant(req, (t) => deleteDevice(t, req.params.id));
      // A file left behind only wastes space; the screen is gone either way.
      await Promise.all(screenshots.map((key) => storage.remove(key).catch(() => undefined)));
      return reply.code(204).send();
    },
  );
}
