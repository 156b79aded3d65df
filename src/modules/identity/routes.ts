import type { RosterApp } from '../../core/http/app.ts';
import { registerApiKeyRoutes } from './routes-api-keys.ts';
import { registerMemberRoutes, registerOrganizationRoutes } from './routes-members.ts';
import { registerSessionRoutes } from './routes-sessions.ts';

export function registerIdentityRoutes(app: RosterApp) {
  registerSessionRoutes(app);
  registerOrganizationRoutes(app);
  registerMemberRoutes(app);
  registerApiKeyRoutes(app);
}
