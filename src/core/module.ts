import type { RosterModule } from './http/app.ts';
import { registerExplainRoutes } from './access/explain-routes.ts';
import { registerAuditRoutes } from './audit/routes.ts';
import { registerLiveRoute } from './events/live.ts';

/** Core HTTP surface shared by all modules: the audit trail, access explanations, the live stream. */
export const coreModule: RosterModule = {
  name: 'core',
  register(app) {
    registerAuditRoutes(app);
    registerExplainRoutes(app);
    registerLiveRoute(app);
  },
};
