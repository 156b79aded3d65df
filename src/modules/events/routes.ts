import type { RosterApp } from '../../core/http/app.ts';
import { registerAnnonces, registerQuestions, registerStats } from './routes-engagement.ts';
import { registerEvents, registerRooms } from './routes-events.ts';
import { registerExhibitors } from './routes-exhibitors.ts';
import { registerMyBadge } from './routes-my-badge.ts';
import { registerDocuments } from './routes-files.ts';
import { registerBadgePage, registerParticipantImport, registerParticipants } from './routes-participants.ts';
import { registerScans } from './routes-scans.ts';
import { registerSessionAccess, registerSessions } from './routes-sessions.ts';
import { registerEventRoles, registerRoomSlots, registerStaffPicking } from './routes-staff.ts';

/** Every route of the module, one resource at a time, in the order the API document lists them. */
export function registerEventRoutes(app: RosterApp) {
  registerEvents(app);
  registerRooms(app);
  registerSessions(app);
  registerSessionAccess(app);
  registerEventRoles(app);
  registerStaffPicking(app);
  registerRoomSlots(app);
  registerParticipants(app);
  registerParticipantImport(app);
  registerScans(app);
  registerAnnonces(app);
  registerQuestions(app);
  registerExhibitors(app);
  registerDocuments(app);
  registerBadgePage(app);
  registerMyBadge(app);
  registerStats(app);
}
