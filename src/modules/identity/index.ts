import type { RosterModule } from '../../core/http/app.ts';
import { registerIdentityRoutes } from './routes.ts';
import { authenticateSession } from './sessions.ts';
import { authenticateApiKey } from './api-keys.ts';

/** Logins, sessions, memberships and API keys: who the actor is, in which org, with which role. */
export const identityModule: RosterModule = {
  name: 'identity',
  register(app) {
    const { database, rateLimiter } = app.deps;
    app.authenticators.push(
      (token) => authenticateSession(database.db, token),
      (token, req) => authenticateApiKey(database.db, rateLimiter, token, req.ip),
    );
    registerIdentityRoutes(app);
  },
};
