import type { RosterApp } from '../../core/http/app.ts';
import { registerLinkRoutes } from './routes-links.ts';

/** The venue module's API, under /api/venue/: the links between rooms, stages, screens and units. */
export function registerVenueRoutes(app: RosterApp) {
  registerLinkRoutes(app);
}
