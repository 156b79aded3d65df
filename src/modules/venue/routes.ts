import type { RosterApp } from '../../core/http/app.ts';
import { registerLinkRoutes } from './routes-links.ts';
import { registerRoomRoutes } from './routes-rooms.ts';

/**
 * The venue module's API, under /api/venue/: the links between rooms, stages, screens and units,
 * the room page; and the room panel its screens read under /api/device/.
 */
export function registerVenueRoutes(app: RosterApp) {
  registerLinkRoutes(app);
  registerRoomRoutes(app);
}
