import type { RosterApp } from '../../../core/http/app.ts';
import { registerAlertRoutes, registerHistoryRoutes, registerSettingsRoutes } from './alerts.ts';
import { registerAssignmentRoutes, registerLegacyRoutes } from './assignments.ts';
import { registerBoardRoutes } from './boards.ts';
import { registerCountRoutes } from './counts.ts';
import { registerDiscoveryRoutes } from './discovery.ts';
import { registerDisplayRoutes } from './display.ts';
import type { Discovery } from '../discovery.ts';
import { registerGroupRoutes } from './groups.ts';
import { registerChassisRoutes, registerLocationRoutes, registerUnitRoutes } from './hardware.ts';
import { registerMyRoutes } from './me.ts';
import { registerPerformerRoutes } from './performers.ts';

/** Every monitoring route, resource by resource (the order is the order of the API document). */
export function registerMonitoringRoutes(app: RosterApp, discovery: Discovery) {
  registerLocationRoutes(app);
  registerChassisRoutes(app);
  registerDiscoveryRoutes(app, discovery);
  registerUnitRoutes(app);
  registerPerformerRoutes(app);
  registerGroupRoutes(app);
  registerBoardRoutes(app);
  registerAssignmentRoutes(app);
  registerMyRoutes(app);
  registerLegacyRoutes(app);
  registerAlertRoutes(app);
  registerHistoryRoutes(app);
  registerSettingsRoutes(app);
  registerCountRoutes(app);
  registerDisplayRoutes(app);
}
