import type { FileStorage } from '../../core/files/storage.ts';
import type { RosterApp } from '../../core/http/app.ts';
import { registerAssetRoutes } from './routes-assets.ts';
import { registerDeviceConsoleRoutes } from './routes-devices.ts';
import { registerEmergencyRoutes } from './routes-emergency.ts';
import { registerGroupRoutes } from './routes-groups.ts';
import { registerPlanRoutes } from './routes-plan.ts';
import { registerPlaylistRoutes } from './routes-playlists.ts';
import { registerPlayRoutes } from './routes-plays.ts';
import { registerRemoteRoutes } from './routes-remote.ts';
import { registerScheduleRoutes } from './routes-schedules.ts';

/** The console API under /api/signage/ (people and API keys), one resource at a time. */
export function registerSignageRoutes(app: RosterApp, storage: FileStorage) {
  registerPlanRoutes(app);
  registerAssetRoutes(app, storage);
  registerPlaylistRoutes(app);
  registerDeviceConsoleRoutes(app, storage);
  registerGroupRoutes(app);
  registerScheduleRoutes(app);
  registerEmergencyRoutes(app);
  registerPlayRoutes(app);
  registerRemoteRoutes(app, storage);
}
