import path from 'node:path';
import type { RosterModule } from '../../core/http/app.ts';
import { createLocalStorage } from '../../core/files/storage.ts';
import { createUrlAsset } from './assets.ts';
import { addDevice, authenticateDevice } from './devices.ts';
import { registerDeviceRoutes } from './device-routes.ts';
import { setOrgPlan } from './plans.ts';
import { createPlaylist } from './playlists.ts';
import { registerSignageRoutes } from './routes.ts';

/** Seed 003: digital signage — plans and limits, assets, playlists and the screens that play them. */
export const signageModule: RosterModule = {
  name: 'signage',
  register(app) {
    const { database, config } = app.deps;
    const storage = createLocalStorage(path.join(config.dataDir, 'uploads'));
    app.authenticators.push((token) => authenticateDevice(database.db, token));
    registerSignageRoutes(app, storage);
    registerDeviceRoutes(app, storage);
  },

  async seedDemo(t) {
    await setOrgPlan(t, 'pro');
    const assets = [
      await createUrlAsset(t, { name: 'Welcome page', asset_type: 'webpage', uri: 'https://example.com/', duration: 20, is_enabled: true, category: 'lobby', tags: ['welcome'] }),
      await createUrlAsset(t, { name: 'Product photo', asset_type: 'image', uri: 'https://picsum.photos/id/1/1920/1080', duration: 10, is_enabled: true, category: 'marketing', tags: ['product'] }),
      await createUrlAsset(t, { name: 'Opening hours', asset_type: 'image', uri: 'https://picsum.photos/id/20/1920/1080', duration: 8, is_enabled: true, start_date: '2024-01-01T08:00:00', end_date: '2099-12-31T20:00:00', category: 'lobby' }),
      await createUrlAsset(t, { name: 'Live stream', asset_type: 'stream', uri: 'https://example.com/live.m3u8', duration: 60, is_enabled: false, category: 'events' }),
    ];
    const playlist = await createPlaylist(t, { name: 'Lobby loop', is_default: true, asset_ids: assets.map((a) => a.id) });
    // Demo screens hold no token: a real screen pairs with a code instead.
    await addDevice(t, { name: 'Lobby screen', location: 'Main entrance', mac: '02:00:00:00:00:01', playlist_id: playlist.id, settings: { timezone: 'Europe/Paris' } });
    await addDevice(t, { name: 'Cafeteria screen', location: 'Cafeteria', mac: '02:00:00:00:00:02', settings: { timezone: 'Europe/Paris' } });
  },
};
