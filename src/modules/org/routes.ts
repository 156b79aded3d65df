import type { RosterApp } from '../../core/http/app.ts';
import { registerDepartmentRoutes } from './routes-departments.ts';
import { registerSectionRoutes } from './routes-sections.ts';
import { registerUnitRoutes } from './routes-units.ts';
import { registerUserRoutes } from './routes-users.ts';

/** The org module's API, under /api/auth/: users, then the reference data they are assigned to. */
export function registerOrgRoutes(app: RosterApp) {
  registerUserRoutes(app);
  registerUnitRoutes(app);
  registerDepartmentRoutes(app);
  registerSectionRoutes(app);
}
