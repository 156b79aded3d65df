import type { RosterModule } from './http/app.ts';
import { registerAuditRoutes } from './audit/routes.ts';
import { registerLiveRoute } from './events/live.ts';

/** Core HTTP surface shared by all modules: the audit trail and the live event stream. */
export const coreModule: RosterModule = {
  name: 'core',
  register(app) {
    registerAuditRoutes(app);
    registerLiveRoute(app);
  },
};
