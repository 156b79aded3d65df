import { tenant } from '../../core/http/app.ts';
import { z } from 'zod';
import { uuidParam } from '../../core/db/ids.ts';
import type { RosterApp } from '../../core/http/app.ts';
import { pageOf, pageQuery, mapPage } from '../../core/http/pagination.ts';
import { definedOnly } from '../../core/util/objects.ts';
import {
  createPlaylist,
  deletePlaylist,
  getPlaylist,
  listPlaylists,
  setEntryDayparts,
  setPlaylistAssets,
  updatePlaylist,
} from './playlists.ts';
import { dayPartsIn } from './dayparts.ts';
import { playlistOut, playlistView } from './views.ts';

const tags = ['signage'];
const idParams = z.object({ id: uuidParam });
const assetIds = z.array(uuidParam).max(1000);
const playlistBody = {
  name: z.string().trim().min(1).max(255),
  is_default: z.boolean().optional(),
  shuffle: z.boolean().optional(),
  asset_ids: assetIds.optional(),
};
const patchBody = z.strictObject({ ...playlistBody, name: playlistBody.name.optional() });

/** A playlist request body in the domain's names (absent fields stay absent). */
function playlistFieldsOf(body: z.infer<typeof patchBody>) {
  return definedOnly({
    name: body.name,
    isDefault: body.is_default,
    shuffle: body.shuffle,
    assetIds: body.asset_ids,
  });
}

/** Playlists: ordered assets; a screen plays its own, else the org's default. */
export function registerPlaylistRoutes(app: RosterApp) {
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
    async (req) => mapPage(await tenant(req, (t) => listPlaylists(t, req.query)), playlistView),
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
    async (req, reply) => {
      const input = { ...playlistFieldsOf(req.body), name: req.body.name };
      return reply.code(201).send(playlistView(await tenant(req, (t) => createPlaylist(t, input))));
    },
  );

  app.get(
    '/api/signage/playlists/:id',
    { schema: { tags, summary: 'One playlist', params: idParams, response: { 200: playlistOut } } },
    async (req) => playlistView(await tenant(req, (t) => getPlaylist(t, req.params.id))),
  );

  app.patch(
    '/api/signage/playlists/:id',
    {
      schema: {
        tags,
        summary: 'Rename, make default, toggle shuffle, or replace the assets',
        params: idParams,
        body: patchBody,
        response: { 200: playlistOut },
      },
    },
    async (req) => {
      const patch = playlistFieldsOf(req.body);
      return playlistView(await tenant(req, (t) => updatePlaylist(t, req.params.id, patch)));
    },
  );

  app.put(
    '/api/signage/playlists/:id/assets',
    {
      schema: {
        tags,
        summary: 'Set the ordered asset list in one call (reorder, add, remove)',
        params: idParams,
        body: z.strictObject({ asset_ids: assetIds }),
        response: { 200: playlistOut },
      },
    },
    async (req) => {
      const { asset_ids } = req.body;
      return playlistView(await tenant(req, (t) => setPlaylistAssets(t, req.params.id, asset_ids)));
    },
  );

  app.put(
    '/api/signage/playlists/:id/entries/:assetId/dayparts',
    {
      schema: {
        tags,
        summary:
          "When one entry plays in this playlist (screen's clock; an empty list: whenever its asset plays)",
        params: z.object({ id: uuidParam, assetId: uuidParam }),
        body: z.strictObject({ dayparts: dayPartsIn }),
        response: { 200: playlistOut },
      },
    },
    async (req) => {
      const { id, assetId } = req.params;
      const { dayparts } = req.body;
      return playlistView(await tenant(req, (t) => setEntryDayparts(t, id, assetId, dayparts)));
    },
  );

  app.delete(
    '/api/signage/playlists/:id',
    {
      schema: { tags, summary: 'Delete a playlist (its screens fall back to the default)', params: idParams },
    },
    async (req, reply) => {
      await tenant(req, (t) => deletePlaylist(t, req.params.id));
      return reply.code(204).send();
    },
  );
}
