import type { RosterModule } from '../../core/http/app.ts';
import { registerEventRoutes } from './routes.ts';
import { seedEventsDemo } from './demo.ts';

/** Events, rooms, sessions, per-event roles, room slots, badges and door scans (seed 004). */
export const eventsModule: RosterModule = {
  name: 'events',
  register(app) {
    registerEventRoutes(app);
  },
  seedDemo: (t, users) => seedEventsDemo(t, users),
};
