import { z } from 'zod';
import { uuidParam } from '../../core/db/ids.ts';
import { tenant, type RosterApp } from '../../core/http/app.ts';
import { myPanel, PANEL_PATH } from './panel.ts';
import { roomOverview } from './room-page.ts';
import { roomOverviewOut, roomOverviewView, screenPanelOut, screenPanelView } from './views.ts';

/** The room page (people) and the room panel (the room's screens, with their own token only). */
export function registerRoomRoutes(app: RosterApp) {
  app.get(
    '/api/venue/rooms/:id',
    {
      schema: {
        tags: ['venue'],
        summary:
          "A room's page: session now and next, door, stage and screens (its manager now, event managers)",
        params: z.object({ id: uuidParam }),
        response: { 200: roomOverviewOut },
      },
    },
    async (req) => roomOverviewView(await tenant(req, (t) => roomOverview(t, req.params.id))),
  );

  app.get(
    PANEL_PATH,
    {
      config: { credentials: ['device'] },
      schema: {
        tags: ['signage device'],
        summary: "My room's live state (door and in-room screens) or my event's board (lobby screens)",
        response: { 200: screenPanelOut },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return screenPanelView(await tenant(req, (t) => myPanel(t)));
    },
  );
}
