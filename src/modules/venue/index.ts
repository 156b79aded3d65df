import type { RosterModule } from '../../core/http/app.ts';
import { registerScreenItems } from '../signage/screen-items.ts';
import { seedVenueDemo } from './demo.ts';
import { registerVenueGrants } from './grants.ts';
import { panelItems } from './panel.ts';
import { registerVenueRoutes } from './routes.ts';

/**
 * One venue across modules: event rooms linked to their stage (a monitoring location) and their
 * screens, events tied to org units, and the access those links derive (see grants.ts).
 */
export const venueModule: RosterModule = {
  name: 'venue',
  register(app) {
    registerVenueGrants();
    registerVenueRoutes(app);
    registerScreenItems('venue.room_panel', panelItems);
  },
  seedDemo: (t) => seedVenueDemo(t),
};
